// Writes frozen yjs vectors: small documents built with the pinned yjs@13.6.33 covering every
// content ref 1-9, every type ref 0-6, formatting, embeds, subdocs, deletions with gc on and
// off, several clients and out-of-order (pending) delivery. One JSON line per case:
//   {name, gc, roots, updates:[hex]  (applied in this order to a fresh doc),
//    json, delta, sv, state          (yjs's result after applying them),
//    merged, sv_from_update, diffs:[{sv, update}]  (yjs's mergeUpdates / encodeStateVectorFromUpdate / diffUpdate),
//    gc off only: mid_snapshot (after the first half of the updates), snapshot (at the end),
//    from_mid_snapshot {json, state} (createDocFromSnapshot of the final doc at mid_snapshot)}
// Usage: node gen_yjs_vectors.mjs OUT.jsonl  |  node gen_yjs_vectors.mjs --check FILE
import fs from 'node:fs'
import * as encoding from 'lib0/encoding'
import { Y, hex, unhex, expected, newDoc, docJSON } from './common.mjs'

const cases = []
const RECEIVER = 999999 // client id of the doc that receives the updates (never writes)

// Build a case: fn(mk) creates writer docs through mk(clientID); every local transaction's
// v1 update is captured in order. order (optional) maps the capture list to delivery order
// (indices may repeat or be left out to leave dependencies missing).
const build = (name, { gc = true, roots, order, writerGc }, fn) => {
  const captured = []
  const mk = (id) => {
    const d = newDoc(id, writerGc ?? gc)
    d.on('update', (u, origin, doc, tr) => { if (tr.local) captured.push(u) })
    return d
  }
  fn(mk, (u) => captured.push(u))
  const updates = order ? order(captured) : captured
  const r = newDoc(RECEIVER, gc)
  // snapshots: after the first half of the updates (mid) and at the end; gc-off docs only
  const half = Math.ceil(updates.length / 2)
  let snap = {}
  updates.forEach((u, i) => {
    Y.applyUpdate(r, u)
    if (!gc && i + 1 === half) snap.mid_snapshot = hex(Y.encodeSnapshot(Y.snapshot(r)))
  })
  if (!gc) {
    snap.snapshot = hex(Y.encodeSnapshot(Y.snapshot(r)))
    const old = Y.createDocFromSnapshot(r, Y.decodeSnapshot(unhex(snap.mid_snapshot)))
    snap.from_mid_snapshot = { json: docJSON(old, roots), state: hex(Y.encodeStateAsUpdate(old)) }
  }
  const merged = Y.mergeUpdates(updates)
  const svs = [new Uint8Array([0])]
  if (updates.length > 1) svs.push(Y.encodeStateVectorFromUpdate(Y.mergeUpdates(updates.slice(0, Math.ceil(updates.length / 2)))))
  cases.push({
    name, gc, roots, updates: updates.map(hex), ...expected(r, roots),
    ...snap,
    merged: hex(merged), sv_from_update: hex(Y.encodeStateVectorFromUpdate(merged)),
    diffs: svs.map(sv => ({ sv: hex(sv), update: hex(Y.diffUpdate(merged, sv)) }))
  })
}
const sync = (a, b) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

for (const gc of [true, false]) {
  const g = gc ? 'gc' : 'nogc'
  // --- Text (ContentString 4, Format 6, Embed 5) ---
  build(`text-insert-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(1); const t = d.getText('t')
    t.insert(0, 'hello'); t.insert(5, ' world'); t.insert(0, '>> ')
  })
  build(`text-delete-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(7); const t = d.getText('t')
    t.insert(0, 'ab'); t.insert(1, 'X'); t.delete(0, 1); t.insert(0, 'abcdefghij'); t.delete(3, 4)
  })
  build(`text-one-transaction-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(3); const t = d.getText('t')
    d.transact(() => { t.insert(0, 'abcdef'); t.delete(1, 2); t.insert(2, 'ZZ') })
  })
  build(`text-format-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(11); const t = d.getText('t')
    t.insert(0, 'bold and plain')
    t.format(0, 4, { bold: true })
    t.format(2, 6, { italic: true, color: '#ff0000' })
    t.insert(3, 'X', { bold: true })
    t.format(0, 14, { bold: null })
    t.insert(14, '\n', { header: 1 })
  })
  build(`text-embed-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(12); const t = d.getText('t')
    t.insert(0, 'ab'); t.insertEmbed(1, { image: 'https://x/y.png', w: 10 }); t.insertEmbed(3, { formula: 'e=mc^2' }, { bold: true })
    t.delete(0, 1)
  })
  build(`text-astral-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(13); const t = d.getText('t')
    t.insert(0, 'a😀b日本🎉'); t.insert(3, 'é'); t.delete(1, 2)
  })
  build(`text-surrogate-split-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const d = mk(14); const t = d.getText('t')
    t.insert(0, '😀😀😀'); t.insert(3, 'X'); t.delete(1, 1)
  })
  // --- Map (ContentAny 8, Binary 3, Type 7 with every type ref) ---
  build(`map-values-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const d = mk(21); const m = d.getMap('m')
    m.set('int', 42); m.set('neg', -7); m.set('float', 0.5); m.set('double', 0.1); m.set('big', 2 ** 40); m.set('huge', 1e300)
    m.set('str', 'héllo 😀'); m.set('t', true); m.set('f', false); m.set('null', null)
    m.set('arr', [1, 'two', [3], { four: 4 }]); m.set('obj', { b: 1, a: 2, 10: 'x', 2: 'y' })
    m.set('bin', new Uint8Array([1, 2, 255]))
    m.set('negzero', -0)
  })
  build(`map-overwrite-delete-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const d = mk(22); const m = d.getMap('m')
    m.set('k', 1); m.set('k', 2); m.set('k', 'three'); m.set('j', 'x'); m.delete('j'); m.set('l', [1]); m.delete('k')
  })
  build(`map-nested-types-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const d = mk(23); const m = d.getMap('m')
    const a = m.set('array', new Y.Array()); a.insert(0, [1, 2, 3])
    const mm = m.set('map', new Y.Map()); mm.set('inner', 'v')
    const t = m.set('text', new Y.Text()); t.insert(0, 'nested text')
    const xe = m.set('xmlel', new Y.XmlElement('p')); xe.setAttribute('class', 'c'); xe.insert(0, [new Y.XmlText('in el')])
    const xf = m.set('xmlfrag', new Y.XmlFragment()); xf.insert(0, [new Y.XmlElement('div')])
    m.set('hook', new Y.XmlHook('myhook'))
    const xt = m.set('xmltext', new Y.XmlText()); xt.insert(0, 'xt'); xt.format(0, 1, { b: true })
  })
  build(`map-delete-nested-type-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const d = mk(24); const m = d.getMap('m')
    const inner = m.set('inner', new Y.Map()); inner.set('a', 1); const arr = inner.set('arr', new Y.Array()); arr.insert(0, ['x', 'y'])
    m.delete('inner'); m.set('after', 1)
  })
  // --- Array ---
  build(`array-ops-${g}`, { gc, roots: [['a', 'array']] }, mk => {
    const d = mk(31); const a = d.getArray('a')
    a.insert(0, [1, 2, 3]); a.push(['x', { o: 1 }]); a.insert(1, [new Uint8Array([7, 8])]); a.unshift([null]); a.delete(2, 2)
    const sub = new Y.Array(); a.insert(1, [sub]); sub.insert(0, ['deep']); const m = new Y.Map(); sub.push([m]); m.set('k', 'v')
  })
  build(`array-delete-range-${g}`, { gc, roots: [['a', 'array']] }, mk => {
    const d = mk(32); const a = d.getArray('a')
    for (let i = 0; i < 10; i++) a.push([i])
    a.delete(2, 5); a.insert(2, ['mid']); a.delete(0, 1)
  })
  // --- Xml ---
  build(`xml-tree-${g}`, { gc, roots: [['x', 'xml']] }, mk => {
    const d = mk(41); const x = d.getXmlFragment('x')
    const p = new Y.XmlElement('p'); x.insert(0, [p]); p.setAttribute('id', 'p1'); p.setAttribute('style', 'a')
    const t = new Y.XmlText(); p.insert(0, [t]); t.insert(0, 'Hello '); t.insert(6, 'world', { bold: true })
    const h = new Y.XmlElement('h1'); x.insert(0, [h]); h.insert(0, [new Y.XmlText('Title')])
    p.removeAttribute('style'); x.insert(2, [new Y.XmlHook('hk')])
  })
  // --- Subdocuments (ContentDoc 9) ---
  build(`subdoc-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const d = mk(51); const m = d.getMap('m')
    m.set('plain', new Y.Doc({ guid: 'sub-guid-1' }))
    m.set('nogc', new Y.Doc({ guid: 'sub-guid-2', gc: false }))
    m.set('meta', new Y.Doc({ guid: 'sub-guid-3', meta: { title: 'x' }, autoLoad: true }))
    m.delete('plain')
  })
  // --- Several clients, concurrent edits ---
  build(`concurrent-text-${g}`, { gc, roots: [['t', 'text']] }, mk => {
    const a = mk(100); const b = mk(200); const c = mk(50)
    a.getText('t').insert(0, 'base'); sync(a, b); sync(a, c)
    a.getText('t').insert(2, 'AA'); b.getText('t').insert(2, 'BB'); c.getText('t').insert(2, 'CC'); b.getText('t').delete(0, 1)
    sync(a, b); sync(b, c); sync(a, c); a.getText('t').insert(0, '!')
  })
  build(`concurrent-map-${g}`, { gc, roots: [['m', 'map']] }, mk => {
    const a = mk(5); const b = mk(6); const c = mk(4000000000)
    a.getMap('m').set('k', 'a'); b.getMap('m').set('k', 'b'); c.getMap('m').set('k', 'c'); c.getMap('m').set('only', 1)
    sync(a, b); a.getMap('m').set('k', 'a2'); sync(b, c); b.getMap('m').delete('only')
  })
  build(`concurrent-array-${g}`, { gc, roots: [['a', 'array']] }, mk => {
    const a = mk(9); const b = mk(8)
    a.getArray('a').insert(0, [1, 2]); sync(a, b)
    a.getArray('a').insert(1, ['a1', 'a2']); b.getArray('a').insert(1, ['b1']); b.getArray('a').delete(0, 1); a.getArray('a').delete(1, 1)
  })
  // --- Out-of-order delivery: later updates first, a missing dependency left pending ---
  build(`pending-reversed-${g}`, { gc, roots: [['t', 'text'], ['m', 'map']], order: u => [...u].reverse() }, mk => {
    const d = mk(61); const t = d.getText('t'); const m = d.getMap('m')
    t.insert(0, 'abc'); t.insert(3, 'def'); m.set('k', 1); t.delete(1, 3); m.set('k', 2)
  })
  build(`pending-missing-${g}`, { gc, roots: [['t', 'text']], order: u => [u[0], u[2], u[3]] }, mk => {
    const d = mk(62); const t = d.getText('t')
    t.insert(0, 'abc'); t.insert(3, 'def'); t.insert(6, 'ghi'); t.delete(0, 7)
  })
  build(`pending-delete-only-${g}`, { gc, roots: [['t', 'text']], order: u => [u[2], u[0]] }, mk => {
    const a = mk(63); const b = mk(64); const t = a.getText('t')
    t.insert(0, 'abc'); b.getText('t').insert(0, 'zz'); sync(a, b); b.getText('t').delete(0, 3)
  })
  build(`duplicates-${g}`, { gc, roots: [['a', 'array']], order: u => [u[1], u[0], u[1], u[0], u[2], u[2]] }, mk => {
    const d = mk(65); const a = d.getArray('a')
    a.push([1]); a.push([2]); a.delete(0, 1)
  })
  // --- Legacy ContentJSON (ref 2) and ContentDeleted (ref 1) written by hand, read by yjs ---
  build(`legacy-content-json-${g}`, { gc, roots: [['a', 'array']] }, (mk, capture) => {
    const d = mk(72)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 2); encoding.writeVarUint(e, 71); encoding.writeVarUint(e, 0)
    encoding.writeUint8(e, 2); encoding.writeVarUint(e, 1); encoding.writeVarString(e, 'a')
    encoding.writeVarUint(e, 3); encoding.writeVarString(e, '{"x":1}'); encoding.writeVarString(e, 'undefined'); encoding.writeVarString(e, '[true,"s"]')
    encoding.writeUint8(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarString(e, 'a'); encoding.writeVarUint(e, 2)
    encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 71); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1)
    capture(encoding.toUint8Array(e))
    Y.applyUpdate(d, encoding.toUint8Array(e))
    d.getArray('a').push(['after'])
    d.getArray('a').insert(0, ['first'])
  })
}
// Same-named roots of different kinds in separate docs, root typed only by its content
build('several-roots', { roots: [['t', 'text'], ['m', 'map'], ['a', 'array'], ['x', 'xml']] }, mk => {
  const d = mk(81)
  d.getText('t').insert(0, 'T'); d.getMap('m').set('k', 'v'); d.getArray('a').push([1]); d.getXmlFragment('x').insert(0, [new Y.XmlText('x')])
})
// Whole state in one update from a doc with history (what servers store)
build('full-state-of-edited-doc', { roots: [['t', 'text']], order: u => u }, mk => {
  const a = mk(91); const b = mk(92)
  for (let i = 0; i < 20; i++) { a.getText('t').insert(i % 3, 'a' + i); if (i % 4 === 0) sync(a, b); b.getText('t').insert(0, 'b') }
  sync(a, b); a.getText('t').delete(2, 10)
})
build('gc-off-writer-gc-on-reader', { gc: true, writerGc: false, roots: [['t', 'text']] }, mk => {
  const a = mk(93); const t = a.getText('t'); t.insert(0, 'abcdef'); t.delete(1, 4); t.insert(1, 'Q')
})
build('gc-on-writer-gc-off-reader', { gc: false, writerGc: true, roots: [['m', 'map']] }, mk => {
  const a = mk(94); const m = a.getMap('m'); const n = m.set('n', new Y.Map()); n.set('x', 1); m.delete('n'); m.set('y', 2)
})

const out = cases.map(c => JSON.stringify(c)).join('\n') + '\n'
const args = process.argv.slice(2)
if (args[0] === '--check') {
  if (fs.readFileSync(args[1], 'utf8') !== out) { console.error(`yjs vectors drifted: regenerate ${args[1]}`); process.exit(1) }
  console.log(`yjs vectors up to date (${cases.length} cases)`)
} else {
  fs.writeFileSync(args[0], out)
  console.log(`wrote ${cases.length} cases to ${args[0]}`)
}
