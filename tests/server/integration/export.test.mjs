// Export over HTTP: GET /api/docs/<name>/export.pdf|.png renders the stored board/plan
// (written here by a stock yjs client over POST), skips bad elements with an
// X-Tandem-Warnings header, and answers only tokens that may read the document.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serverPerSuite, Y, mintToken, httpRequest, cleanupDir } from './lib/harness.mjs'

let server, mentor, other
const bearer = (t) => ({ Authorization: `Bearer ${t}` })

function boardUpdate () {
  const d = new Y.Doc()
  d.transact(() => {
    const meta = d.getMap('meta')
    meta.set('kind', 'board'); meta.set('title', 'Export board'); meta.set('background', '#ffffff')
    const els = d.getMap('elements')
    const sticky = new Y.Map()
    els.set('s1', sticky)
    sticky.set('type', 'sticky'); sticky.set('x', 10); sticky.set('y', 10); sticky.set('w', 200); sticky.set('h', 120)
    sticky.set('index', 'a0'); sticky.set('fill', '#fff3a0'); sticky.set('stroke', '#333333')
    const t = new Y.Text(); sticky.set('text', t); t.insert(0, 'Quarterly growth sticky')
    const bad = new Y.Map()
    els.set('bad', bad)
    bad.set('type', 'rect'); bad.set('x', 'not a number'); bad.set('index', 'a1')
  })
  return Y.encodeStateAsUpdate(d)
}

function planUpdate () {
  const d = new Y.Doc()
  d.transact(() => {
    const meta = d.getMap('meta')
    meta.set('kind', 'plan'); meta.set('title', 'Plan of Ada'); meta.set('mentor', 'Grace'); meta.set('mentee', 'Ada')
    const notes = d.getText('notes'); notes.insert(0, 'Notes about compilers\n')
  })
  return Y.encodeStateAsUpdate(d)
}

serverPerSuite(async (s) => {
  server = s
  mentor = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'exp-1' })
  other = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'exp-2' })
  for (const [doc, u] of [['exp-1/board/1', boardUpdate()], ['exp-1/plan', planUpdate()]]) {
    const r = await httpRequest(server.port, 'POST', `/api/docs/${doc}/update`, { headers: bearer(mentor), body: Buffer.from(u) })
    assert.equal(r.status, 200, `POST ${doc} answered ${r.status}: ${r.body}`)
  }
})

// The text of a PDF with white space folded (sticky text wraps inside its box).
function pdfText (buf) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-export-'))
  const f = join(dir, 'out.pdf')
  writeFileSync(f, buf)
  try { return execFileSync('pdftotext', [f, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ') } finally { cleanupDir(dir) }
}

test('board export.pdf is a PDF with the sticky text, and names the skipped element in X-Tandem-Warnings', async () => {
  const r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf?date=2026-11-25T10:00:00Z', { headers: bearer(mentor) })
  assert.equal(r.status, 200, `export answered ${r.status}: ${r.body.toString().slice(0, 200)}`)
  assert.equal(r.body.subarray(0, 5).toString(), '%PDF-')
  assert.match(pdfText(r.body), /Quarterly growth sticky/)
  const w = r.headers['x-tandem-warnings'] || ''
  assert.match(w, /bad/, `warnings header should name the bad element, got "${w}"`)
  // A fixed date makes the export reproducible.
  const again = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf?date=2026-11-25T10:00:00Z', { headers: bearer(mentor) })
  assert.equal(Buffer.compare(again.body, r.body), 0, 'same document and date gave different bytes')
})

test('session export (with-plan) holds the board pages and then the plan', async () => {
  const r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf?with-plan=exp-1/plan', { headers: bearer(mentor) })
  assert.equal(r.status, 200, `session export answered ${r.status}: ${r.body.toString().slice(0, 200)}`)
  const text = pdfText(r.body)
  const a = text.indexOf('Quarterly growth sticky'); const b = text.indexOf('Plan of Ada')
  assert.ok(a >= 0 && b > a, `expected board text before plan title, got: ${text.slice(0, 400)}`)
})

test('export.png is a PNG of the requested width', async () => {
  const r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.png?width=320', { headers: bearer(mentor) })
  assert.equal(r.status, 200, `png export answered ${r.status}`)
  assert.equal(r.body.subarray(1, 4).toString(), 'PNG')
  assert.equal(r.body.readUInt32BE(16), 320, 'PNG width')
})

test('export refuses other workspaces, missing tokens, bad parameters and documents of unknown kind', async () => {
  let r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf', { headers: bearer(other) })
  assert.equal(r.status, 403)
  r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf')
  assert.equal(r.status, 401)
  r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.pdf?with-plan=exp-2/plan', { headers: bearer(mentor) })
  assert.equal(r.status, 403, 'the plan of another workspace must not be readable through with-plan')
  r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/board/1/export.png?width=0', { headers: bearer(mentor) })
  assert.equal(r.status, 400)
  r = await httpRequest(server.port, 'GET', '/api/docs/exp-1/empty/export.pdf', { headers: bearer(mentor) })
  assert.equal(r.status, 422, `unknown kind answered ${r.status}: ${r.body}`)
  assert.match(r.body.toString(), /meta|kind/)
})
