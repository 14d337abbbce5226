// 500 rooms written at the same time do not leak into each other: each room ends up with
// exactly its own content, for live clients and for newcomers loading it from the server.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { serverPerSuite, mintToken, openClient, waitSynced, waitFor } from './lib/harness.mjs'

let server
let token
const ROOMS = 500
const BATCH = 100

serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

const roomName = (i) => `acme-7/room/${i}`
// Every room writes the same keys, so any cross-talk shows up as a wrong owner or extra items.
const roomOk = (doc, i) => {
  const m = doc.getMap('m')
  const a = doc.getArray('a').toArray()
  return m.size === 1 && m.get('owner') === i && a.length === 1 && a[0] === i && doc.getText('t').toString() === `room ${i}`
}

test('500 rooms written concurrently each keep exactly their own content', async () => {
  const writers = []
  try {
    for (let start = 0; start < ROOMS; start += BATCH) {
      const batch = []
      for (let i = start; i < Math.min(ROOMS, start + BATCH); i++) batch.push({ i, c: openClient(server, roomName(i), token) })
      writers.push(...batch)
      await Promise.all(batch.map((w) => waitSynced(w.c, 20000, `writer of room ${w.i}`)))
      for (const { i, c } of batch) {
        c.doc.transact(() => {
          c.doc.getMap('m').set('owner', i)
          c.doc.getArray('a').push([i])
          c.doc.getText('t').insert(0, `room ${i}`)
        })
      }
    }
    // Readers per room, in batches; each must see its room's content and nothing else.
    const bad = []
    for (let start = 0; start < ROOMS; start += BATCH) {
      const readers = []
      for (let i = start; i < Math.min(ROOMS, start + BATCH); i++) readers.push({ i, c: openClient(server, roomName(i), token) })
      try {
        await Promise.all(readers.map((r) => waitSynced(r.c, 20000, `reader of room ${r.i}`)))
        await waitFor(() => readers.every((r) => r.c.doc.getMap('m').has('owner')), 15000, 'readers to receive their rooms')
        await new Promise((resolve) => setTimeout(resolve, 100))
        for (const r of readers) if (!roomOk(r.c.doc, r.i)) bad.push(`${roomName(r.i)}: ${JSON.stringify(r.c.doc.toJSON())}`)
      } finally {
        for (const r of readers) r.c.close()
      }
    }
    for (const w of writers) if (!roomOk(w.c.doc, w.i)) bad.push(`writer of ${roomName(w.i)}: ${JSON.stringify(w.c.doc.toJSON())}`)
    assert.deepEqual(bad.slice(0, 10), [], `${bad.length} rooms with foreign or missing content`)
  } finally {
    for (const w of writers) w.c.close()
  }
})
