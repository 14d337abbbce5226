// The crdt benchmark's peers on the same editing trace: node peers.mjs ENGINE TRACE [--runs N]
// ENGINE = yjs (13.6.33) | ywasm (0.18.3) | automerge (3.5.0). Replays one transaction per edit
// with the update emitted, then loads the final document from its own encoding. Prints a
// RESULT line like tandem_bench_crdt's. One engine per process so peak memory is its own.
import fs from 'node:fs'
import zlib from 'node:zlib'

const [engine, file] = process.argv.slice(2)
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1
let raw = fs.readFileSync(file)
if (raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw)
const trace = JSON.parse(raw.toString('utf8'))
raw = null
const astral = /[\u{10000}-\u{10FFFF}]/u
if (astral.test(trace.startContent) || trace.txns.some(t => t.patches.some(p => astral.test(p[2])))) {
  console.error('note: trace has astral characters; positions are passed as given (code points)')
}
const patchCount = trace.txns.reduce((n, t) => n + t.patches.length, 0)
globalThis.gc?.()
const baseRss = Math.round(process.memoryUsage().rss / 1024)
// RSS growth over the baseline with the document alive, after a full GC (needs --expose-gc)
const memNow = () => { globalThis.gc?.(); return Math.round(process.memoryUsage().rss / 1024) - baseRss }
// JS heap + external (ArrayBuffers, wasm memory) held after a full GC, over the baseline
const heapOf = () => { globalThis.gc?.(); const m = process.memoryUsage(); return Math.round((m.heapUsed + m.external) / 1024) }
const baseHeap = heapOf()
const cpuNow = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
const now = () => Number(process.hrtime.bigint()) / 1e6

const engines = {
  async yjs () {
    const Y = await import('yjs')
    return {
      replay () {
        const d = new Y.Doc(); d.clientID = 1
        const text = d.getText('text')
        let bytes = 0
        d.on('update', u => { bytes += u.length })
        if (trace.startContent) text.insert(0, trace.startContent)
        const t0 = now(); const c0 = cpuNow()
        for (const t of trace.txns) d.transact(() => { for (const [pos, del, ins] of t.patches) { if (del) text.delete(pos, del); if (ins) text.insert(pos, ins) } })
        const ms = now() - t0; const cpu = cpuNow() - c0
        const mem = memNow(); const heap = heapOf() - baseHeap
        return { ms, cpu, heap, bytes, mem, state: Y.encodeStateAsUpdate(d), ok: text.toString() === trace.endContent }
      },
      load (state) { const d = new Y.Doc(); const t0 = now(); const c0 = cpuNow(); Y.applyUpdate(d, state); const ms = now() - t0; const cpu = cpuNow() - c0; return { ms, cpu, ok: d.getText('text').toString() === trace.endContent } }
    }
  },
  async ywasm () {
    const Y = await import('ywasm')
    return {
      replay () {
        const d = new Y.YDoc({ clientID: 1 })
        const text = d.getText('text')
        let bytes = 0
        const obs = d.onUpdate(u => { bytes += u.length })
        if (trace.startContent) text.insert(0, trace.startContent, undefined, undefined)
        const t0 = now(); const c0 = cpuNow()
        for (const t of trace.txns) {
          const txn = d.beginTransaction()
          for (const [pos, del, ins] of t.patches) { if (del) text.delete(pos, del, txn); if (ins) text.insert(pos, ins, undefined, txn) }
          txn.commit(); txn.free()
        }
        const ms = now() - t0; const cpu = cpuNow() - c0
        const mem = memNow(); const heap = heapOf() - baseHeap
        const ok = text.toString() === trace.endContent
        obs.free?.()
        return { ms, cpu, heap, bytes, mem, state: Y.encodeStateAsUpdate(d), ok }
      },
      load (state) { const d = new Y.YDoc({}); const t0 = now(); const c0 = cpuNow(); Y.applyUpdate(d, state, null); const ms = now() - t0; const cpu = cpuNow() - c0; return { ms, cpu, ok: d.getText('text').toString() === trace.endContent } }
    }
  },
  async automerge () {
    const A = await import('@automerge/automerge')
    return {
      replay () {
        let d = A.from({ text: trace.startContent || '' })
        let bytes = 0
        const t0 = now(); const c0 = cpuNow()
        for (const t of trace.txns) {
          d = A.change(d, x => { for (const [pos, del, ins] of t.patches) A.splice(x, ['text'], pos, del, ins) })
          bytes += A.getLastLocalChange(d).length
        }
        const ms = now() - t0; const cpu = cpuNow() - c0
        const mem = memNow(); const heap = heapOf() - baseHeap
        return { ms, cpu, heap, bytes, mem, state: A.save(d), ok: d.text === trace.endContent }
      },
      load (state) { const t0 = now(); const c0 = cpuNow(); const d = A.load(state); const ms = now() - t0; const cpu = cpuNow() - c0; return { ms, cpu, ok: d.text === trace.endContent } }
    }
  }
}

if (!engines[engine]) { console.error(`unknown engine ${engine}; one of ${Object.keys(engines).join(', ')}`); process.exit(2) }
const e = await engines[engine]()
let best = null; let bestLoad = Infinity; let bestLoadCpu = Infinity; let ok = true
for (let r = 0; r < runs; r++) {
  const res = e.replay()
  ok = ok && res.ok
  if (!best || res.ms < best.ms) best = res
  const l = e.load(res.state)
  ok = ok && l.ok
  bestLoad = Math.min(bestLoad, l.ms)
  bestLoadCpu = Math.min(bestLoadCpu, l.cpu)
}
const peak = process.resourceUsage().maxRSS
console.log(`${engine}: ${patchCount} edits replayed in ${best.ms.toFixed(1)} ms (CPU ${best.cpu.toFixed(1)} ms; ${best.bytes} update bytes emitted), doc ${best.state.length} bytes, load ${bestLoad.toFixed(2)} ms (CPU ${bestLoadCpu.toFixed(2)} ms), heap held by the doc ${best.heap} KB, RSS growth with doc alive ${best.mem} KB, peak RSS ${peak} KB (trace loaded: ${baseRss} KB), text ${ok ? 'ok' : 'WRONG'}`)
console.log('RESULT ' + JSON.stringify({ engine, replay_ms: +best.ms.toFixed(2), replay_cpu_ms: +best.cpu.toFixed(2), doc_heap_kb: best.heap, load_ms: +bestLoad.toFixed(3), load_cpu_ms: +bestLoadCpu.toFixed(3), update_bytes: best.bytes, doc_bytes: best.state.length, doc_rss_kb: best.mem, peak_rss_kb: peak, base_rss_kb: baseRss, ok }))
