// Reconnect storm: 1,000 stock clients connect at once to 10 rooms; all sync, receive the
// room's existing content, and then see each other's edits.
import { test } from 'node:test'
import { serverPerSuite, mintToken, openClient, waitSynced, waitFor, contentOf } from './lib/harness.mjs'

let server
let token
const CLIENTS = 1000
const ROOMS = 10

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentee', prefix: 'acme-7' })
})

test('1,000 clients connecting at once to 10 rooms all sync and converge', async () => {
  const seeded = []
  for (let r = 0; r < ROOMS; r++) {
    const s = openClient(server, `acme-7/storm/${r}`, token)
    seeded.push(s)
    await waitSynced(s)
    s.doc.getText('t').insert(0, `room ${r} `.repeat(200))
    s.doc.getMap('m').set('seed', r)
  }
  const t0 = Date.now()
  for (let i = 0; i < CLIENTS; i++) clients.push(Object.assign(openClient(server, `acme-7/storm/${i % ROOMS}`, token, { maxBackoffTime: 1000 }), { room: i % ROOMS }))
  await Promise.all(clients.map((c) => waitSynced(c, 90000, 'a storm client to sync')))
  console.log(`# ${CLIENTS} clients synced in ${Date.now() - t0} ms`)
  await waitFor(() => clients.every((c) => c.doc.getMap('m').get('seed') === c.room), 30000, 'every client to receive its room content')
  for (const [i, c] of clients.entries()) c.doc.getMap('m').set(`c${i}`, i)
  await waitFor(() => clients.every((c) => c.doc.getMap('m').size === 1 + CLIENTS / ROOMS), 90000,
    'every client to see all 100 edits of its room')
  for (const c of clients) if (contentOf(c.doc) !== contentOf(clients[c.room].doc)) throw new Error(`room ${c.room} diverged`)
  for (const s of seeded) s.close()
})
