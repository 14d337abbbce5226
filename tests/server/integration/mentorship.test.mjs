// Mentorship flows end to end (issue 8): workspaces and invite tokens, revocation of a live
// connection, named versions and restore, replay of the update log, sessions (.ics, board
// from template, versions at session end, PDF) and feedback, driven over REST with stock
// yjs / y-websocket clients watching the documents.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import {
  serverPerSuite, Y, runTandem, openClient, waitSynced, waitFor, httpRequest, upgradeRequest,
  canonicalJson, withTimeout, sleep
} from './lib/harness.mjs'
import { decoding } from './lib/deps.mjs'

let server
let admin

const bearer = (t) => ({ Authorization: `Bearer ${t}` })
const jsonHeaders = (t) => ({ ...bearer(t), 'Content-Type': 'application/json' })

async function api (method, path, token, body) {
  const r = await httpRequest(server.port, method, path,
    body === undefined ? { headers: bearer(token) } : { headers: jsonHeaders(token), body: JSON.stringify(body) })
  const text = r.body.toString('utf8')
  let json
  try { json = JSON.parse(text) } catch { json = undefined }
  return { ...r, text, json }
}

function client (docName, token) {
  const c = openClient(server, docName, token)
  clients.push(c)
  return c
}

// The plan document's roots (DESIGN.md "Documents"), as comparable JSON.
function planJson (doc) {
  return canonicalJson({
    meta: doc.getMap('meta').toJSON(),
    goals: doc.getArray('goals').toJSON(),
    notes: doc.getText('notes').toDelta(),
    checkins: doc.getArray('checkins').toJSON(),
    feedback: doc.getArray('feedback').toJSON()
  })
}

// The text poppler's pdftotext reads from a PDF.
const pdfText = (pdf) => new Promise((resolve, reject) => {
  const p = execFile('pdftotext', ['-', '-'], { timeout: 10000 }, (err, stdout) => err ? reject(err) : resolve(stdout))
  p.stdin.end(pdf)
})

const svOf = (doc) => Y.decodeStateVector(Y.encodeStateVector(doc))

let wsCounter = 0
async function createWorkspace (title) {
  const id = `mt-${process.pid}-${++wsCounter}`
  const r = await api('POST', '/api/workspaces', admin, {
    id,
    title,
    mentor: { id: 'ada', name: 'Ada Mentor', time_zone: 'Europe/Berlin' },
    mentees: [{ id: 'bo', name: 'Bo Mentee', time_zone: 'America/New_York' }]
  })
  assert.equal(r.status, 201, `POST /api/workspaces answered ${r.status}: ${r.text.slice(0, 300)}`)
  const invites = r.json.invites
  const mentor = invites.find((i) => i.person_id === 'ada')
  const mentee = invites.find((i) => i.person_id === 'bo')
  assert.ok(mentor && mentee, `expected invites for ada and bo, got ${JSON.stringify(invites).slice(0, 300)}`)
  return { id, body: r.json, mentor, mentee }
}

const clients = serverPerSuite(async (s) => {
  server = s
  const r = await runTandem(['admin-token', '--data', s.dataDir])
  assert.equal(r.code, 0, `tandem admin-token failed: ${r.stderr}`)
  admin = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop()
  assert.ok(admin, 'tandem admin-token printed no token')
})

test('creating a workspace returns signed invites; the mentee token opens <ws>/plan (a plan) and not another workspace', async () => {
  const a = await createWorkspace('Alpha pairing')
  const b = await createWorkspace('Beta pairing')
  for (const inv of [a.mentor, a.mentee]) {
    assert.equal(typeof inv.token, 'string', `invite for ${inv.person_id} has no token`)
    // payload.signature (server/auth.hpp): the payload names the invite (jti), its workspace and role.
    const parts = inv.token.split('.')
    assert.equal(parts.length, 2, `invite token for ${inv.person_id} is not payload.signature: ${inv.token}`)
    const claims = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    assert.equal(claims.jti, inv.token_id, `token jti ${claims.jti} is not the invite's token_id ${inv.token_id}`)
    assert.equal(claims.prefix, a.id, `token prefix ${claims.prefix} is not the workspace ${a.id}`)
    assert.equal(claims.role, inv.role, `token role ${claims.role} differs from the invite's ${inv.role}`)
    // A token whose signature is altered is refused.
    const bad = parts[0] + '.' + (parts[1][0] === 'A' ? 'B' : 'A') + parts[1].slice(1)
    assert.equal((await api('GET', `/api/workspaces/${a.id}`, bad)).status, 401, 'a token with a forged signature was accepted')
    assert.ok(typeof inv.link === 'string' && (inv.link.includes(inv.token) || inv.link.includes(encodeURIComponent(inv.token))),
      `invite link does not carry the token: ${inv.link}`)
    assert.match(inv.token_id, /^[0-9a-f]{32}$/, `token_id should be 128-bit hex, got ${inv.token_id}`)
  }
  assert.equal(a.mentee.role, 'mentee')
  assert.equal(a.mentor.role, 'mentor')
  assert.notEqual(a.mentee.token_id, a.mentor.token_id, 'two invites share a token_id')

  const c = client(`${a.id}/plan`, a.mentee.token)
  await waitSynced(c, 10000, 'mentee client to sync <ws>/plan')
  await waitFor(() => c.doc.getMap('meta').get('kind') === 'plan', 5000, 'plan template (meta.kind == "plan")')
  assert.equal(c.doc.getArray('goals').length >= 1, true, 'plan template has no goals')
  assert.equal(c.doc.getMap('meta').get('mentee'), 'Bo Mentee', 'plan meta.mentee is not the mentee name')

  // The same token does not open the other workspace, over WebSocket nor REST.
  const up = await upgradeRequest(server.port, `/sync/${b.id}/plan?token=${encodeURIComponent(a.mentee.token)}`)
  assert.notEqual(up.status, 101, 'mentee token of workspace A was upgraded on workspace B')
  assert.equal(up.status, 403, `expected 403 for another workspace's plan, got ${up.status}`)
  const g = await api('GET', `/api/workspaces/${b.id}`, a.mentee.token)
  assert.equal(g.status, 403, `GET other workspace answered ${g.status}: ${g.text}`)
  const other = await api('GET', `/api/docs/${b.id}/plan/update`, a.mentee.token)
  assert.equal(other.status, 403, `GET another workspace's plan answered ${other.status}`)
  const own = await api('GET', `/api/workspaces/${a.id}`, a.mentee.token)
  assert.equal(own.status, 200, `GET own workspace answered ${own.status}: ${own.text}`)
  // A mentee cannot create workspaces (admin only).
  const denied = await api('POST', '/api/workspaces', a.mentee.token, { title: 'x', mentor: { name: 'm' }, mentees: [{ name: 'e' }] })
  assert.equal(denied.status, 403, `mentee created a workspace: ${denied.status}`)
})

test('revoking an invite closes its live connection with 4403 and its next HTTP request gets 401', async () => {
  const w = await createWorkspace('Revocation')
  const c = client(`${w.id}/plan`, w.mentee.token)
  await waitSynced(c, 10000, 'mentee client to sync before revocation')
  const before = await api('GET', `/api/docs/${w.id}/plan/json`, w.mentee.token)
  assert.equal(before.status, 200, `token works before revocation: ${before.status}`)
  const closed = new Promise((resolve) => c.provider.on('connection-close', (ev) => resolve(ev)))
  const r = await api('POST', `/api/invites/${w.mentee.token_id}/revoke`, admin)
  assert.equal(r.status, 200, `revoke answered ${r.status}: ${r.text}`)
  const ev = await withTimeout(closed, 5000, 'the revoked client to be closed')
  assert.equal(ev && ev.code, 4403, `live connection closed with ${ev && ev.code}, expected 4403`)
  c.provider.disconnect()
  const after = await api('GET', `/api/docs/${w.id}/plan/json`, w.mentee.token)
  assert.equal(after.status, 401, `revoked token's HTTP request answered ${after.status}: ${after.text}`)
  const up = await upgradeRequest(server.port, `/sync/${w.id}/plan?token=${encodeURIComponent(w.mentee.token)}`)
  assert.equal(up.status, 401, `revoked token's reconnect answered ${up.status}`)
  // The mentor's invite of the same workspace still works.
  const m = await api('GET', `/api/docs/${w.id}/plan/json`, w.mentor.token)
  assert.equal(m.status, 200, `unrevoked mentor token answered ${m.status}`)
})

test('restoring a named version brings both connected clients to its content as new changes', async () => {
  const w = await createWorkspace('Versions')
  const doc = `${w.id}/plan`
  const c1 = client(doc, w.mentor.token)
  const c2 = client(doc, w.mentee.token)
  await Promise.all([waitSynced(c1), waitSynced(c2)])
  c1.doc.getMap('meta').set('title', 'Plan v1')
  c1.doc.getText('notes').insert(0, 'Kept line. ')
  await waitFor(() => planJson(c2.doc) === planJson(c1.doc), 5000, 'clients to converge before saving')
  // The server has it too before the version is cut.
  await waitFor(async () => {
    const g = await httpRequest(server.port, 'GET', `/api/docs/${doc}/update`, { headers: bearer(admin) })
    const d = new Y.Doc()
    Y.applyUpdate(d, new Uint8Array(g.body))
    return planJson(d) === planJson(c1.doc)
  }, 5000, 'server to hold the v1 edits')
  const v1 = planJson(c1.doc)

  const s = await api('POST', `/api/docs/${doc}/versions`, w.mentor.token, { label: 'Before the edits' })
  assert.equal(s.status, 201, `save version answered ${s.status}: ${s.text}`)
  const n = s.json.number
  assert.equal(s.json.label, 'Before the edits')
  const list = await api('GET', `/api/docs/${doc}/versions`, w.mentee.token)
  assert.equal(list.status, 200)
  assert.ok(list.json.versions.some((v) => v.number === n && v.label === 'Before the edits'), `version ${n} not listed: ${list.text}`)

  // Edits from both clients after the version.
  c1.doc.getMap('meta').set('title', 'Plan v2')
  c1.doc.getArray('goals').push([new Y.Map([['id', 'goal-2'], ['status', 'started']])])
  c2.doc.getText('notes').insert(0, 'Later line. ')
  c2.doc.getArray('checkins').push([{ at: 1, mood: 'good' }])
  c2.doc.getMap('meta').set('extra', true)
  await waitFor(() => planJson(c2.doc) === planJson(c1.doc), 5000, 'clients to converge on the edits')
  // The version exports as it was, while the live document has moved on.
  const vpdf = await httpRequest(server.port, 'GET', `/api/docs/${doc}/versions/${n}/pdf`, { headers: bearer(w.mentee.token) })
  assert.equal(vpdf.status, 200, `version PDF answered ${vpdf.status}: ${vpdf.body.toString().slice(0, 200)}`)
  const vtext = await pdfText(vpdf.body)
  assert.ok(vtext.includes('Plan v1') && !vtext.includes('Plan v2'), `version PDF is not version ${n}; text:\n${vtext.slice(0, 400)}`)
  const none = await httpRequest(server.port, 'GET', `/api/docs/${doc}/versions/999/pdf`, { headers: bearer(w.mentee.token) })
  assert.equal(none.status, 404, `a missing version's PDF answered ${none.status}`)
  assert.notEqual(planJson(c1.doc), v1, 'edits did not change the document')
  const sv1 = svOf(c1.doc)
  const sv2 = svOf(c2.doc)

  // The stored version, read independently of the restore.
  const vu = await httpRequest(server.port, 'GET', `/api/docs/${doc}/versions/${n}?format=update`, { headers: bearer(admin) })
  assert.equal(vu.status, 200, `GET version update answered ${vu.status}`)
  const vd = new Y.Doc()
  Y.applyUpdate(vd, new Uint8Array(vu.body))
  assert.equal(planJson(vd), v1, 'stored version differs from the content at save time')

  const r = await api('POST', `/api/docs/${doc}/versions/${n}/restore`, w.mentor.token)
  assert.equal(r.status, 200, `restore answered ${r.status}: ${r.text}`)
  await waitFor(() => planJson(c1.doc) === v1 && planJson(c2.doc) === v1, 5000, 'both clients to converge on the version content')
  assert.equal(planJson(c1.doc), v1)
  assert.equal(planJson(c2.doc), v1)

  // A late joiner and the server's own state agree with the version.
  const late = client(doc, w.mentee.token)
  await waitSynced(late)
  assert.equal(planJson(late.doc), v1, 'a client joining after the restore does not see the version content')
  // History kept: every client's state vector only grew, and the restore added changes.
  for (const [name, c, before] of [['c1', c1, sv1], ['c2', c2, sv2]]) {
    const now = svOf(c.doc)
    for (const [client, clock] of before) {
      assert.ok((now.get(client) ?? 0) >= clock, `${name}: clock of ${client} went back ${clock} -> ${now.get(client)}`)
    }
    const grew = [...now].some(([client, clock]) => clock > (before.get(client) ?? 0))
    assert.ok(grew, `${name}: the restore added no new changes (state vector unchanged)`)
  }
})

// encode_replay (server/domain/README.md): varUint8Array(base), then per update
// varUint(seq) varUint(time_ms) varUint8Array(update). The base is always a v1 update
// (an empty one when nothing precedes the window), so yjs must accept it as it is.
const applyBase = (doc, base) => Y.applyUpdate(doc, base)
function decodeReplay (buf) {
  const d = decoding.createDecoder(new Uint8Array(buf))
  const base = decoding.readVarUint8Array(d)
  const updates = []
  while (decoding.hasContent(d)) {
    const seq = decoding.readVarUint(d)
    const time = decoding.readVarUint(d)
    const update = decoding.readVarUint8Array(d)
    updates.push({ seq, time, update })
  }
  return { base, updates }
}

const simpleJson = (doc) => canonicalJson({ m: doc.getMap('m').toJSON(), t: doc.getText('t').toString(), a: doc.getArray('a').toJSON() })

test('replay returns the logged updates between two times in order and reproduces the document at "to"', async () => {
  const w = await createWorkspace('Replay')
  const doc = `${w.id}/replay-notes`
  const c = client(doc, w.mentor.token)
  await waitSynced(c)
  const serverHas = (expected) => waitFor(async () => {
    const g = await httpRequest(server.port, 'GET', `/api/docs/${doc}/update`, { headers: bearer(admin) })
    const d = new Y.Doc()
    Y.applyUpdate(d, new Uint8Array(g.body))
    return simpleJson(d) === expected
  }, 5000, 'server to hold the edits')

  // Once the server holds the edits so far: the document then, and a time between them and the next edits.
  const cut = async () => {
    const at = simpleJson(c.doc)
    await serverHas(at)
    await sleep(30)
    const t = Date.now()
    await sleep(30)
    return [at, t]
  }

  // Phase A, then time tA; phase B, then time tB; phase C afterwards.
  c.doc.getText('t').insert(0, 'alpha ')
  c.doc.getMap('m').set('phase', 'A')
  const [atA, tA] = await cut()
  for (let i = 0; i < 5; i++) {
    c.doc.getArray('a').push([i])
    await sleep(5)
  }
  c.doc.getText('t').insert(6, 'beta ')
  c.doc.getMap('m').set('phase', 'B')
  const [atB, tB] = await cut()
  c.doc.getMap('m').set('phase', 'C')
  c.doc.getText('t').insert(0, 'gamma ')
  await serverHas(simpleJson(c.doc))

  // Everything up to tB from the beginning.
  const r0 = await httpRequest(server.port, 'GET', `/api/docs/${doc}/replay?from=0&to=${tB}`, { headers: bearer(w.mentee.token) })
  assert.equal(r0.status, 200, `replay answered ${r0.status}: ${r0.body.toString().slice(0, 200)}`)
  const all = decodeReplay(r0.body)
  assert.ok(all.updates.length >= 3, `expected several logged updates up to tB, got ${all.updates.length}`)
  if (r0.headers['x-tandem-replay-updates'] !== undefined) {
    assert.equal(Number(r0.headers['x-tandem-replay-updates']), all.updates.length, 'X-Tandem-Replay-Updates differs from the decoded count')
  }
  const d0 = new Y.Doc()
  applyBase(d0, all.base)
  for (const u of all.updates) {
    assert.ok(u.time <= tB, `update seq ${u.seq} at ${u.time} is after to=${tB}`)
    Y.applyUpdate(d0, u.update)
  }
  assert.equal(simpleJson(d0), atB, 'replay from 0 to tB does not reproduce the document at tB')

  // The window (tA, tB]: base holds everything before tA, the updates are phase B in order.
  const r1 = await httpRequest(server.port, 'GET', `/api/docs/${doc}/replay?from=${tA}&to=${tB}`, { headers: bearer(w.mentee.token) })
  assert.equal(r1.status, 200, `replay window answered ${r1.status}`)
  const win = decodeReplay(r1.body)
  assert.ok(win.updates.length >= 1, 'no updates in the window between tA and tB')
  const baseDoc = new Y.Doc()
  applyBase(baseDoc, win.base)
  assert.equal(simpleJson(baseDoc), atA, 'replay base (everything before from) is not the document at tA')
  for (let i = 0; i < win.updates.length; i++) {
    const u = win.updates[i]
    assert.ok(u.time >= tA && u.time <= tB, `update seq ${u.seq} time ${u.time} outside [${tA}, ${tB}]`)
    if (i > 0) {
      assert.ok(u.seq > win.updates[i - 1].seq, `updates out of order: seq ${win.updates[i - 1].seq} then ${u.seq}`)
      assert.ok(u.time >= win.updates[i - 1].time, `update times go back: ${win.updates[i - 1].time} then ${u.time}`)
    }
  }
  // Applied one by one, in order, with nothing left pending: the log order is causal.
  const d1 = new Y.Doc()
  applyBase(d1, win.base)
  for (const u of win.updates) {
    Y.applyUpdate(d1, u.update)
    assert.equal(d1.store.pendingStructs, null, `update seq ${u.seq} left pending structs: not in causal order`)
  }
  assert.equal(simpleJson(d1), atB, 'base + window updates do not reproduce the document at tB')
  // The same window's seqs are the tail of the full replay's.
  const tailSeqs = all.updates.filter((u) => u.time >= tA).map((u) => u.seq)
  assert.deepEqual(win.updates.map((u) => u.seq), tailSeqs, 'window seqs differ from the full replay filtered by time')
})

test('a scheduled session appears in .ics, starts with a templated board and ends with named versions of board and plan', async () => {
  const w = await createWorkspace('Sessions')
  // 15:30 in Berlin on 3 December 2026 (CET, UTC+1) is 14:30Z.
  const s = await api('POST', `/api/workspaces/${w.id}/sessions`, w.mentor.token,
    { date: '2026-12-03', time: '15:30', time_zone: 'Europe/Berlin', duration_minutes: 45, agenda: ['Review goals', 'Next steps'] })
  assert.equal(s.status, 201, `schedule answered ${s.status}: ${s.text}`)
  const n = s.json.number
  assert.equal(n, 1, 'first session is not number 1')

  const ics = await httpRequest(server.port, 'GET', `/api/workspaces/${w.id}/sessions.ics`, { headers: bearer(w.mentee.token) })
  assert.equal(ics.status, 200, `ics answered ${ics.status}`)
  assert.match(ics.headers['content-type'], /^text\/calendar/, `ics content type ${ics.headers['content-type']}`)
  const text = ics.body.toString('utf8').replace(/\r\n[ \t]/g, '')
  assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'), 'ics does not start with BEGIN:VCALENDAR and CRLF')
  const events = text.split('BEGIN:VEVENT').slice(1)
  assert.equal(events.length, 1, `expected one VEVENT, got ${events.length}`)
  assert.match(events[0], /\r\nDTSTART:20261203T143000Z\r\n/, `VEVENT lacks DTSTART:20261203T143000Z:\n${events[0]}`)
  assert.match(events[0], /\r\nDTEND:20261203T151500Z\r\n/, `VEVENT lacks DTEND 45 min later:\n${events[0]}`)

  const st = await api('POST', `/api/workspaces/${w.id}/sessions/${n}/start`, w.mentor.token)
  assert.equal(st.status, 200, `start answered ${st.status}: ${st.text}`)
  const board = st.json.board
  assert.equal(board, `${w.id}/board/${n}`, `unexpected board doc name ${board}`)
  const bc = client(board, w.mentee.token)
  await waitSynced(bc)
  await waitFor(() => bc.doc.getMap('meta').get('kind') === 'board', 5000, 'board template (meta.kind == "board")')
  const elements = bc.doc.getMap('elements').toJSON()
  const frames = Object.values(elements).filter((e) => e && e.type === 'frame')
  assert.ok(frames.length >= 1, `board has no frame element: ${JSON.stringify(elements).slice(0, 300)}`)
  const agendaText = Object.values(elements).filter((e) => e && e.type === 'text').map((e) => String(e.text)).join('\n')
  assert.ok(agendaText.includes('Review goals') && agendaText.includes('Next steps'), `agenda items missing from the board: ${agendaText}`)
  // Something drawn during the session ends up in its version.
  bc.doc.getMap('elements').set('note-1', new Y.Map([['type', 'text'], ['text', 'drawn live']]))
  await waitFor(async () => {
    const g = await api('GET', `/api/docs/${board}/json`, admin)
    return g.text.includes('drawn live')
  }, 5000, 'server to hold the live board edit')

  const en = await api('POST', `/api/workspaces/${w.id}/sessions/${n}/end`, w.mentor.token)
  assert.equal(en.status, 200, `end answered ${en.status}: ${en.text}`)
  const label = `Session ${n} \u2014 2026-12-03`
  for (const d of [board, `${w.id}/plan`]) {
    const v = await api('GET', `/api/docs/${d}/versions`, w.mentee.token)
    assert.equal(v.status, 200, `versions of ${d} answered ${v.status}`)
    const match = v.json.versions.find((x) => x.label === label)
    assert.ok(match, `no version "${label}" of ${d}: ${v.text}`)
    if (d === board) {
      const g = await api('GET', `/api/docs/${d}/versions/${match.number}`, w.mentee.token)
      assert.equal(g.status, 200)
      assert.ok(g.text.includes('drawn live'), 'board version at session end lacks the live edit')
      const png = await httpRequest(server.port, 'GET', `/api/docs/${d}/versions/${match.number}/png?width=300`, { headers: bearer(w.mentee.token) })
      assert.equal(png.status, 200, `board version PNG answered ${png.status}: ${png.body.toString().slice(0, 200)}`)
      assert.equal(png.body.subarray(1, 4).toString('latin1'), 'PNG', 'board version PNG is not a PNG')
    }
  }
  const ls = await api('GET', `/api/workspaces/${w.id}/sessions`, w.mentee.token)
  assert.equal(ls.json.sessions[0].status, 'ended', `session status after end: ${ls.json.sessions[0].status}`)
  // Ending again is idempotent: same answer, no second set of versions.
  const again = await api('POST', `/api/workspaces/${w.id}/sessions/${n}/end`, w.mentor.token)
  assert.equal(again.status, 200, `second end answered ${again.status}: ${again.text}`)
  for (const d of [board, `${w.id}/plan`]) {
    const v = await api('GET', `/api/docs/${d}/versions`, w.mentee.token)
    assert.equal(v.json.versions.filter((x) => x.label === label).length, 1, `ending twice saved "${label}" of ${d} twice: ${v.text}`)
  }
})

test('an ended session has its PDF at /api/workspaces/{ws}/sessions/{n}/pdf', async () => {
  const w = await createWorkspace('Session PDF')
  const s = await api('POST', `/api/workspaces/${w.id}/sessions`, w.mentor.token,
    { date: '2026-12-10', time: '10:00', time_zone: 'UTC', agenda: ['PDF check'] })
  assert.equal(s.status, 201, `schedule answered ${s.status}: ${s.text}`)
  const n = s.json.number
  assert.equal((await api('POST', `/api/workspaces/${w.id}/sessions/${n}/start`, w.mentor.token)).status, 200)
  assert.equal((await api('POST', `/api/workspaces/${w.id}/sessions/${n}/end`, w.mentor.token)).status, 200)
  // Rendering may finish after the end call answers: poll a bounded time.
  let last
  await waitFor(async () => {
    last = await httpRequest(server.port, 'GET', `/api/workspaces/${w.id}/sessions/${n}/pdf`, { headers: bearer(w.mentee.token) })
    return last.status === 200
  }, 15000, 'session PDF to be available').catch((e) => {
    throw new Error(`${e.message}; last answer ${last && last.status}: ${last && last.body.toString().slice(0, 200)}`)
  })
  assert.match(last.headers['content-type'], /^application\/pdf/, `content type ${last.headers['content-type']}`)
  assert.equal(last.body.subarray(0, 5).toString('latin1'), '%PDF-', 'body is not a PDF')
  assert.ok(last.body.length > 500, `PDF is suspiciously small (${last.body.length} bytes)`)
  // It holds both documents: the board (its agenda) and the plan (the workspace title).
  const text = await pdfText(last.body)
  assert.ok(text.includes('PDF check'), `session PDF lacks the board's agenda item; text:\n${text.slice(0, 500)}`)
  assert.ok(text.includes('Session PDF'), `session PDF lacks the plan's title; text:\n${text.slice(0, 500)}`)
  const ls = await api('GET', `/api/workspaces/${w.id}/sessions`, w.mentee.token)
  assert.equal(ls.json.sessions[0].has_pdf, true, 'session record does not say has_pdf')
})

test('feedback posted over REST appears in the plan of a connected client', async () => {
  const w = await createWorkspace('Feedback')
  const c = client(`${w.id}/plan`, w.mentor.token)
  await waitSynced(c)
  await waitFor(() => c.doc.getMap('meta').get('kind') === 'plan', 5000, 'plan template')
  const before = c.doc.getArray('feedback').length
  const r = await api('POST', `/api/docs/${w.id}/plan/feedback`, w.mentee.token,
    { text: 'Great session — thanks!', rating: 5, goal_id: 'goal-1' })
  assert.equal(r.status, 200, `feedback answered ${r.status}: ${r.text}`)
  await waitFor(() => c.doc.getArray('feedback').length === before + 1, 5000, 'feedback entry in the connected client\'s plan')
  const f = c.doc.getArray('feedback').get(before)
  const e = f instanceof Y.Map ? f.toJSON() : f
  assert.equal(e.text, 'Great session — thanks!', `feedback text ${JSON.stringify(e)}`)
  assert.equal(e.rating, 5, `feedback rating ${JSON.stringify(e)}`)
  assert.equal(e.goalId, 'goal-1', `feedback goalId ${JSON.stringify(e)}`)
  assert.equal(e.role, 'mentee', `feedback role ${JSON.stringify(e)}`)
  // Viewers may not post feedback, and nothing is added.
  const inv = await api('POST', `/api/workspaces/${w.id}/invites`, w.mentor.token, { viewer_name: 'Guest' })
  assert.equal(inv.status, 201, `viewer invite answered ${inv.status}: ${inv.text}`)
  const denied = await api('POST', `/api/docs/${w.id}/plan/feedback`, inv.json.token, { text: 'nope' })
  assert.equal(denied.status, 403, `viewer feedback answered ${denied.status}`)
  await sleep(200)
  assert.equal(c.doc.getArray('feedback').length, before + 1, 'refused feedback changed the plan')
})

test('comments posted at the same moment on an element without comments all land', async () => {
  const w = await createWorkspace('Comments')
  const s = await api('POST', `/api/workspaces/${w.id}/sessions`, w.mentor.token,
    { date: '2026-12-03', time: '10:00', time_zone: 'Europe/Berlin', agenda: ['Sketch'] })
  assert.equal(s.status, 201, `schedule answered ${s.status}: ${s.text}`)
  const st = await api('POST', `/api/workspaces/${w.id}/sessions/${s.json.number}/start`, w.mentor.token)
  assert.equal(st.status, 200, `start answered ${st.status}: ${st.text}`)
  const c = client(st.json.board, w.mentor.token)
  await waitSynced(c)
  await waitFor(() => c.doc.getMap('elements').size > 0, 5000, 'session board template')
  const [elementId] = [...c.doc.getMap('elements').keys()]
  // Each request reads the stored board; were they not taken one at a time per document,
  // every one would create the element's comment list and all but one list would be lost.
  const N = 8
  const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
    api('POST', `/api/docs/${st.json.board}/comments`, i % 2 ? w.mentee.token : w.mentor.token, { element_id: elementId, text: `comment ${i}` })))
  for (const r of answers) assert.equal(r.status, 200, `comment answered ${r.status}: ${r.text}`)
  const texts = () => {
    const list = c.doc.getMap('elements').get(elementId).get('comments')
    return list ? list.toJSON().map((e) => e.text).sort() : []
  }
  await waitFor(() => texts().length === N, 5000, `${N} comments on ${elementId} (have ${JSON.stringify(texts())})`)
  assert.deepEqual(texts(), Array.from({ length: N }, (_, i) => `comment ${i}`).sort())
  // Author and role come from the token.
  const byText = Object.fromEntries(c.doc.getMap('elements').get(elementId).get('comments').toJSON().map((e) => [e.text, e]))
  assert.equal(byText['comment 1'].role, 'mentee', `comment 1 ${JSON.stringify(byText['comment 1'])}`)
  assert.equal(byText['comment 1'].author, 'Bo Mentee')
  assert.equal(byText['comment 0'].role, 'mentor', `comment 0 ${JSON.stringify(byText['comment 0'])}`)
})
