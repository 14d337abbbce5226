// The automerge-paper trace replayed one edit per transaction in yjs and in C++
// (tandem_crdt_oracle trace): the C++ full-state update must equal yjs's byte for byte.
// Usage: node trace_bytes.mjs ORACLE TRACE.json[.gz] [WORKDIR]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { spawnSync } from 'node:child_process'
import { Y, newDoc } from './common.mjs'

const [oracle, traceFile, workArg] = process.argv.slice(2)
const work = workArg || fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-trace-'))
fs.mkdirSync(work, { recursive: true })
let raw = fs.readFileSync(traceFile)
if (raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw)
const trace = JSON.parse(raw.toString('utf8'))
// positions are code points; convert to UTF-16 units when the text has astral characters
const astral = /[\u{10000}-\u{10FFFF}]/u
const needsConv = astral.test(trace.startContent) || trace.txns.some(t => t.patches.some(p => astral.test(p[2])))
const d = newDoc(1, true)
const text = d.getText('text')
if (trace.startContent) text.insert(0, trace.startContent)
let shadow = needsConv ? Array.from(trace.startContent) : null
const t0 = Date.now()
for (const t of trace.txns) {
  d.transact(() => {
    for (let [pos, del, ins] of t.patches) {
      if (shadow) {
        const upos = shadow.slice(0, pos).join('').length
        const udel = shadow.slice(pos, pos + del).join('').length
        shadow.splice(pos, del, ...Array.from(ins))
        pos = upos; del = udel
      }
      if (del) text.delete(pos, del)
      if (ins) text.insert(pos, ins)
    }
  })
}
const ok = text.toString() === trace.endContent
const want = Y.encodeStateAsUpdate(d)
console.log(`yjs: replayed ${trace.txns.length} transactions in ${Date.now() - t0} ms, text ${ok ? 'equals' : 'DIFFERS FROM'} endContent, state ${want.length} bytes`)
const out = path.join(work, 'cpp_state.bin')
const res = spawnSync(oracle, ['trace', traceFile, out], { encoding: 'utf8' })
process.stdout.write(res.stdout); process.stderr.write(res.stderr)
if (res.status !== 0) { console.error(`C++ replay failed (status ${res.status})`); process.exit(1) }
const got = new Uint8Array(fs.readFileSync(out))
let i = 0
while (i < got.length && i < want.length && got[i] === want[i]) i++
if (got.length !== want.length || i !== want.length) {
  console.error(`C++ state (${got.length} B) differs from yjs's (${want.length} B) at byte ${i}`)
  process.exit(1)
}
// and yjs loads the C++ bytes to the same text
const back = newDoc(2, true)
Y.applyUpdate(back, got)
if (back.getText('text').toString() !== trace.endContent) { console.error('yjs loading the C++ state gives a different text'); process.exit(1) }
console.log('C++ full-state update is byte-identical to yjs\'s')
