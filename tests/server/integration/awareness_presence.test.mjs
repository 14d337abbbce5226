// Awareness (presence/cursors): states reach every connection of the room including the
// sender, and a client's states are removed for everyone when its connection closes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, openRawSocket, withTimeout
} from './lib/harness.mjs'
import { encoding, decoding, awarenessProtocol } from './lib/deps.mjs'

let server
let token

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

function awarenessFrame (clientID, state) {
  const d = new Y.Doc()
  d.clientID = clientID
  const aw = new awarenessProtocol.Awareness(d)
  aw.setLocalState(state)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, [clientID]))
  aw.destroy()
  d.destroy()
  return encoding.toUint8Array(e)
}

// Client ids mentioned by the awareness messages among `frames`.
function awarenessClients (frames) {
  const ids = new Set()
  for (const f of frames) {
    try {
      const dec = decoding.createDecoder(f)
      if (decoding.readVarUint(dec) !== 1) continue
      const upd = decoding.createDecoder(decoding.readVarUint8Array(dec))
      const n = decoding.readVarUint(upd)
      for (let i = 0; i < n; i++) {
        ids.add(decoding.readVarUint(upd))
        decoding.readVarUint(upd)
        decoding.readVarString(upd)
      }
    } catch {}
  }
  return ids
}

test('awareness of one client appears at the other and disappears when it closes', async () => {
  const a = openClient(server, 'acme-7/presence', token)
  const b = openClient(server, 'acme-7/presence', token)
  clients.push(a, b)
  await Promise.all([waitSynced(a), waitSynced(b)])
  a.awareness.setLocalStateField('user', { name: 'Ada', color: '#f00' })
  b.awareness.setLocalStateField('cursor', { x: 10, y: 20 })
  await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', 5000, 'Ada to appear at b')
  await waitFor(() => a.awareness.getStates().get(b.doc.clientID)?.cursor?.y === 20, 5000, "b's cursor to appear at a")
  const aId = a.doc.clientID
  a.close()
  clients.splice(clients.indexOf(a), 1)
  // Far below the 30 s outdated timeout: the server must broadcast the removal on close.
  await waitFor(() => !b.awareness.getStates().has(aId), 5000, "a's awareness to be removed at b after a closed")
})

test('awareness is echoed to the sender too, and removed for others when a raw socket closes', async () => {
  const watcher = openClient(server, 'acme-7/presence-raw', token)
  clients.push(watcher)
  await waitSynced(watcher)
  const raw = openRawSocket(`${server.wsBase}/acme-7/presence-raw?token=${encodeURIComponent(token)}`)
  await withTimeout(raw.opened, 5000, 'raw socket to open')
  const id = 424242
  raw.ws.send(awarenessFrame(id, { user: { name: 'Raw' } }))
  await waitFor(() => watcher.awareness.getStates().get(id)?.user?.name === 'Raw', 5000, 'raw client state at the watcher')
  await waitFor(() => awarenessClients(raw.received).has(id), 5000, 'the server to echo the awareness update back to its sender')
  raw.ws.close()
  await waitFor(() => !watcher.awareness.getStates().has(id), 5000, 'raw client state removed after its socket closed')
  // A newcomer sees the watcher but no ghost of the closed client.
  const newcomer = openClient(server, 'acme-7/presence-raw', token)
  clients.push(newcomer)
  watcher.awareness.setLocalStateField('user', { name: 'Watcher' })
  await waitSynced(newcomer)
  await waitFor(() => newcomer.awareness.getStates().get(watcher.doc.clientID)?.user?.name === 'Watcher', 5000, 'watcher state at newcomer')
  assert.equal(newcomer.awareness.getStates().has(id), false, 'closed client must not reappear as a ghost')
})

test('a query-awareness message is answered with the states of the room', async () => {
  const a = openClient(server, 'acme-7/presence-query', token)
  clients.push(a)
  await waitSynced(a)
  a.awareness.setLocalStateField('user', { name: 'Queried' })
  const raw = openRawSocket(`${server.wsBase}/acme-7/presence-query?token=${encodeURIComponent(token)}`)
  await withTimeout(raw.opened, 5000, 'raw socket to open')
  // Let the initial exchange pass, then ask explicitly.
  await waitFor(() => awarenessClients(raw.received).has(a.doc.clientID), 5000, 'initial awareness of the room at the raw socket')
  raw.received.length = 0
  raw.ws.send(Uint8Array.from([3]))
  await waitFor(() => awarenessClients(raw.received).has(a.doc.clientID), 5000, 'awareness answer to query awareness (type 3)')
  raw.ws.close()
  await withTimeout(raw.closed, 5000, 'raw socket to close')
})
