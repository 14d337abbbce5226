// Live differential suite: seeded random multi-client scenarios run in the pinned yjs, then
// replayed by the C++ oracle (tandem_crdt_oracle), which must match yjs on JSON, state vector
// and full-state bytes — both as a receiver of yjs's updates (same delivery order as a yjs
// observer doc) and as an editor replaying the same ops through the C++ editing API. The
// updates the C++ side writes are then applied in yjs and must give yjs's own results.
// Usage: node diff_scenarios.mjs ORACLE [--count N] [--seed S] [--out DIR] [--save-regressions DIR]
//   count defaults to $TANDEM_DIFF_SCENARIOS or 2000; seed to the clock (printed).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { Y, hex, unhex, expected, newDoc } from './common.mjs'

export const ROOTS = [['t', 'text'], ['m', 'map'], ['a', 'array'], ['x', 'xml']]

// mulberry32: small, seedable, same sequence everywhere.
export const rng = (seed) => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6D2B79F5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n) => Math.floor(next() * n) // 0..n-1
  return { next, int, pick: (a) => a[int(a.length)], chance: (p) => next() < p }
}

const WORDS = ['a', 'b', 'xy', 'hello', ' ', '\n', 'é', '日本', '😀', 'z😀z', 'abc def']
const KEYS = ['k', 'key', 'x', 'y', '1', '10', 'ü', 'long-key-name']
const ATTRS = [{ bold: true }, { italic: true }, { color: '#f00' }, { bold: null }, { italic: null }, { bold: true, italic: true }, { link: 'https://x.y' }]
const randValue = (r, depth = 0) => {
  switch (r.int(depth > 1 ? 6 : 8)) {
    case 0: return r.int(1000) - 500
    case 1: return r.pick([0.5, 0.1, -2.25, 2 ** 40, 1e21, 123.456, 2 ** 31, -(2 ** 31)])
    case 2: return r.pick(WORDS)
    case 3: return r.chance(0.5)
    case 4: return null
    case 5: return r.pick(KEYS) + r.int(10)
    case 6: return Array.from({ length: r.int(3) }, () => randValue(r, depth + 1))
    default: { const o = {}; for (let i = r.int(3); i > 0; i--) o[r.pick(KEYS)] = randValue(r, depth + 1); return o }
  }
}

// yjs mutates the attribute objects it is given (it adds null for attributes to negate), so
// it always gets a copy: the recorded op is what the caller passed.
const fresh = (o) => o === undefined ? undefined : JSON.parse(JSON.stringify(o))

// Every live shared type reachable from the roots, with the path that finds it again.
const kindOf = (t) => t instanceof Y.XmlText ? 'xmltext' : t instanceof Y.Text ? 'text' : t instanceof Y.Map ? 'map'
  : t instanceof Y.Array ? 'array' : t instanceof Y.XmlElement ? 'xmlelement' : t instanceof Y.XmlFragment ? 'xmlfragment' : 'other'
export const collectTypes = (doc) => {
  const out = []
  const visit = (t, p) => {
    const kind = kindOf(t)
    out.push({ t, p, kind })
    if (out.length > 60 || p.length > 6) return
    if (kind === 'map') { for (const [k, v] of t.entries()) if (v instanceof Y.AbstractType) visit(v, [...p, k]) }
    else if (kind === 'array' || kind === 'xmlfragment' || kind === 'xmlelement') {
      t.toArray().forEach((v, i) => { if (v instanceof Y.AbstractType) visit(v, [...p, i]) })
    }
  }
  visit(doc.getText('t'), ['t']); visit(doc.getMap('m'), ['m']); visit(doc.getArray('a'), ['a']); visit(doc.getXmlFragment('x'), ['x'])
  return out
}

// One random op on one random type: returns the op record after applying it in yjs.
// collectTypes types all four roots first: the C++ replay does the same at each local
// transaction, since yjs treats remote changes to a still-untyped root differently.
const randomOp = (r, doc) => {
  const types = collectTypes(doc)
  // weight by family so texts (formatting, deletions) get their share next to the many xml nodes
  const fam = r.pick(['text', 'text', 'text', 'map', 'map', 'array', 'array', 'xml', 'xml'])
  const inFam = types.filter(x => fam === 'text' ? (x.kind === 'text' || x.kind === 'xmltext')
    : fam === 'xml' ? (x.kind === 'xmlfragment' || x.kind === 'xmlelement') : x.kind === fam)
  const { t, p, kind } = r.pick(inFam.length ? inFam : types)
  switch (kind) {
    case 'map': {
      const k = r.pick(KEYS); const c = r.int(10)
      if (c < 5) { const v = randValue(r); t.set(k, fresh(v)); return { o: 'mset', p, k, v } }
      if (c < 8) { const nk = r.pick(['map', 'array', 'text', 'xmlfragment']); t.set(k, nk === 'map' ? new Y.Map() : nk === 'array' ? new Y.Array() : nk === 'text' ? new Y.Text() : new Y.XmlFragment()); return { o: 'mnew', p, k, kind: nk } }
      const present = [...t.keys()]
      if (!present.length) return null
      const dk = r.pick(present); t.delete(dk); return { o: 'mdel', p, k: dk }
    }
    case 'array': {
      const len = t.length; const c = r.int(10)
      if (c < 4 || len === 0) { const i = r.int(len + 1); const v = Array.from({ length: 1 + r.int(3) }, () => randValue(r)); t.insert(i, fresh(v)); return { o: 'ains', p, i, v } }
      if (c < 6) { const i = r.int(len + 1); const nk = r.pick(['map', 'array', 'text']); t.insert(i, [nk === 'map' ? new Y.Map() : nk === 'array' ? new Y.Array() : new Y.Text()]); return { o: 'anew', p, i, kind: nk } }
      const i = r.int(len); const n = 1 + r.int(Math.min(3, len - i)); t.delete(i, n); return { o: 'adel', p, i, n }
    }
    case 'text': case 'xmltext': {
      const len = t.length; const c = r.int(10)
      if (c < 4 || len === 0) {
        const i = r.int(len + 1); const s = r.pick(WORDS); const a = r.chance(0.3) ? r.pick(ATTRS.slice(0, 3).concat(ATTRS.slice(5))) : undefined
        t.insert(i, s, fresh(a)); return a ? { o: 'tins', p, i, s, a } : { o: 'tins', p, i, s }
      }
      if (c < 5) { const i = r.int(len + 1); const e = { image: r.pick(['a.png', 'b.png']) }; const a = r.chance(0.3) ? { bold: true } : undefined; t.insertEmbed(i, fresh(e), fresh(a)); return a ? { o: 'temb', p, i, e, a } : { o: 'temb', p, i, e } }
      if (c < 8) { const i = r.int(len); const n = 1 + r.int(Math.min(4, len - i)); const a = r.pick(ATTRS); t.format(i, n, fresh(a)); return { o: 'tfmt', p, i, n, a } }
      const i = r.int(len); const n = 1 + r.int(Math.min(4, len - i)); t.delete(i, n); return { o: 'tdel', p, i, n }
    }
    case 'xmlfragment': case 'xmlelement': {
      const len = t.length; const c = r.int(10)
      if (kind === 'xmlelement' && c < 2) { const k = r.pick(['class', 'id', 'style']); const v = r.pick(['a', 'b', 'c d']); t.setAttribute(k, v); return { o: 'xset', p, k, v } }
      if (kind === 'xmlelement' && c < 3) { const k = r.pick(['class', 'id', 'style']); if (t.getAttribute(k) === undefined) return null; t.removeAttribute(k); return { o: 'xrm', p, k } }
      if (c < 6 || len === 0) { const i = r.int(len + 1); const name = r.pick(['p', 'div', 'h1']); t.insert(i, [new Y.XmlElement(name)]); return { o: 'xel', p, i, name } }
      if (c < 8) { const i = r.int(len + 1); t.insert(i, [new Y.XmlText()]); return { o: 'xtx', p, i } }
      const i = r.int(len); const n = 1 + r.int(Math.min(2, len - i)); t.delete(i, n); return { o: 'xdel', p, i, n }
    }
  }
  return null
}

// Executes one recorded op in yjs (the inverse of randomOp). Returns false when its target or
// index no longer exists (used when shrinking a failing scenario).
const resolvePath = (doc, p) => {
  const kinds = Object.fromEntries(ROOTS)
  let t = kinds[p[0]] === 'text' ? doc.getText(p[0]) : kinds[p[0]] === 'map' ? doc.getMap(p[0]) : kinds[p[0]] === 'array' ? doc.getArray(p[0]) : doc.getXmlFragment(p[0])
  for (const step of p.slice(1)) {
    if (typeof step === 'string') { if (!(t instanceof Y.Map)) return null; t = t.get(step) } else { if (!(t instanceof Y.Array || t instanceof Y.XmlFragment || t instanceof Y.XmlElement) || step >= t.length) return null; t = t.get(step) }
    if (!(t instanceof Y.AbstractType)) return null
  }
  return t
}
export const applyOp = (doc, op) => {
  const t = resolvePath(doc, op.p)
  if (!t) return false
  const kind = kindOf(t)
  const len = t.length
  const mk = (k) => k === 'map' ? new Y.Map() : k === 'array' ? new Y.Array() : k === 'text' ? new Y.Text() : new Y.XmlFragment()
  switch (op.o) {
    case 'mset': if (kind !== 'map') return false; t.set(op.k, fresh(op.v)); return true
    case 'mnew': if (kind !== 'map') return false; t.set(op.k, mk(op.kind)); return true
    case 'mdel': if (kind !== 'map' || !t.has(op.k)) return false; t.delete(op.k); return true
    case 'ains': if (kind !== 'array' || op.i > len) return false; t.insert(op.i, fresh(op.v)); return true
    case 'anew': if (kind !== 'array' || op.i > len) return false; t.insert(op.i, [mk(op.kind)]); return true
    case 'adel': if (kind !== 'array' || op.i + op.n > len) return false; t.delete(op.i, op.n); return true
    case 'tins': if ((kind !== 'text' && kind !== 'xmltext') || op.i > len) return false; t.insert(op.i, op.s, fresh(op.a)); return true
    case 'temb': if ((kind !== 'text' && kind !== 'xmltext') || op.i > len) return false; t.insertEmbed(op.i, fresh(op.e), fresh(op.a)); return true
    case 'tdel': if ((kind !== 'text' && kind !== 'xmltext') || op.i + op.n > len) return false; t.delete(op.i, op.n); return true
    case 'tfmt': if ((kind !== 'text' && kind !== 'xmltext') || op.i + op.n > len) return false; t.format(op.i, op.n, fresh(op.a)); return true
    case 'xel': if ((kind !== 'xmlfragment' && kind !== 'xmlelement') || op.i > len) return false; t.insert(op.i, [new Y.XmlElement(op.name)]); return true
    case 'xtx': if ((kind !== 'xmlfragment' && kind !== 'xmlelement') || op.i > len) return false; t.insert(op.i, [new Y.XmlText()]); return true
    case 'xdel': if ((kind !== 'xmlfragment' && kind !== 'xmlelement') || op.i + op.n > len) return false; t.delete(op.i, op.n); return true
    case 'xset': if (kind !== 'xmlelement') return false; t.setAttribute(op.k, op.v); return true
    case 'xrm': if (kind !== 'xmlelement') return false; t.removeAttribute(op.k); return true
  }
  return false
}

// Re-runs a scenario's events in yjs (events may have been removed: a recv names the update
// by the id of the local event that wrote it). Returns a fresh scenario with yjs's results,
// or null when an op no longer applies.
export const rerunScenario = (base, events) => {
  const n = base.clients.length
  const docs = base.clients.map(id => newDoc(id, base.gc))
  const observers = base.clients.map((_, i) => newDoc(0xffffffff - i, base.gc))
  const updates = []
  const byId = new Map()
  const out = []
  for (const ev of events) {
    if (ev.t === 'local') {
      let got = null; let ok = true
      const h = (u, origin, d, tr) => { if (tr.local) got = u }
      docs[ev.c].on('update', h)
      // like makeScenario, which reads every type (typing all roots) before each op
      docs[ev.c].transact(() => { for (const op of ev.ops) { collectTypes(docs[ev.c]); ok = ok && applyOp(docs[ev.c], op) } })
      docs[ev.c].off('update', h)
      if (!ok) return null
      let u = -1
      if (got) { u = updates.length; updates.push(got); Y.applyUpdate(observers[ev.c], got); byId.set(ev.id, u) }
      out.push({ t: 'local', c: ev.c, ops: ev.ops, u })
    } else {
      const u = byId.get(ev.src)
      if (u === undefined) continue
      Y.applyUpdate(docs[ev.c], updates[u]); Y.applyUpdate(observers[ev.c], updates[u])
      out.push({ t: 'recv', c: ev.c, u })
    }
  }
  return {
    seed: base.seed, gc: base.gc, roots: ROOTS, clients: base.clients, events: out, updates: updates.map(hex), merged: hex(Y.mergeUpdates(updates)),
    expect: base.clients.map((_, i) => ({ local: expected(docs[i], ROOTS), observer: expected(observers[i], ROOTS) }))
  }
}
// Scenario events in the re-runnable form (ids instead of update indices).
export const abstractEvents = (sc) => {
  const src = new Map()
  return sc.events.map((e, k) => {
    if (e.t === 'local') { if (e.u >= 0) src.set(e.u, k); return { t: 'local', id: k, c: e.c, ops: e.ops } }
    return { t: 'recv', c: e.c, src: src.get(e.u) }
  })
}

// A scenario: 3-5 clients edit, updates are delivered shuffled, duplicated and delayed; the
// observer doc O_i receives (remotely) exactly the updates client i saw, in the same order.
export const makeScenario = (seed) => {
  const r = rng(seed)
  const gc = r.chance(0.7)
  const n = 3 + r.int(3)
  const ids = new Set()
  while (ids.size < n) ids.add(r.chance(0.3) ? 1 + r.int(20) : 1 + r.int(0x7ffffffe))
  const clients = [...ids]
  const docs = clients.map(id => newDoc(id, gc))
  const observers = clients.map((_, i) => newDoc(0xffffffff - i, gc))
  const updates = []
  const events = []
  const undelivered = clients.map(() => [])
  const seen = clients.map(() => [])
  const deliver = (c, u) => {
    Y.applyUpdate(docs[c], updates[u]); Y.applyUpdate(observers[c], updates[u])
    events.push({ t: 'recv', c, u }); seen[c].push(u)
  }
  const steps = 8 + r.int(20)
  for (let s = 0; s < steps; s++) {
    if (r.chance(0.65)) {
      const c = r.int(n); const doc = docs[c]
      const ops = []
      let got = null
      const h = (u, origin, d, tr) => { if (tr.local) got = u }
      doc.on('update', h)
      doc.transact(() => { for (let k = 1 + (r.chance(0.2) ? r.int(3) : 0); k > 0; k--) { const op = randomOp(r, doc); if (op) ops.push(op) } })
      doc.off('update', h)
      if (ops.length === 0) continue
      let u = -1
      if (got) {
        u = updates.length; updates.push(got)
        Y.applyUpdate(observers[c], got)
        for (let j = 0; j < n; j++) if (j !== c) undelivered[j].push(u)
      }
      events.push({ t: 'local', c, ops, u })
    } else {
      const c = r.int(n)
      const q = undelivered[c]
      // shuffle, deliver a prefix; the rest stays delayed; sometimes re-deliver an old one
      for (let i = q.length - 1; i > 0; i--) { const j = r.int(i + 1); [q[i], q[j]] = [q[j], q[i]] }
      const k = r.int(q.length + 1)
      for (const u of q.splice(0, k)) deliver(c, u)
      if (seen[c].length && r.chance(0.3)) deliver(c, r.pick(seen[c]))
    }
  }
  // final sync, in random order; occasionally one client stays behind (pending data kept)
  const behind = r.chance(0.15) ? r.int(n) : -1
  for (let c = 0; c < n; c++) {
    const q = undelivered[c]
    for (let i = q.length - 1; i > 0; i--) { const j = r.int(i + 1); [q[i], q[j]] = [q[j], q[i]] }
    const keep = c === behind ? Math.min(1, q.length) : 0
    for (const u of q.splice(keep)) deliver(c, u)
  }
  return {
    seed, gc, roots: ROOTS, clients, events, updates: updates.map(hex), merged: hex(Y.mergeUpdates(updates)),
    expect: clients.map((_, i) => ({ local: expected(docs[i], ROOTS), observer: expected(observers[i], ROOTS) }))
  }
}

// Apply the C++-written updates in yjs with the scenario's delivery order: each observer must
// reach the same state as the observer fed with yjs's own updates.
export const reverseCheck = (sc, cppUpdates) => {
  const fails = []
  sc.clients.forEach((_, i) => {
    const o = newDoc(0xffffffff - i, sc.gc)
    for (const ev of sc.events) {
      if (ev.c !== i || ev.u < 0) continue
      const u = cppUpdates[ev.u]
      if (u == null) { fails.push(`client ${i}: C++ wrote no update for transaction ${ev.u}`); return }
      try { Y.applyUpdate(o, unhex(u)) } catch (e) { fails.push(`client ${i}: yjs rejects C++ update ${ev.u}: ${e.message}`); return }
    }
    const got = expected(o, sc.roots); const want = sc.expect[i].observer
    for (const f of ['json', 'sv', 'state']) if (got[f] !== want[f]) { fails.push(`client ${i}: yjs fed with C++ updates differs in ${f}: ${got[f].slice(0, 200)} vs ${want[f].slice(0, 200)}`); break }
  })
  return fails
}

// Observed (about 2 in 10,000 scenarios): replaying the same writes and deliveries in yjs with a
// different pattern of reads can give different yjs bytes (an insert placed elsewhere among
// deleted items / format marks; probably yjs's search-marker cache). Such a failing scenario is
// ambiguous; it passes only when C++ matches that second yjs replay exactly.
const yjsAmbiguousButCppMatches = (sc, oracle, outDir) => {
  const alt = rerunScenario(sc, abstractEvents(sc))
  if (!alt || (JSON.stringify(alt.updates) === JSON.stringify(sc.updates) && JSON.stringify(alt.expect) === JSON.stringify(sc.expect))) return false
  const inFile = path.join(outDir, `alt-${sc.seed}.jsonl`)
  const outFile = path.join(outDir, `alt-${sc.seed}-cpp.jsonl`)
  fs.writeFileSync(inFile, JSON.stringify(alt) + '\n')
  const res = spawnSync(oracle, ['scenarios', inFile, outFile], { encoding: 'utf8' })
  if (res.status !== 0) return false
  const r = JSON.parse(fs.readFileSync(outFile, 'utf8').trim())
  return r.failures.length === 0 && reverseCheck(alt, r.updates).length === 0
}

const main = () => {
  const args = process.argv.slice(2)
  const oracle = args[0]
  const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def }
  const count = Number(opt('--count', process.env.TANDEM_DIFF_SCENARIOS || 2000))
  const seed = Number(opt('--seed', process.env.TANDEM_DIFF_SEED || (Date.now() % 1000000000)))
  const outDir = opt('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-diff-')))
  const regDir = opt('--save-regressions', null)
  if (regDir) fs.mkdirSync(regDir, { recursive: true })
  fs.mkdirSync(outDir, { recursive: true })
  console.log(`diff scenarios: seed ${seed}, count ${count} (reproduce: --seed ${seed} --count ${count})`)
  const batch = 500
  let failed = 0
  let saved = 0
  let ambiguous = 0
  for (let start = 0; start < count; start += batch) {
    const scs = []
    for (let k = start; k < Math.min(count, start + batch); k++) scs.push(makeScenario(seed + k))
    const inFile = path.join(outDir, `scenarios-${start}.jsonl`)
    const outFile = path.join(outDir, `cpp-${start}.jsonl`)
    fs.writeFileSync(inFile, scs.map(s => JSON.stringify(s)).join('\n') + '\n')
    const res = spawnSync(oracle, ['scenarios', inFile, outFile], { encoding: 'utf8', maxBuffer: 1 << 28 })
    if (res.status !== 0 && res.status !== 1) { console.error(res.stdout, res.stderr); console.error(`oracle crashed (status ${res.status}, signal ${res.signal}) on ${inFile}`); process.exit(2) }
    const results = fs.readFileSync(outFile, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
    const bySeed = new Map(results.map(r => [r.seed, r]))
    for (const sc of scs) {
      const r = bySeed.get(sc.seed)
      const fails = r ? [...r.failures] : ['oracle wrote no result']
      if (r) fails.push(...reverseCheck(sc, r.updates))
      if (fails.length && yjsAmbiguousButCppMatches(sc, oracle, outDir)) { ambiguous++; continue }
      if (fails.length) {
        failed++
        if (failed <= 10) console.log(`FAIL seed ${sc.seed}:\n  ${fails.slice(0, 4).join('\n  ')}`)
        if (regDir && saved < 20) { fs.writeFileSync(path.join(regDir, `seed-${sc.seed}.json`), JSON.stringify(sc) + '\n'); saved++ }
      }
    }
  }
  if (ambiguous) console.log(`${ambiguous} scenario(s) where yjs itself gives another result when the same writes and deliveries are replayed with a different pattern of reads (probably its search-marker cache choosing another place among deleted items / format marks); C++ matched that yjs replay exactly`)
  console.log(`${count - failed}/${count} scenarios match yjs (seed ${seed})${saved ? `; saved ${saved} failing scenarios to ${regDir} (copy into tests/crdt/regressions/ to replay them always)` : ''}`)
  process.exit(failed ? 1 : 0)
}
if (import.meta.url === `file://${process.argv[1]}`) main()
