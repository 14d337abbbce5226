// Malformed frames from raw sockets (garbage, truncated updates, bad varints, unknown
// message types, empty/text frames, a 64 MiB frame) close only the sender's connection;
// a healthy pair in the same room keeps working and the stored document is untouched.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, contentOf, openRawSocket, withTimeout, httpRequest, seededRandom, sleep
} from './lib/harness.mjs'
import { encoding } from './lib/deps.mjs'

let server
let token
const DOC = 'acme-7/hostile'

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

const frame = (...parts) => {
  const e = encoding.createEncoder()
  for (const p of parts) {
    if (typeof p === 'number') encoding.writeVarUint(e, p)
    else encoding.writeVarUint8Array(e, p)
  }
  return encoding.toUint8Array(e)
}

function poisonUpdate () {
  const d = new Y.Doc()
  d.getMap('m').set('poison', 'x'.repeat(300))
  d.getText('t').insert(0, 'POISON')
  d.getArray('a').push(['poison'])
  return Y.encodeStateAsUpdate(d)
}

test('hostile frames close only their own connection and leave the room and its data intact', async () => {
  const rnd = seededRandom('garbage-frames')
  // Stock clients log (and otherwise swallow) updates they cannot decode: count those, since
  // the server must never relay a malformed update to the healthy pair.
  let relayedGarbage = 0
  const origError = console.error
  console.error = (...args) => { if (String(args[0]).includes('Caught error while handling a Yjs update')) relayedGarbage++; origError(...args) }
  const a = openClient(server, DOC, token)
  const b = openClient(server, DOC, token)
  clients.push(a, b)
  await Promise.all([waitSynced(a), waitSynced(b)])
  let disconnects = 0
  for (const c of [a, b]) c.provider.on('status', (s) => { if (s.status === 'disconnected') disconnects++ })
  a.doc.getText('t').insert(0, 'healthy')
  await waitFor(() => b.doc.getText('t').toString() === 'healthy', 5000, 'pair to sync before the attack')

  const upd = poisonUpdate()
  const garbage = Uint8Array.from({ length: 512 }, () => rnd.int(256))
  const cases = [
    // [label, bytes, must the server close the sender?]
    ['random garbage', garbage, true],
    ['truncated update (consistent length prefix)', frame(0, 2, upd.slice(0, Math.floor(upd.length / 2))), true],
    ['truncated update (length prefix beyond frame)', frame(0, 2, upd).slice(0, 20), true],
    ['update with a trailing cut-off struct', frame(0, 2, upd.slice(0, upd.length - 3)), true],
    ['bad varint (outer type overflows)', Uint8Array.from(Array(12).fill(0xff)), true],
    ['bad varint inside a sync message', Uint8Array.from([0, 2, ...Array(11).fill(0xff)]), true],
    ['sync step 1 with a malformed state vector', frame(0, 0, Uint8Array.from([5, 1])), true],
    ['awareness with garbage payload', frame(1, Uint8Array.from([3, 0xff, 0xff, 0xff])), true],
    ['empty binary frame', new Uint8Array(0), true],
    ['unknown outer message type', frame(99, 1, 2, 3), false],
    ['unknown sync sub-type', frame(0, 7, Uint8Array.from([1, 2])), false]
  ]
  // Failures to close are collected, so one run names every frame the server let through.
  const notClosed = []
  const closeOrNote = async (raw, label, ms) => {
    try {
      const c = await withTimeout(raw.closed, ms, `${label}: server to close the sender`)
      if (c.code === 1000) notClosed.push(`${label} (closed with 1000, a normal close)`)
    } catch {
      notClosed.push(`${label} (still open after ${ms} ms)`)
      raw.ws.terminate()
    }
  }
  for (const [label, bytes, mustClose] of cases) {
    const raw = openRawSocket(`${server.wsBase}/${DOC}?token=${encodeURIComponent(token)}`)
    await withTimeout(raw.opened, 5000, `${label}: raw socket to open`)
    raw.ws.send(bytes)
    if (mustClose) {
      await closeOrNote(raw, label, 5000)
    } else {
      await sleep(200)
      raw.ws.terminate()
    }
  }
  // A text frame (the protocol is binary only).
  {
    const raw = openRawSocket(`${server.wsBase}/${DOC}?token=${encodeURIComponent(token)}`)
    await withTimeout(raw.opened, 5000, 'text frame: raw socket to open')
    raw.ws.send('hello, this is text')
    await closeOrNote(raw, 'text frame', 5000)
  }
  // A 64 MiB frame: refused by the message size limit, without hurting anyone else.
  {
    const raw = openRawSocket(`${server.wsBase}/${DOC}?token=${encodeURIComponent(token)}`)
    await withTimeout(raw.opened, 5000, '64 MiB: raw socket to open')
    const big = Buffer.alloc(64 * 1024 * 1024, 0x41)
    big[0] = 0; big[1] = 2
    raw.ws.send(big, () => {})
    await closeOrNote(raw, '64 MiB frame', 30000)
  }

  // The pair never dropped and still converges both ways.
  assert.equal(disconnects, 0, 'the healthy pair was disconnected')
  assert.ok(a.provider.wsconnected && b.provider.wsconnected)
  b.doc.getMap('m').set('after', 'attack')
  a.doc.getArray('a').push(['still-here'])
  await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && a.doc.getMap('m').get('after') === 'attack' &&
    b.doc.getArray('a').length === 1, 5000, 'pair to converge after the attack')
  // Nothing of the poison was applied, not even in part.
  for (const c of [a, b]) {
    assert.equal(c.doc.getMap('m').has('poison'), false)
    assert.ok(!c.doc.getText('t').toString().includes('POISON'))
  }
  const fresh = openClient(server, DOC, token)
  clients.push(fresh)
  await waitSynced(fresh)
  await waitFor(() => contentOf(fresh.doc) === contentOf(a.doc), 5000, 'newcomer to load the untouched document')
  assert.equal(fresh.doc.getMap('m').has('poison'), false)
  const h = await httpRequest(server.port, 'GET', '/healthz')
  assert.equal(h.status, 200)
  console.error = origError
  assert.equal(relayedGarbage, 0, 'the server relayed malformed updates to the healthy clients')
  assert.deepEqual(notClosed, [], 'malformed frames the server did not answer by closing the sender')
})
