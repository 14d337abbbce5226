// Writes lib0 primitive test vectors (value -> bytes) computed by the real lib0@0.2.120.
// Usage: node gen_lib0_vectors.mjs OUT.json        (write the fixture)
//        node gen_lib0_vectors.mjs --check FILE    (regenerate and compare: catches drift)
// Values are described so that C++ can rebuild them exactly: numbers as float64 bit patterns,
// strings as UTF-16 code units (lone surrogates included), bigints as decimal text.
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import fs from 'node:fs'

const hex = (u8) => Buffer.from(u8).toString('hex')
const f64bits = (n) => { const dv = new DataView(new ArrayBuffer(8)); dv.setFloat64(0, n); return dv.getBigUint64(0).toString(16).padStart(16, '0') }
const u16 = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i))

// Describe a JS value as a tagged tree the C++ test can rebuild.
const describe = (v) => {
  if (v === undefined) return { t: 'undefined' }
  if (v === null) return { t: 'null' }
  switch (typeof v) {
    case 'number': return { t: 'number', bits: f64bits(v) }
    case 'bigint': return { t: 'bigint', v: v.toString() }
    case 'boolean': return { t: 'bool', v }
    case 'string': return { t: 'string', u16: u16(v) }
  }
  if (v instanceof Uint8Array) return { t: 'bytes', hex: hex(v) }
  if (Array.isArray(v)) return { t: 'array', items: v.map(describe) }
  // Object.keys order is what writeAny emits (integer-like keys first, ascending).
  return { t: 'object', entries: Object.keys(v).map(k => [u16(k), describe(v[k])]) }
}

const enc = (fn, v) => { const e = encoding.createEncoder(); fn(e, v); return encoding.toUint8Array(e) }
const vectors = []
const add = (kind, value, bytes, extra = {}) => vectors.push({ kind, value: describe(value), hex: hex(bytes), ...extra })

// varUint: boundaries of every 7-bit group, up to 2^53-1.
const uints = [0, 1, 2, 63, 64, 127, 128, 129, 255, 256, 300, 16383, 16384, 2097151, 2097152,
  268435455, 268435456, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 - 1, 2 ** 35,
  2 ** 42, 2 ** 49 - 1, 2 ** 49, 2 ** 52, 2 ** 53 - 1, 1234567890123]
for (const n of uints) add('varUint', n, enc(encoding.writeVarUint, n))

// varInt: sign-magnitude with the sign in bit 6 of the first byte; -0 is its own encoding.
const ints = [0, -0, 1, -1, 63, -63, 64, -64, 65, 127, -128, 300, -300, 8191, 8192, -8192,
  2 ** 20, -(2 ** 20), 2 ** 31 - 1, -(2 ** 31 - 1), -(2 ** 31), 2 ** 31, 2 ** 32, -(2 ** 40), 2 ** 52, 2 ** 53 - 1, -(2 ** 53 - 1)]
for (const n of ints) add('varInt', n, enc(encoding.writeVarInt, n))

// varString: ASCII, multi-byte, astral, lone surrogates (TextEncoder turns them into U+FFFD), long.
const strings = ['', 'a', 'hi', 'héllo', '€', '日本語', '😀', 'a😀b', '\uD83D', '\uDE00', 'x\uD800y', '\uDC00\uD800',
  '\u0000', '\u007f\u0080\u07ff\u0800\uffff', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(10001), '😀'.repeat(5000)]
for (const s of strings) add('varString', s, enc(encoding.writeVarString, s))

// varUint8Array
for (const b of [new Uint8Array([]), new Uint8Array([0, 1, 255]), new Uint8Array(200).map((_, i) => i)]) add('varUint8Array', b, enc(encoding.writeVarUint8Array, b))

// float32 / float64 / bigint64: big-endian.
const floats = [0, -0, 1, -1, 0.5, 0.1, 1.5, 3.4028234663852886e38, 1e-45, Math.PI, Infinity, -Infinity, NaN, 2 ** 40, 1e300, 5e-324]
for (const f of floats) add('float64', f, enc(encoding.writeFloat64, f))
for (const f of floats) { const f32 = Math.fround(f); add('float32', f32, enc(encoding.writeFloat32, f32)) }
const bigs = [0n, 1n, -1n, 127n, 128n, -129n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n), 1234567890123456789n]
for (const b of bigs) add('bigint64', b, enc(encoding.writeBigInt64, b))

// any: every tag and the integer / float32 / float64 choice at its edges.
const anys = [undefined, null, true, false, 0, -0, 1, -1, 42, -42, 2 ** 31 - 1, -(2 ** 31 - 1), 2 ** 31, -(2 ** 31),
  2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, -(2 ** 40), 0.5, -0.5, 0.25, 1.5, 0.1, 1 / 3, 3.4028234663852886e38,
  3.4028235677973366e38, 1e-45, 1.401298464324817e-45, 1e-300, 123.456, 16777216, 16777217, 2 ** 31 + 0.5, Infinity, -Infinity, NaN,
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
  0n, -5n, 2n ** 62n, '', 'hi', '😀', 'x\uD800', new Uint8Array([]), new Uint8Array([1, 2, 3]),
  [], [1, 'a', null, true, [2, [3]], { b: 2 }], {}, { a: 1 }, { b: 1, a: 2 }, { 2: 'two', 1: 'one', z: 0, 10: 'ten', '-1': 'neg', '01': 'lead' },
  { nested: { deeper: { deepest: [1.5, -0, undefined] } }, bin: new Uint8Array([9]) }, { '': 'empty key', 'é😀': 'unicode key' }]
for (const a of anys) add('any', a, enc(encoding.writeAny, a))

// Malformed inputs lib0 itself rejects; the C++ decoder must return an error (never crash).
const malformed = [
  ['varUint', ''], ['varUint', '80'], ['varUint', 'ffffffffffffffffffff01'], ['varUint', 'ffffffffffffffffff7f'],
  ['varInt', ''], ['varInt', 'c0'], ['varInt', 'ffffffffffffffffffff01'],
  ['varString', '05616263'], ['varString', '80'], ['varUint8Array', '0a0102'],
  ['float32', '3f00'], ['float64', '3fb99999'], ['bigint64', '0102030405'],
  ['any', ''], ['any', '77'], ['any', '7705616263'], ['any', '7c3f00'], ['any', '7b00'], ['any', '7601'], ['any', '750301'], ['any', '7403'],
  ['any', '760101617d'], ['any', '7a0102']
]
const readers = { varUint: decoding.readVarUint, varInt: decoding.readVarInt, varString: decoding.readVarString, varUint8Array: decoding.readVarUint8Array,
  float32: decoding.readFloat32, float64: decoding.readFloat64, bigint64: decoding.readBigInt64, any: decoding.readAny }
const bad = []
for (const [kind, h] of malformed) {
  let threw = false
  try { readers[kind](decoding.createDecoder(Buffer.from(h, 'hex'))) } catch (e) { threw = true }
  if (threw) bad.push({ kind, hex: h })
  else console.error(`note: lib0 accepts ${kind} ${h}; not used as a malformed vector`)
}
// Self-check: every vector decodes back with lib0 to an identically described value.
for (const v of vectors) {
  const back = readers[v.kind](decoding.createDecoder(Buffer.from(v.hex, 'hex')))
  const again = describe(back)
  const want = v.value
  // lone surrogates do not survive UTF-8; record what decoding gives instead.
  if (JSON.stringify(again) !== JSON.stringify(want)) v.decoded = again
}

const out = JSON.stringify({ generator: 'tests/js/conformance/gen_lib0_vectors.mjs', lib0: '0.2.120', vectors, malformed: bad }, null, 0)
  .replace(/\},\{"kind"/g, '},\n{"kind"') + '\n'
const args = process.argv.slice(2)
if (args[0] === '--check') {
  const committed = fs.readFileSync(args[1], 'utf8')
  if (committed !== out) { console.error(`lib0 vectors drifted: regenerate ${args[1]} with gen_lib0_vectors.mjs`); process.exit(1) }
  console.log(`lib0 vectors up to date (${vectors.length} vectors, ${bad.length} malformed)`)
} else {
  fs.writeFileSync(args[0], out)
  console.log(`wrote ${vectors.length} vectors, ${bad.length} malformed to ${args[0]}`)
}
