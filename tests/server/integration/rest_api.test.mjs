// REST: GET /api/docs/<name>/update returns the full state as a v1 update that yjs reads,
// POST applies a yjs update (writers only; relayed to live clients), GET .../json answers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, contentOf, httpRequest
} from './lib/harness.mjs'

let server
let mentor
let viewer

const clients = serverPerSuite(async (s) => {
  server = s
  mentor = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
  viewer = await mintToken({ dataDir: s.dataDir, user: 'v', name: 'V', role: 'viewer', prefix: 'acme-7' })
})

const bearer = (t) => ({ Authorization: `Bearer ${t}` })

test('GET update returns the document written over WebSocket as one v1 update yjs applies', async () => {
  const c = openClient(server, 'acme-7/board/3', mentor)
  clients.push(c)
  await waitSynced(c)
  c.doc.getMap('m').set('kind', 'board')
  c.doc.getText('t').insert(0, 'über ☃ text')
  c.doc.getArray('a').push([{ x: 1 }, 'two', 3])
  const w = openClient(server, 'acme-7/board/3', mentor)
  clients.push(w)
  await waitSynced(w)
  await waitFor(() => contentOf(w.doc) === contentOf(c.doc), 5000, 'witness')
  const r = await httpRequest(server.port, 'GET', '/api/docs/acme-7/board/3/update', { headers: bearer(mentor) })
  assert.equal(r.status, 200, `GET update answered ${r.status}: ${r.body.toString().slice(0, 200)}`)
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(r.body))
  assert.equal(contentOf(d), contentOf(c.doc), 'GET update content differs from the clients\' document')
  assert.equal(Buffer.from(Y.encodeStateVector(d)).toString('hex'), Buffer.from(Y.encodeStateVector(c.doc)).toString('hex'))
  // ?token= works as well as the Authorization header.
  const q = await httpRequest(server.port, 'GET', `/api/docs/acme-7/board/3/update?token=${encodeURIComponent(mentor)}`)
  assert.equal(q.status, 200, `GET update with ?token= answered ${q.status}`)
  assert.ok(Buffer.compare(q.body, r.body) === 0 || (() => { const e = new Y.Doc(); Y.applyUpdate(e, new Uint8Array(q.body)); return contentOf(e) === contentOf(d) })())
  // Viewers may read.
  const v = await httpRequest(server.port, 'GET', '/api/docs/acme-7/board/3/update', { headers: bearer(viewer) })
  assert.equal(v.status, 200, `viewer GET update answered ${v.status}`)
})

test('GET json answers JSON holding the document content', async () => {
  const r = await httpRequest(server.port, 'GET', '/api/docs/acme-7/board/3/json', { headers: bearer(mentor) })
  assert.equal(r.status, 200, `GET json answered ${r.status}: ${r.body.toString().slice(0, 200)}`)
  const j = JSON.parse(r.body.toString('utf8'))
  const s = JSON.stringify(j)
  assert.ok(s.includes('über ☃ text') && s.includes('"kind":"board"'), `unexpected JSON: ${s.slice(0, 300)}`)
})

test('POST update from yjs is applied, relayed to live clients and returned by GET', async () => {
  const live = openClient(server, 'acme-7/rest-post', mentor)
  clients.push(live)
  await waitSynced(live)
  live.doc.getMap('m').set('before', 1)
  const src = new Y.Doc()
  src.getMap('m').set('posted', 'via REST')
  src.getText('t').insert(0, 'posted text')
  const r = await httpRequest(server.port, 'POST', '/api/docs/acme-7/rest-post/update',
    { headers: { ...bearer(mentor), 'Content-Type': 'application/octet-stream' }, body: Buffer.from(Y.encodeStateAsUpdate(src)) })
  assert.ok(r.status >= 200 && r.status < 300, `POST answered ${r.status}: ${r.body}`)
  await waitFor(() => live.doc.getMap('m').get('posted') === 'via REST', 5000, 'live client to receive the POSTed update')
  await waitFor(async () => {
    const g = await httpRequest(server.port, 'GET', '/api/docs/acme-7/rest-post/update', { headers: bearer(mentor) })
    const d = new Y.Doc()
    Y.applyUpdate(d, new Uint8Array(g.body))
    return contentOf(d) === contentOf(live.doc) && d.getMap('m').get('before') === 1
  }, 5000, 'GET to return the merged state')
})

test('POST is refused for viewers, missing tokens and malformed bodies, and changes nothing', async () => {
  const before = await httpRequest(server.port, 'GET', '/api/docs/acme-7/rest-post/update', { headers: bearer(mentor) })
  const src = new Y.Doc()
  src.getMap('m').set('intruder', true)
  const body = Buffer.from(Y.encodeStateAsUpdate(src))
  const v = await httpRequest(server.port, 'POST', '/api/docs/acme-7/rest-post/update', { headers: bearer(viewer), body })
  assert.equal(v.status, 403, `viewer POST answered ${v.status}`)
  const n = await httpRequest(server.port, 'POST', '/api/docs/acme-7/rest-post/update', { body })
  assert.equal(n.status, 401, `token-less POST answered ${n.status}`)
  const bad = await httpRequest(server.port, 'POST', '/api/docs/acme-7/rest-post/update',
    { headers: bearer(mentor), body: Buffer.concat([body.subarray(0, body.length - 4)]) })
  assert.equal(bad.status, 400, `truncated update answered ${bad.status}`)
  const garbage = await httpRequest(server.port, 'POST', '/api/docs/acme-7/rest-post/update',
    { headers: bearer(mentor), body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) })
  assert.equal(garbage.status, 400, `garbage body answered ${garbage.status}`)
  const after = await httpRequest(server.port, 'GET', '/api/docs/acme-7/rest-post/update', { headers: bearer(mentor) })
  const d0 = new Y.Doc(); Y.applyUpdate(d0, new Uint8Array(before.body))
  const d1 = new Y.Doc(); Y.applyUpdate(d1, new Uint8Array(after.body))
  assert.equal(contentOf(d1), contentOf(d0))
  assert.equal(d1.getMap('m').has('intruder'), false)
})
