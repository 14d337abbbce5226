// small-test-dataset.bin through yjs and through C++: for each of the 5,320 cases yjs applies
// the case's updates in order; its JSON, state vector, full-state bytes and mergeUpdates output
// are written as frozen-vector cases and tandem_crdt_oracle must reproduce them byte for byte.
// Usage: node dataset_bytes.mjs ORACLE DATASET [WORKDIR]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import * as decoding from 'lib0/decoding'
import { Y, hex, expected, newDoc } from './common.mjs'

const [oracle, dataset, workArg] = process.argv.slice(2)
const work = workArg || fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-dataset-'))
fs.mkdirSync(work, { recursive: true })
const dec = decoding.createDecoder(new Uint8Array(fs.readFileSync(dataset)))
const count = decoding.readVarUint(dec)
const roots = [['text', 'text'], ['map', 'map'], ['array', 'array']]
const lines = []
let yjsMismatch = 0
for (let i = 0; i < count; i++) {
  const n = decoding.readVarUint(dec)
  const updates = []
  for (let k = 0; k < n; k++) updates.push(decoding.readVarUint8Array(dec))
  const text = decoding.readVarString(dec)
  const map = decoding.readAny(dec)
  const array = decoding.readAny(dec)
  const d = newDoc(999999, true)
  for (const u of updates) Y.applyUpdate(d, u)
  // the dataset's own expectation, checked in yjs too (documents the reference passes)
  if (d.getText('text').toString() !== text || JSON.stringify(d.getMap('map').toJSON()) !== JSON.stringify(map) ||
      JSON.stringify(d.getArray('array').toJSON()) !== JSON.stringify(array)) yjsMismatch++
  const merged = Y.mergeUpdates(updates)
  lines.push(JSON.stringify({ name: `dataset case ${i}`, gc: true, roots, updates: updates.map(hex), ...expected(d, roots), merged: hex(merged), sv_from_update: hex(Y.encodeStateVectorFromUpdate(merged)) }))
}
const file = path.join(work, 'dataset_cases.jsonl')
fs.writeFileSync(file, lines.join('\n') + '\n')
console.log(`yjs: ${count} cases, ${yjsMismatch} differ from the dataset's expectation (compared as JSON.stringify)`)
const res = spawnSync(oracle, ['check', file], { encoding: 'utf8', maxBuffer: 1 << 26 })
process.stdout.write(res.stdout)
process.stderr.write(res.stderr)
process.exit(res.status === 0 ? 0 : 1)
