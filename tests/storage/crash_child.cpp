// Crash-test child: appends updates to crash_docs documents from as many threads, and
// writes "<doc> <seq>\n" to stdout for every update reported durable. The parent
// SIGKILLs it at a random moment and verifies that everything reported is stored.
// Usage: tandem_storage_crash_child DIR [full|relaxed]
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

using namespace tandem::storage;

namespace {
void say(const std::string& s) {
  // one write() per line: atomic on a pipe (< PIPE_BUF), survives our own death
  ssize_t n = ::write(1, s.data(), s.size());
  (void)n;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  options o;
  o.dir = argv[1];
  o.initial_map_size = 1 << 20;  // small, so the map grows while we get killed
  if (argc > 2 && std::string(argv[2]) == "relaxed") {
    o.mode = durability::relaxed;
    o.sync_interval = std::chrono::milliseconds(5);
  }
  auto opened = store::open(o);
  if (!opened) {
    say("ERROR open " + opened.err().message + "\n");
    return 1;
  }
  auto& s = *opened.value();
  std::vector<std::thread> ts;
  say("ready\n");
  for (int d = 0; d < storage_test::crash_docs; ++d) {
    ts.emplace_back([&s, d] {
      std::string doc = "crash/doc" + std::to_string(d);
      auto inf = s.info(doc);
      if (!inf) {
        say("ERROR info " + inf.err().message + "\n");
        std::_Exit(1);
      }
      seq_t next = inf->has_value() ? (*inf)->last_seq + 1 : 1;
      std::counting_semaphore<64> window(64);
      for (;; ++next) {
        window.acquire();
        auto ud = static_cast<std::uint64_t>(d);
        s.append(doc, storage_test::crash_payload(ud, next), [&window, d, next](result<seq_t> r) {
          if (!r)
            say("ERROR append " + r.err().message + "\n");
          else if (r.value() != next)
            say("MISMATCH " + std::to_string(d) + " " + std::to_string(r.value()) + " " +
                std::to_string(next) + "\n");
          else
            say(std::to_string(d) + " " + std::to_string(r.value()) + "\n");
          window.release();
        });
      }
    });
  }
  for (auto& t : ts) t.join();  // never returns: the parent kills us
  return 0;
}
