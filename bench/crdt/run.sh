#!/usr/bin/env bash
# crdt benchmark: tandem_bench_crdt and its peers (yjs 13.6.33, ywasm 0.18.3, automerge 3.5.0)
# on the same editing trace in one run, then the ratios. Usage:
#   bench/crdt/run.sh [TRACE] [BUILD_DIR]     (defaults: ../shared/data/automerge-paper.json.gz, build/release)
# Set PEERS="yjs ywasm" to skip automerge (it takes ~20 s+ on the B4 trace).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
trace="${1:-$root/../shared/data/automerge-paper.json.gz}"
build="${2:-$root/build/release}"
peers="${PEERS:-yjs ywasm automerge}"
if [ ! -d "$here/node_modules" ]; then (cd "$here" && npm ci --no-audit --no-fund >/dev/null); fi
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target tandem_bench_crdt >/dev/null
out=$(mktemp)
echo "trace: $trace"
"$build/bench/crdt/tandem_bench_crdt" "$trace" | tee -a "$out"
for p in $peers; do node --expose-gc "$here/peers.mjs" "$p" "$trace" | tee -a "$out"; done
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.startsWith("RESULT ")).map(l => JSON.parse(l.slice(7)))
const t = lines.find(r => r.engine === "tandem")
console.log("\n| engine | replay ms (wall) | replay CPU ms | load ms (wall) | load CPU ms | doc bytes | update bytes | heap held by doc KB | peak RSS KB | replay ratio (CPU, peer/tandem) | load ratio (CPU) |")
console.log("|---|---|---|---|---|---|---|---|---|---|---|")
for (const r of lines) console.log(`| ${r.engine} | ${r.replay_ms} | ${r.replay_cpu_ms} | ${r.load_ms} | ${r.load_cpu_ms} | ${r.doc_bytes} | ${r.update_bytes} | ${r.doc_heap_kb} | ${r.peak_rss_kb} | ${(r.replay_cpu_ms / t.replay_cpu_ms).toFixed(1)}x | ${(r.load_cpu_ms / t.load_cpu_ms).toFixed(1)}x |`)
' "$out"
rm -f "$out"
