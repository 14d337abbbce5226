// Shrinks a failing differential scenario (as saved by diff_scenarios.mjs) to a small one that
// still fails in C++: greedily drops events and ops, re-running yjs each time for the expected
// results. Usage: node shrink_scenario.mjs ORACLE IN.json OUT.json
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { rerunScenario, abstractEvents } from './diff_scenarios.mjs'

const [oracle, inFile, outFile] = process.argv.slice(2)
const base = JSON.parse(fs.readFileSync(inFile, 'utf8'))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-shrink-'))
const fails = (sc) => {
  fs.writeFileSync(path.join(tmp, 'in.jsonl'), JSON.stringify(sc) + '\n')
  const r = spawnSync(oracle, ['scenarios', path.join(tmp, 'in.jsonl'), path.join(tmp, 'out.jsonl')], { encoding: 'utf8' })
  if (r.status !== 0 && r.status !== 1) return ['oracle crashed']
  const res = JSON.parse(fs.readFileSync(path.join(tmp, 'out.jsonl'), 'utf8').trim())
  return res.failures
}
let events = abstractEvents(base)
let best = rerunScenario(base, events)
if (!best || !fails(best).length) { console.error('scenario does not fail'); process.exit(1) }
let progress = true
while (progress) {
  progress = false
  for (let k = events.length - 1; k >= 0; k--) {
    const ev = events[k]
    let cand = events.filter((_, j) => j !== k)
    if (ev.t === 'local') cand = cand.filter(e => !(e.t === 'recv' && e.src === ev.id))
    const sc = rerunScenario(base, cand)
    if (sc && fails(sc).length) { events = cand; best = sc; progress = true; continue }
    if (ev.t === 'local' && ev.ops.length > 1) {
      for (let o = 0; o < ev.ops.length; o++) {
        const c2 = events.map(e => e === ev ? { ...e, ops: e.ops.filter((_, q) => q !== o) } : e)
        const sc2 = rerunScenario(base, c2)
        if (sc2 && fails(sc2).length) { events = c2; best = sc2; progress = true; break }
      }
    }
  }
}
fs.writeFileSync(outFile, JSON.stringify(best) + '\n')
console.log(`shrunk to ${best.events.length} events (from ${base.events.length}):`)
for (const e of best.events) console.log(`  client ${e.c} ${e.t === 'local' ? 'does ' + JSON.stringify(e.ops) + ' -> update ' + e.u : 'receives update ' + e.u}`)
console.log('C++ failures:\n  ' + fails(best).slice(0, 6).join('\n  '))
