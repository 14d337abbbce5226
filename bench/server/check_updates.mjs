// Validates the load generator's crafted updates with the real yjs: applied in order they
// must all integrate (none pending) and yield map keys k0..k(N-1). Usage: gen --dump-updates N | node check_updates.mjs N
import * as Y from 'yjs'
import { readFileSync } from 'node:fs'

const n = Number(process.argv[2])
const lines = readFileSync(0, 'utf8').trim().split('\n')
if (lines.length !== n) { console.error(`expected ${n} updates, got ${lines.length}`); process.exit(1) }
const doc = new Y.Doc()
for (const l of lines) Y.applyUpdate(doc, Buffer.from(l, 'hex'))
const m = doc.getMap('m')
const bad = []
for (let i = 0; i < n; i++) if (typeof m.get(`k${i}`) !== 'string') bad.push(i)
if (bad.length || m.size !== n || doc.store.pendingStructs !== null) {
  console.error(`crafted updates invalid: missing ${bad.slice(0, 5)} size=${m.size} pending=${doc.store.pendingStructs !== null}`)
  process.exit(1)
}
// Merged the way a server might relay them, they still decode.
const merged = Y.mergeUpdates(lines.map((l) => Buffer.from(l, 'hex')))
const d2 = new Y.Doc()
Y.applyUpdate(d2, merged)
if (d2.getMap('m').size !== n) { console.error('merged update lost items'); process.exit(1) }
console.log(`check_updates: ${n} crafted updates are valid Yjs v1 updates`)
