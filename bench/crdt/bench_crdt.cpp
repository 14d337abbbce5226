// tandem_bench_crdt TRACE.json[.gz] [--runs N]: replays an editing trace with tandem::crdt, one
// transaction per edit with the v1 update emitted, then loads the final document from one v1
// update. Prints time, peak memory (getrusage) and bytes, and a RESULT line for run.sh.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "tandem/crdt/crdt.hpp"
#include "trace_reader.hpp"

using namespace tandem;
using clk = std::chrono::steady_clock;

namespace {
long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}
long current_rss_kb() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * 4;
}
double cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}
long heap_kb() { return static_cast<long>(mallinfo2().uordblks / 1024); }
double ms_since(clk::time_point t0) { return std::chrono::duration<double, std::milli>(clk::now() - t0).count(); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tandem_bench_crdt TRACE.json[.gz] [--runs N]\n";
    return 2;
  }
  int runs = 1;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  try {
    const auto t = trace::load(argv[1]);
    const long base_rss = current_rss_kb();
    double best_replay = 1e300, best_load = 1e300, best_load_cpu = 1e300, encode_ms = 0, replay_cpu = 1e300;
    long doc_heap = 0;
    const long base_heap = heap_kb();
    std::size_t update_bytes = 0, doc_bytes = 0;
    bool text_ok = false;
    long doc_rss = 0;
    for (int r = 0; r < runs; ++r) {
      crdt::bytes state;
      {
        crdt::doc d(crdt::doc_options{.client_id = 1, .gc = true});
        auto text = d.get_text("text");
        std::size_t ub = 0;
        (void)d.on_update([&](crdt::bytes_view u, const void*) { ub += u.size(); });
        if (!t.start_content.empty()) d.transact([&](crdt::transaction& tx) { text.insert(tx, 0, t.start_content); });
        const auto t0 = clk::now();
        const double c0 = cpu_ms();
        for (const auto& x : t.txns) {
          d.transact([&](crdt::transaction& tx) {
            for (const auto& p : x.patches) {
              if (p.deleted) text.remove(tx, p.pos, p.deleted);
              if (!p.inserted.empty()) text.insert(tx, p.pos, p.inserted);
            }
          });
        }
        best_replay = std::min(best_replay, ms_since(t0));
        replay_cpu = std::min(replay_cpu, cpu_ms() - c0);
        doc_rss = std::max(doc_rss, current_rss_kb() - base_rss);
        doc_heap = std::max(doc_heap, heap_kb() - base_heap);
        update_bytes = ub;
        const auto t1 = clk::now();
        state = d.encode_state_as_update();
        encode_ms = ms_since(t1);
        doc_bytes = state.size();
        text_ok = text.to_string() == t.end_content;
      }
      const auto t2 = clk::now();
      const double c2 = cpu_ms();
      crdt::doc loaded(crdt::doc_options{.client_id = 2, .gc = true});
      auto res = loaded.apply_update(state);
      const double load_ms = ms_since(t2);
      best_load_cpu = std::min(best_load_cpu, cpu_ms() - c2);
      if (!res) {
        std::cerr << "error: loading the final state failed: " << res.error().to_string() << "\n";
        return 1;
      }
      best_load = std::min(best_load, load_ms);
      text_ok = text_ok && loaded.get_text("text").to_string() == t.end_content;
    }
    std::printf("tandem: %zu edits replayed in %.1f ms (CPU %.1f ms; one txn per edit, %zu update bytes emitted), encode %.1f ms, "
                "doc %zu bytes, load %.2f ms (CPU %.2f ms), heap held by the doc %ld KB, peak RSS %ld KB (trace loaded: %ld KB), text %s\n",
                t.patch_count, best_replay, replay_cpu, update_bytes, encode_ms, doc_bytes, best_load, best_load_cpu, doc_heap, peak_rss_kb(), base_rss,
                text_ok ? "ok" : "WRONG");
    std::printf("RESULT {\"engine\":\"tandem\",\"replay_ms\":%.2f,\"replay_cpu_ms\":%.2f,\"doc_heap_kb\":%ld,\"load_ms\":%.3f,\"load_cpu_ms\":%.3f,\"update_bytes\":%zu,\"doc_bytes\":%zu,"
                "\"peak_rss_kb\":%ld,\"base_rss_kb\":%ld,\"doc_rss_kb\":%ld,\"ok\":%s}\n",
                best_replay, replay_cpu, doc_heap, best_load, best_load_cpu, update_bytes, doc_bytes, peak_rss_kb(), base_rss, doc_rss, text_ok ? "true" : "false");
    return text_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
