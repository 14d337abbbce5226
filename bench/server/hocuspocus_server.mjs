// Starts Hocuspocus 3 for the benchmark, bound to 127.0.0.1 explicitly (3.4.4 ignores its
// `address` option and would listen on every interface). No hooks, no persistence.
import { Server } from '@hocuspocus/server'

const port = Number(process.env.PORT)
if (!port) throw new Error('PORT is required')
const server = new Server({ port, address: '127.0.0.1', quiet: true })
server.httpServer.listen({ port, host: '127.0.0.1' }, () => {
  console.log(`hocuspocus listening on 127.0.0.1:${port}`)
})
process.on('SIGTERM', () => process.exit(0))
