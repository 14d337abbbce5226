#!/usr/bin/env bash
# Server benchmark: the same workloads against Tandem (durability full, and relaxed for
# comparison), the Yjs reference
# server (@y/websocket-server 0.1.1) and Hocuspocus 3, in one run, on loopback only.
# Usage: bench/server/run.sh [--quick] [--record]
#   --quick   shorter runs and fewer connections (smoke test of the harness)
#   --record  append a "## server" section to bench/RESULTS.md
# Env: TANDEM_BENCH_BUILD (default build/bench-release), TANDEM_BENCH_SERVERS (default "tandem tandem-relaxed yws hocuspocus"),
#      TANDEM_BENCH_TANDEM / TANDEM_BENCH_GEN (prebuilt binaries; both set = no build step).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
quick=0; record=0
for a in "$@"; do case $a in --quick) quick=1;; --record) record=1;; *) echo "unknown flag $a" >&2; exit 2;; esac; done

build=${TANDEM_BENCH_BUILD:-build/bench-release}
servers=${TANDEM_BENCH_SERVERS:-"tandem tandem-relaxed yws hocuspocus"}
tandem=${TANDEM_BENCH_TANDEM:-$root/$build/server/tandem}
gen=${TANDEM_BENCH_GEN:-$root/$build/bench/server/tandem_bench_server}
if [ -z "${TANDEM_BENCH_TANDEM:-}" ] || [ -z "${TANDEM_BENCH_GEN:-}" ]; then
  echo "== build (Release) in $build: tandem, tandem_bench_server"
  # Warnings are policed by the normal builds; a -O3-only false positive must not block a measurement.
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDEM_JS_TESTS=OFF -DTANDEM_WERROR=OFF >/dev/null
  cmake --build "$build" --target tandem tandem_bench_server >/dev/null
fi

echo "== peers (npm ci in bench/server)"
lock_sum=$(sha256sum bench/server/package-lock.json | cut -d' ' -f1)
if [ "$(cat bench/server/node_modules/.tandem-lock-stamp 2>/dev/null)" != "$lock_sum" ]; then
  (cd bench/server && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_sum" > bench/server/node_modules/.tandem-lock-stamp
fi
"$gen" --dump-updates 200 | (cd bench/server && node check_updates.mjs 200)

# 10,000 idle connections need ~10k descriptors in the generator and in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 22000 ] && [ $quick = 0 ]; then echo "note: ulimit -n is $(ulimit -n)"; fi

work=$(mktemp -d /tmp/tandem-bench-server.XXXXXX)
results=$work/results.jsonl
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$1/$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not come up" >&2; return 1; }

export TANDEM_SECRET=bench-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0
start_server() { # $1 = kind; sets pid, port, token
  port=$(free_port); token=""
  case $1 in
    tandem|tandem-relaxed)
      local durability=full; [ "$1" = tandem-relaxed ] && durability=relaxed
      rm -rf "$work/data"; mkdir -p "$work/data"
      token=$("$tandem" token --user bench --name Bench --role mentor --prefix bench --ttl 1d --data "$work/data" | tail -n 1)
      "$tandem" serve --listen "127.0.0.1:$port" --data "$work/data" --durability "$durability" >"$work/tandem.log" 2>&1 &
      pid=$!; wait_http "$port" healthz ;;
    yws)
      HOST=127.0.0.1 PORT=$port node bench/server/node_modules/@y/websocket-server/src/server.js >"$work/yws.log" 2>&1 &
      pid=$!; wait_http "$port" "" ;;
    hocuspocus)
      PORT=$port node bench/server/hocuspocus_server.mjs >"$work/hp.log" 2>&1 &
      pid=$!; sleep 1; for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done ;;
  esac
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

if [ $quick = 1 ]; then
  W_FANOUT="--rooms 1 --clients 51 --writers 1 --rate 100 --duration 3"
  W_ROOMS="--rooms 100 --clients 3 --writers 1 --rate 2 --duration 3"
  W_IDLE="--rooms 100 --clients 10 --writers 0 --settle 2"
  W_SATURATE="--rooms 20 --clients 11 --writers 1 --rate 200 --duration 3"
  W_MAX="--rooms 20 --clients 11 --writers 1 --rate 800 --duration 3"
else
  W_FANOUT="--rooms 1 --clients 51 --writers 1 --rate 100 --duration 20"
  W_ROOMS="--rooms 500 --clients 3 --writers 1 --rate 2 --duration 20"
  W_IDLE="--rooms 1000 --clients 10 --writers 0 --settle 3"
  W_SATURATE="--rooms 20 --clients 11 --writers 1 --rate 500 --duration 10"
  W_MAX="--rooms 20 --clients 11 --writers 1 --rate 2000 --duration 10"
fi
for w in fanout rooms saturate max idle; do
  case $w in fanout) args=$W_FANOUT;; rooms) args=$W_ROOMS;; saturate) args=$W_SATURATE;; max) args=$W_MAX;; idle) args=$W_IDLE;; esac
  for s in $servers; do
    start_server "$s"
    echo "== $w on $s (port $port): $args"
    out=$("$gen" --kind "${s%-relaxed}" --port "$port" --token "$token" --prefix "bench/$w" --server-pid "$pid" $args) || true
    echo "$out"
    store=""
    [ "${s%-relaxed}" = tandem ] && store=$(grep -o '(store [a-z]*' "$work/tandem.log" | head -n 1 | cut -d' ' -f2)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    [ -n "$out" ] && echo "{\"workload\":\"$w\",\"server\":\"$s\",\"store\":\"$store\",\"args\":\"$args\",\"load\":\"$load\",\"result\":$out}" >> "$results"
    if ! kill -0 "$pid" 2>/dev/null; then echo "warning: $s died during $w" >&2; fi
    stop_server
  done
done

python3 bench/server/report.py "$results" "$quick" > "$work/report.md"
cat "$work/report.md"
if [ $record = 1 ]; then
  python3 bench/server/report.py --record bench/RESULTS.md "$work/report.md"
  echo "recorded in bench/RESULTS.md"
fi
