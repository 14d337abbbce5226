#!/usr/bin/env python3
"""Formats bench/server results (JSON lines from run.sh) as Markdown with ratios against the
Yjs reference server; with --record, replaces the '## server' section of bench/RESULTS.md."""
import datetime
import json
import os
import platform
import re
import subprocess
import sys


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, Node {node}"


def fmt(v, nd=1):
    return "n/a" if v is None or v < 0 else f"{v:.{nd}f}"


def ratio(a, b):
    if a is None or b is None or a <= 0 or b <= 0:
        return "n/a"
    return f"{a / b:.2f}x"


def report(path, quick):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    store = next((r.get("store") for r in rows if r["server"] == "tandem" and r.get("store")), "unknown")
    names = {"tandem": f"Tandem (store: {store}, --durability full)",
             "tandem-relaxed": f"Tandem (store: {store}, --durability relaxed)", "yws": "@y/websocket-server 0.1.1 (memory)",
             "hocuspocus": "@hocuspocus/server 3.4.4 (memory)"}
    titles = {"fanout": "1 writer -> 50 readers, 100 updates/s", "rooms": "1,500 clients in 500 rooms (1 writer + 2 readers each, 2 updates/s per writer)",
              "idle": "10,000 idle connections (1,000 rooms x 10)",
              "saturate": "Saturation: 20 rooms x (1 writer at 500 updates/s + 10 readers) = 100,000 deliveries/s offered",
              "max": "Overload: 20 rooms x (1 writer at 2,000 updates/s + 10 readers) = 400,000 deliveries/s offered"}
    loads = [r.get("load", "") for r in rows if r.get("load")]
    out = [f"Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC. Machine: {machine()}.",
           "Generator: bench/server/tandem_bench_server (C++/Beast, same process for all servers), loopback only."
           + (" QUICK run (reduced sizes)." if quick == "1" else ""),
           (f"Load average (1/5/15 min) when each run ended: from {loads[0]} to {loads[-1]}, max 1-min {max(float(l.split()[0]) for l in loads):.1f}." if loads else ""),
           "Peers keep documents in memory only; Tandem `full` fsyncs each group commit before relaying (durable before broadcast), `relaxed` syncs periodically. Fan-out latency = writer send to reader receive, same clock; RSS per connection = server VmRSS growth from no connection to all connected and synced / connections.", ""]
    for w in ["fanout", "rooms", "saturate", "max", "idle"]:
        rs = {r["server"]: r for r in rows if r["workload"] == w}
        if not rs:
            continue
        out.append(f"### {titles[w]}")
        out.append(f"args: `{next(iter(rs.values()))['args']}`")
        out.append("")
        out.append("| server | synced/conns | connect+sync p50/p99 ms | delivered/s (expected) | fan-out p50 / p99 / max ms | server RSS KiB/conn | server CPU us/delivery |")
        out.append("|---|---|---|---|---|---|---|")
        notes = []
        for s in ["tandem", "tandem-relaxed", "yws", "hocuspocus"]:
            if s not in rs:
                continue
            r = rs[s]["result"]
            exp = r["expected_deliveries"] / r["write_window_s"] if r["write_window_s"] > 0 else 0
            lost = r["expected_deliveries"] - r["delivered"]
            deliv = f"{fmt(r['delivered_per_s'], 0)} ({fmt(exp, 0)})" + (f", {lost} missing" if lost > 0 else "") if r["sent"] else "-"
            lat = f"{fmt(r['latency_ms_p50'], 2)} / {fmt(r['latency_ms_p99'], 2)} / {fmt(r['latency_ms_max'], 2)}" if r["sent"] else "-"
            err = f" ({r['failed']} failed: {r['first_error']})" if r["failed"] else ""
            if r.get("empty_updates_received", 0) or r.get("unparsed", 0):
                notes.append(f"{names[s]}: readers received {r.get('empty_updates_received', 0)} empty update messages and {r.get('unparsed', 0)} unparsed ones")
            out.append(f"| {names[s]} | {r['synced']}/{r['connections']}{err} | {fmt(r['connect_sync_ms_p50'])} / {fmt(r['connect_sync_ms_p99'])} | {deliv} | {lat} | {fmt(r['rss_kib_per_connection'])} | {fmt(r.get('server_cpu_us_per_delivery', -1), 2) if r['sent'] else '-'} |")
        if notes:
            out.append("")
            out.extend(f"Note: {n}." for n in notes)
        t, y = rs.get("tandem", {}).get("result"), rs.get("yws", {}).get("result")
        if t and y:
            parts = []
            if t["sent"]:
                parts.append(f"p99 fan-out Tandem/reference = {ratio(t['latency_ms_p99'], y['latency_ms_p99'])} (target <= 0.33x)")
                what = ("(offered load may exceed capacity: this is throughput)" if w in ("saturate", "max")
                        else "(rate-limited workload: equal means all delivered)")
                parts.append(f"delivered/s Tandem/reference = {ratio(t['delivered_per_s'], y['delivered_per_s'])} {what}")
            if t["sent"]:
                parts.append(f"server CPU per delivery Tandem/reference = {ratio(t.get('server_cpu_us_per_delivery', -1), y.get('server_cpu_us_per_delivery', -1))}")
            parts.append(f"RSS per connection Tandem/reference = {ratio(t['rss_kib_per_connection'], y['rss_kib_per_connection'])} (target <= 0.25x)")
            parts.append(f"connect+sync p99 Tandem/reference = {ratio(t['connect_sync_ms_p99'], y['connect_sync_ms_p99'])}")
            tr = rs.get("tandem-relaxed", {}).get("result")
            if tr and tr["sent"]:
                parts.append(f"p99 fan-out Tandem relaxed/reference = {ratio(tr['latency_ms_p99'], y['latency_ms_p99'])}")
            out.append("")
            out.append("Ratios: " + "; ".join(parts) + ".")
        out.append("")
    return "\n".join(out)


def record(results_md, report_md):
    body = open(report_md).read().strip()
    section = "## server\n\nProduced by `bench/server/run.sh --record`.\n\n" + body + "\n"
    text = open(results_md).read() if os.path.exists(results_md) else "# Benchmark results\n"
    pat = re.compile(r"^## server\n.*?(?=^## |\Z)", re.S | re.M)
    m = pat.search(text)
    if m:
        # Keep the run before this one (only that one) as a dated older measurement.
        prev = m.group(0)
        prev = prev.split("\n### Older measurement", 1)[0]
        prev = re.sub(r"^## server\n\n(Produced by[^\n]*\n\n)?", "", prev).strip()
        prev = re.sub(r"^### ", "#### ", prev, flags=re.M)
        section += "\n### Older measurement (previous recorded run)\n\n" + prev + "\n"
    if m:
        text = pat.sub(lambda _m: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(results_md, "w").write(text)


if __name__ == "__main__":
    if sys.argv[1] == "--record":
        record(sys.argv[2], sys.argv[3])
    else:
        print(report(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "0"))
