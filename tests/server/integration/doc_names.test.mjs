// Doc names outside DESIGN's grammar (1-200 bytes of [A-Za-z0-9._~/-], no "..", no empty
// segment) are refused with HTTP 400 before the upgrade, on /sync and on the REST API.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { serverPerSuite, mintToken, upgradeRequest, httpRequest } from './lib/harness.mjs'

let server
let token

serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

// Paths are sent exactly as written (no client-side normalisation of "..").
const BAD = [
  '', // empty name
  'acme-7//x', // empty segment
  'acme-7/x/', // trailing empty segment
  '/acme-7/x', // leading empty segment
  'acme-7/../acme-8/x', // dot-dot segment
  'acme-7/a..b', // ".." anywhere
  'acme-7/a%20b', // percent-encoded space (or a raw '%')
  'acme-7/caf%C3%A9', // non-ASCII
  'acme-7/a:b',
  'acme-7/a+b',
  'acme-7/a*b',
  'acme-7/%3Cscript%3E',
  'acme-7/a%2F..%2Fb',
  'acme-7/a%00b',
  'acme-7/' + 'x'.repeat(194) // 201 bytes
]
const GOOD = ['acme-7/plan', 'acme-7/A.b_c~d-e/1', 'acme-7/' + 'y'.repeat(193) /* 200 bytes */]

test('valid doc names are upgraded (control)', async () => {
  for (const name of GOOD) {
    const r = await upgradeRequest(server.port, `/sync/${name}?token=${encodeURIComponent(token)}`)
    assert.equal(r.status, 101, `${name.slice(0, 40)}: expected 101, got ${r.status}`)
  }
})

test('doc names outside the grammar get 400 before the WebSocket upgrade', async () => {
  for (const name of BAD) {
    const r = await upgradeRequest(server.port, `/sync/${name}?token=${encodeURIComponent(token)}`)
    assert.equal(r.status, 400, `/sync/${name.slice(0, 60)}: expected 400, got ${r.status}`)
  }
})

test('doc names outside the grammar get 400 on the REST API', async () => {
  for (const name of BAD.filter((n) => n !== '')) {
    const r = await httpRequest(server.port, 'GET', `/api/docs/${name}/update`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(r.status, 400, `/api/docs/${name.slice(0, 60)}/update: expected 400, got ${r.status}`)
  }
  const ok = await httpRequest(server.port, 'GET', '/api/docs/acme-7/plan/update', { headers: { Authorization: `Bearer ${token}` } })
  assert.equal(ok.status, 200, 'control: a valid name is served')
  const h = await httpRequest(server.port, 'GET', '/healthz')
  assert.equal(h.status, 200)
})
