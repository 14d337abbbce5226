// Malformed and unusual v1 updates, with what yjs@13.6.33 does with each (YJS-NOTES §6.5):
// {name, hex, yjs: 'throws'} must be rejected by C++ as a whole (the doc stays empty);
// {name, hex, yjs: 'accepts', json, sv, state} must give yjs's result.
// Usage: node gen_yjs_malformed.mjs OUT.jsonl  |  --check FILE
import fs from 'node:fs'
import * as encoding from 'lib0/encoding'
import { Y, hex, expected, newDoc } from './common.mjs'

const roots = [['t', 'text'], ['m', 'map'], ['a', 'array']]
const out = []
const run = (name, bytes) => {
  const d = newDoc(999999, true)
  let threw = null
  try { Y.applyUpdate(d, bytes) } catch (e) { threw = e }
  if (threw) out.push({ name, hex: hex(bytes), yjs: 'throws', error: String(threw.message || threw).slice(0, 80) })
  else out.push({ name, hex: hex(bytes), yjs: 'accepts', ...expected(d, roots) })
}
const build = (fn) => { const e = encoding.createEncoder(); fn(e); return encoding.toUint8Array(e) }
// one client, one struct, root parent: header helpers
const oneStruct = (client, clock, body) => build(e => {
  encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, client); encoding.writeVarUint(e, clock)
  body(e)
  encoding.writeVarUint(e, 0) // empty delete set
})
const rootItem = (e, info, name) => { encoding.writeUint8(e, info); encoding.writeVarUint(e, 1); encoding.writeVarString(e, name) }

// a valid update to cut and to extend
const src = newDoc(5, true)
src.getText('t').insert(0, 'hello'); src.getMap('m').set('k', { x: [1, 2] }); src.getText('t').delete(1, 2)
const valid = Y.encodeStateAsUpdate(src)
run('valid base update', valid)
for (let n = 0; n < valid.length; n++) run(`truncated to ${n} bytes`, valid.slice(0, n))
run('trailing bytes after a valid update', new Uint8Array([...valid, 1, 2, 3]))
run('11-byte varint as client count', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
run('struct count 2^40', build(e => { encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 2 ** 40); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 0) }))
run('client count 2^40', build(e => { encoding.writeVarUint(e, 2 ** 40) }))
for (const ref of [11, 12, 15, 31]) run(`unknown content ref ${ref}`, oneStruct(1, 0, e => { rootItem(e, ref, 't'); encoding.writeVarUint(e, 1) }))
for (const tr of [7, 9, 100]) run(`unknown type ref ${tr}`, oneStruct(1, 0, e => { rootItem(e, 7, 'm'); encoding.writeVarUint(e, tr) }))
run('invalid UTF-8 in a string', oneStruct(1, 0, e => { rootItem(e, 4, 't'); encoding.writeVarUint(e, 2); encoding.writeUint8(e, 0xc3); encoding.writeUint8(e, 0x28) }))
run('invalid UTF-8 in a root name', oneStruct(1, 0, e => { encoding.writeUint8(e, 4); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeUint8(e, 0xff); encoding.writeVarString(e, 'x') }))
run('zero-length deleted content', oneStruct(1, 0, e => { rootItem(e, 1, 't'); encoding.writeVarUint(e, 0) }))
run('zero-length string', oneStruct(1, 0, e => { rootItem(e, 4, 't'); encoding.writeVarString(e, '') }))
run('zero-length GC struct', oneStruct(1, 0, e => { encoding.writeUint8(e, 0); encoding.writeVarUint(e, 0) }))
run('GC struct of length 2^40', oneStruct(1, 0, e => { encoding.writeUint8(e, 0); encoding.writeVarUint(e, 2 ** 40) }))
run('delete range of length 2^40', build(e => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 7); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2 ** 40) }))
run('client id 2^40', oneStruct(2 ** 40, 0, e => { rootItem(e, 4, 't'); encoding.writeVarString(e, 'big client') }))
run('client id 2^53-1', oneStruct(2 ** 53 - 1, 0, e => { rootItem(e, 4, 't'); encoding.writeVarString(e, 'max client') }))
run('unknown parentInfo 2', oneStruct(1, 0, e => { encoding.writeUint8(e, 4); encoding.writeVarUint(e, 2); encoding.writeVarString(e, 'x') }))
run('origin pointing at a missing client (pending)', oneStruct(1, 0, e => { encoding.writeUint8(e, 0x84); encoding.writeVarUint(e, 77); encoding.writeVarUint(e, 3); encoding.writeVarString(e, 'x') }))
run('skip struct', oneStruct(1, 0, e => { encoding.writeUint8(e, 10); encoding.writeVarUint(e, 3) }))
// deep nesting of any (arrays in arrays): yjs overflows its stack
const deep = (depth) => oneStruct(1, 0, e => { rootItem(e, 8, 'a'); encoding.writeVarUint(e, 1); for (let i = 0; i < depth; i++) { encoding.writeUint8(e, 117); encoding.writeVarUint(e, 1) } encoding.writeUint8(e, 126) })
run('any nested 100 deep', deep(100))
run('any nested 20000 deep', deep(20000))
run('content JSON that is not JSON', oneStruct(1, 0, e => { rootItem(e, 2, 'a'); encoding.writeVarUint(e, 1); encoding.writeVarString(e, '{nope') }))
run('embed that is not JSON', oneStruct(1, 0, e => { rootItem(e, 5, 't'); encoding.writeVarString(e, '{nope') }))

const text = out.map(o => JSON.stringify(o)).join('\n') + '\n'
const args = process.argv.slice(2)
if (args[0] === '--check') {
  if (fs.readFileSync(args[1], 'utf8') !== text) { console.error(`malformed vectors drifted: regenerate ${args[1]}`); process.exit(1) }
  console.log(`malformed vectors up to date (${out.length})`)
} else {
  fs.writeFileSync(args[0], text)
  const th = out.filter(o => o.yjs === 'throws').length
  console.log(`wrote ${out.length} cases (${th} yjs rejects) to ${args[0]}`)
}
