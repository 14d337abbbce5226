// An update whose dependencies are missing (pending structs) is kept, the server asks the
// sender for the rest with a sync step 1, and once the gap is filled every client converges.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, openRawSocket, withTimeout, sleep
} from './lib/harness.mjs'
import { encoding } from './lib/deps.mjs'

let server
let token

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

const updateFrame = (u) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, u)
  return encoding.toUint8Array(e)
}

test('an update with missing dependencies triggers a step 1 to its sender and applies once the gap is filled', async () => {
  const src = new Y.Doc()
  src.clientID = 777001
  src.getMap('m').set('first', 1)
  const sv1 = Y.encodeStateVector(src)
  const first = Y.encodeStateAsUpdate(src)
  src.getMap('m').set('second', 2)
  src.getText('t').insert(0, 'depends on first')
  const second = Y.encodeStateAsUpdate(src, sv1) // clocks 1.., needs clock 0 of 777001

  const watcher = openClient(server, 'acme-7/pending', token)
  clients.push(watcher)
  await waitSynced(watcher)
  const raw = openRawSocket(`${server.wsBase}/acme-7/pending?token=${encodeURIComponent(token)}`)
  await withTimeout(raw.opened, 5000, 'raw socket to open')
  // The server opens with its own sync step 1; only a later step 1 is the request for the gap.
  await waitFor(() => raw.received.some((f) => f[0] === 0 && f[1] === 0), 5000, "the server's initial sync step 1")
  await sleep(200)
  raw.received.length = 0
  raw.ws.send(updateFrame(second))
  await waitFor(() => raw.received.some((f) => f[0] === 0 && f[1] === 0), 5000, 'the server to ask the sender for the missing structs (sync step 1)')
  assert.equal(watcher.doc.getMap('m').has('second'), false, 'a struct with a missing dependency became visible')
  raw.ws.send(updateFrame(first))
  await waitFor(() => watcher.doc.getMap('m').get('first') === 1 && watcher.doc.getMap('m').get('second') === 2 &&
    watcher.doc.getText('t').toString() === 'depends on first', 5000, 'watcher to receive both updates once the gap is filled')
  raw.ws.close()
  const fresh = openClient(server, 'acme-7/pending', token)
  clients.push(fresh)
  await waitSynced(fresh)
  await waitFor(() => fresh.doc.getMap('m').get('second') === 2 && fresh.doc.getText('t').toString() === 'depends on first',
    5000, 'newcomer to load the completed document')
})
