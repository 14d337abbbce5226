// Backpressure (--max-queue-mib 1): a client that stops reading is closed with 1013 while the
// healthy clients of its room keep up; a reconnecting client resyncs, also when the document
// is larger than the per-connection queue limit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, mintToken, openClient, waitSynced, waitFor, openRawSocket, withTimeout, seededRandom, sleep
} from './lib/harness.mjs'

let server
let token
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const open = (doc) => { const c = openClient(server, doc, token); clients.push(c); return c }

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
}, { args: ['--max-queue-mib', '1'] })

test('a client that stops reading is closed with 1013 and does not stall its room', async () => {
  const rnd = seededRandom('slow-client-payload')
  // Incompressible text, so permessage-deflate cannot hide the volume.
  const chunk = (n) => Array.from({ length: n }, () => ALPHABET[rnd.int(ALPHABET.length)]).join('')
  const writer = open('acme-7/slow')
  const reader = open('acme-7/slow')
  await Promise.all([writer, reader].map((c) => waitSynced(c)))
  let readerDrops = 0
  const readerCloses = []
  reader.provider.on('connection-close', (e) => { readerDrops++; readerCloses.push(e?.code) })
  const slow = openRawSocket(`${server.wsBase}/acme-7/slow?token=${encodeURIComponent(token)}`, { perMessageDeflate: false })
  await withTimeout(slow.opened, 5000, 'slow socket to open')
  await sleep(200)
  slow.ws._socket.pause() // stop reading: kernel buffers fill, then the server's queue grows
  // 16 MiB of traffic at a pace a reading client keeps up with (~2.5 MiB/s), each chunk
  // deleted again so the document itself stays small.
  // Chunks are made up front: the reader shares this process and must not be starved.
  const chunks = Array.from({ length: 256 }, () => chunk(64 * 1024))
  const t = writer.doc.getText('t')
  for (const piece of chunks) {
    t.insert(0, piece)
    await sleep(25)
    t.delete(0, t.length)
    await sleep(5)
  }
  t.insert(0, 'done')
  await waitFor(() => reader.doc.getText('t').toString() === 'done', 30000, 'the healthy reader to keep up')
  slow.ws._socket.resume()
  const c = await withTimeout(slow.closed, 30000, 'the slow client to be closed')
  assert.equal(c.code, 1013, `slow client closed with ${c.code} (${c.reason})`)
  assert.equal(readerDrops, 0, `the healthy reader was disconnected (close codes ${JSON.stringify(readerCloses.slice(0, 5))})`)
  assert.ok(writer.provider.wsconnected, 'the writer was disconnected')
  // The closed client's replacement resyncs.
  const again = open('acme-7/slow')
  await waitSynced(again)
  await waitFor(() => again.doc.getText('t').toString() === 'done', 10000, 'a reconnecting client to resync')
})

test('a client can sync a document larger than the outbound queue limit', async () => {
  const rnd = seededRandom('large-doc-payload')
  const writer = open('acme-7/large')
  await waitSynced(writer)
  // 3 MiB in 24 paced updates of 128 KiB: no connection ever falls behind while it grows.
  const chunks = Array.from({ length: 24 }, () => Array.from({ length: 128 * 1024 }, () => ALPHABET[rnd.int(ALPHABET.length)]).join(''))
  for (const piece of chunks) {
    writer.doc.getText('t').insert(writer.doc.getText('t').length, piece)
    await sleep(40)
  }
  const late = open('acme-7/large')
  const closes = []
  late.provider.on('connection-close', (e) => closes.push(e?.code))
  await waitSynced(late, 20000, 'a late joiner to sync a 3 MiB document with a 1 MiB queue limit').catch((e) => {
    throw new Error(`${e.message}; its connections were closed with ${JSON.stringify(closes.slice(0, 5))}`)
  })
  await waitFor(() => late.doc.getText('t').length === 24 * 128 * 1024, 10000, 'the late joiner to hold the whole document')
})
