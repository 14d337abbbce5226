// Seeds tests/fuzz/corpus/ with yjs-written updates: the full state of every frozen vector case.
// Usage: node gen_fuzz_corpus.mjs ../../crdt/fixtures/yjs_vectors.jsonl ../../fuzz/corpus
import fs from 'node:fs'
import path from 'node:path'
const [vectors, dir] = process.argv.slice(2)
fs.mkdirSync(dir, { recursive: true })
let n = 0
for (const line of fs.readFileSync(vectors, 'utf8').split('\n').filter(Boolean)) {
  const c = JSON.parse(line)
  fs.writeFileSync(path.join(dir, `yjs-${c.name}.bin`), Buffer.from(c.state, 'hex'))
  n++
}
console.log(`wrote ${n} corpus files to ${dir}`)
