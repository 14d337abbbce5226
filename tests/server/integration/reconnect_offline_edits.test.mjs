// Random disconnects and reconnects, with edits made while offline, still converge once
// every client is back online (seeded; the seed is printed).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, contentOf, seededRandom, sleep
} from './lib/harness.mjs'

let server
let token

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentee', prefix: 'acme-7' })
})

test('clients that disconnect at random and edit offline converge after reconnecting', async () => {
  const rnd = seededRandom('random-reconnect')
  const doc = 'acme-7/reconnect'
  for (let i = 0; i < 5; i++) clients.push(openClient(server, doc, token))
  await Promise.all(clients.map((c) => waitSynced(c)))
  const online = clients.map(() => true)
  let keys = 0
  for (let step = 0; step < 120; step++) {
    const i = rnd.int(clients.length)
    const c = clients[i]
    if (online[i] && rnd() < 0.15) { c.provider.disconnect(); online[i] = false } else if (!online[i] && rnd() < 0.3) { c.provider.connect(); online[i] = true }
    const op = rnd.int(3)
    if (op === 0) { c.doc.getMap('m').set(`c${i}-s${step}`, online[i] ? 'online' : 'offline'); keys++ } else if (op === 1) {
      const a = c.doc.getArray('a')
      a.insert(rnd.int(a.length + 1), [step])
    } else {
      const t = c.doc.getText('t')
      if (t.length > 3 && rnd() < 0.25) t.delete(rnd.int(t.length - 1), 1)
      else t.insert(rnd.int(t.length + 1), `${i}`)
    }
    if (rnd() < 0.2) await sleep(rnd.int(40))
  }
  for (const [i, c] of clients.entries()) if (!online[i]) c.provider.connect()
  await Promise.all(clients.map((c) => waitSynced(c, 15000, 'reconnected client to sync')))
  await waitFor(() => clients.every((c) => contentOf(c.doc) === contentOf(clients[0].doc)) &&
    clients[0].doc.getMap('m').size === keys, 20000, 'all clients to converge after reconnecting')
  const sv = Buffer.from(Y.encodeStateVector(clients[0].doc)).toString('hex')
  for (const c of clients) assert.equal(Buffer.from(Y.encodeStateVector(c.doc)).toString('hex'), sv)
  // And the server's own copy holds the merged state: a newcomer gets exactly the same.
  const fresh = openClient(server, doc, token)
  clients.push(fresh)
  await waitSynced(fresh)
  await waitFor(() => contentOf(fresh.doc) === contentOf(clients[0].doc), 10000, 'newcomer to receive the merged state')
})
