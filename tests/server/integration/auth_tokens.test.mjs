// Auth: viewers read but cannot write; wrong, forged, expired, missing and cross-prefix
// tokens are refused before the upgrade and receive no document content.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, mintToken, runTandem, openClient, waitSynced, waitFor, contentOf, openRawSocket,
  upgradeRequest, httpRequest, withTimeout, sleep, Y
} from './lib/harness.mjs'
import { encoding } from './lib/deps.mjs'

let server
let mentor
const SECRET_TEXT = 'TOP-SECRET-PLAN-CONTENT'
const open = (doc, tok) => { const c = openClient(server, doc, tok); clients.push(c); return c }

const clients = serverPerSuite(async (s) => {
  server = s
  mentor = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
  // Content in both workspaces, so a refused connection has something it must not see.
  const acme70 = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-70' })
  for (const [doc, tok] of [['acme-7/plan', mentor], ['acme-70/plan', acme70]]) {
    const c = open(doc, tok)
    await waitSynced(c)
    c.doc.getText('t').insert(0, `${SECRET_TEXT} of ${doc}`)
    const w = open(doc, tok)
    await waitSynced(w)
    await waitFor(() => w.doc.getText('t').toString().includes(SECRET_TEXT), 10000, `content of ${doc} to be on the server`)
  }
})

const syncPath = (doc, tok) => `/sync/${doc}${tok === undefined ? '' : `?token=${encodeURIComponent(tok)}`}`

test('a valid mentor token is upgraded (control for the refusals below)', async () => {
  const r = await upgradeRequest(server.port, syncPath('acme-7/plan', mentor))
  assert.equal(r.status, 101)
})

test('missing, garbage, tampered and foreign-secret tokens are refused with 401/403 and no content', async () => {
  const tampered = mentor.slice(0, -3) + (mentor.at(-3) === 'A' ? 'B' : 'A') + mentor.slice(-2)
  const midTampered = mentor.slice(0, 10) + (mentor[10] === 'x' ? 'y' : 'x') + mentor.slice(11)
  const foreign = await runTandem(['token', '--user', 'u1', '--name', 'Mallory', '--role', 'mentor', '--prefix', 'acme-7', '--ttl', '7d',
    '--data', server.dataDir], { TANDEM_SECRET: 'a-completely-different-secret-value-123' })
  assert.equal(foreign.code, 0, foreign.stderr)
  const foreignTok = foreign.stdout.trim().split('\n').at(-1).trim()
  assert.notEqual(foreignTok, mentor)
  const cases = { missing: undefined, empty: '', garbage: 'not-a-token', tampered, midTampered, foreignSecret: foreignTok }
  for (const [what, tok] of Object.entries(cases)) {
    const r = await upgradeRequest(server.port, syncPath('acme-7/plan', tok))
    assert.ok(r.status === 401 || r.status === 403, `${what} token: expected 401/403, got ${r.status}`)
    assert.ok(!r.body.toString('latin1').includes(SECRET_TEXT), `${what} token: response leaked content`)
    const g = await httpRequest(server.port, 'GET', '/api/docs/acme-7/plan/update',
      { headers: tok === undefined ? {} : { Authorization: `Bearer ${tok}` } })
    assert.ok(g.status === 401 || g.status === 403, `${what} token on REST GET: expected 401/403, got ${g.status}`)
    assert.ok(!g.body.toString('latin1').includes(SECRET_TEXT), `${what} token: REST leaked content`)
  }
})

test('an expired token is refused', async () => {
  const short = await mintToken({ dataDir: server.dataDir, role: 'mentor', prefix: 'acme-7', ttl: '1s' })
  await sleep(2200)
  const r = await upgradeRequest(server.port, syncPath('acme-7/plan', short))
  assert.ok(r.status === 401 || r.status === 403, `expected 401/403, got ${r.status}`)
  assert.ok(!r.body.toString('latin1').includes(SECRET_TEXT))
})

test('prefix matches whole segments: an acme-7 token cannot open acme-70/plan or another workspace', async () => {
  for (const doc of ['acme-70/plan', 'acme-8/plan', 'acme/plan', 'acme-7x/plan']) {
    const r = await upgradeRequest(server.port, syncPath(doc, mentor))
    assert.ok(r.status === 401 || r.status === 403, `${doc}: expected 401/403, got ${r.status}`)
    assert.ok(!r.body.toString('latin1').includes(SECRET_TEXT), `${doc}: leaked content`)
  }
  // A stock client with the wrong-workspace token stays empty.
  const c = open('acme-70/plan', mentor)
  await sleep(1500)
  assert.equal(c.provider.synced, false)
  assert.equal(c.doc.getText('t').toString(), '')
  c.provider.disconnect()
})

test('a viewer receives everything but its edits are dropped and answered with an auth message', async () => {
  const viewerTok = await mintToken({ dataDir: server.dataDir, user: 'v1', name: 'Viewer', role: 'viewer', prefix: 'acme-7' })
  const m = open('acme-7/plan', mentor)
  const v = open('acme-7/plan', viewerTok)
  await Promise.all([waitSynced(m), waitSynced(v)])
  await waitFor(() => v.doc.getText('t').toString().includes(SECRET_TEXT), 5000, 'viewer to receive the document')
  v.doc.getMap('m').set('viewer-wrote', true)
  // Viewers may still send awareness.
  v.awareness.setLocalStateField('user', { name: 'Viewer' })
  await waitFor(() => m.awareness.getStates().get(v.doc.clientID)?.user?.name === 'Viewer', 5000, "viewer's awareness at the mentor")
  // Barrier: a later mentor edit reaching the viewer means the viewer's earlier edit had its chance.
  m.doc.getMap('m').set('mentor-wrote', true)
  await waitFor(() => v.doc.getMap('m').get('mentor-wrote') === true, 5000, "mentor's edit at the viewer")
  await sleep(500)
  assert.equal(m.doc.getMap('m').has('viewer-wrote'), false, "viewer's edit reached the mentor")
  const fresh = open('acme-7/plan', mentor)
  await waitSynced(fresh)
  await waitFor(() => fresh.doc.getMap('m').get('mentor-wrote') === true, 5000, 'newcomer to load the document')
  assert.equal(fresh.doc.getMap('m').has('viewer-wrote'), false, "viewer's edit was stored")

  // Raw viewer socket: an update message is answered with outer message type 2 (auth).
  const raw = openRawSocket(`${server.wsBase}/acme-7/plan?token=${encodeURIComponent(viewerTok)}`)
  await withTimeout(raw.opened, 5000, 'viewer raw socket to open')
  const d = new Y.Doc()
  d.getMap('m').set('raw-viewer', 1)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(d))
  raw.ws.send(encoding.toUint8Array(e))
  await waitFor(() => raw.received.some((f) => f[0] === 2), 5000, 'an auth message (outer type 2) answering the viewer update')
  raw.ws.close()
  await sleep(300)
  assert.equal(m.doc.getMap('m').has('raw-viewer'), false)
  assert.equal(contentOf(m.doc), contentOf(fresh.doc))
})
