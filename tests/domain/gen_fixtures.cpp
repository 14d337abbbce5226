// Writes the domain layer's CRDT outputs for checking by the real yjs package
// (yjs_check.mjs): the plan and board templates, and restore scenarios (old history,
// version state, restore update). Usage: tandem_domain_fixtures OUT_DIR [SEED]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "random_doc.hpp"
#include "tandem/domain/templates.hpp"
#include "tandem/domain/versions.hpp"

using namespace tandem;

namespace {
bool write(const std::string& path, const crdt::bytes& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  return static_cast<bool>(out);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [SEED]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  std::uint32_t seed =
      argc > 2 ? static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10)) : std::random_device{}();
  std::printf("seed %u\n", seed);
  bool ok = write(dir + "/plan.bin", domain::make_plan_template("Ada & Bo \xE2\x80\x94 2026", "Ada", "Bo")) &&
            write(dir + "/board.bin", domain::make_session_board(
                                          "Session 3", {"Review goals", "Next steps; risks"}, 1764000000000));
  std::mt19937 rng(seed);
  for (int i = 0; i < 30 && ok; ++i) {
    crdt::doc a(crdt::doc_options{static_cast<std::uint64_t>(100 + i), true});
    if (i % 2 == 0) {
      if (auto r = a.apply_update(domain::make_plan_template("P", "M", "E")); !r) return 1;
    }
    domain::test::random_edits(a, rng, 20);
    crdt::bytes version = a.encode_state_as_update();
    domain::test::random_edits(a, rng, 20);
    crdt::bytes old = a.encode_state_as_update();
    auto u = domain::apply_restore(a, version);
    if (!u) {
      std::fprintf(stderr, "restore %d failed: %s\n", i, u.err().message.c_str());
      return 1;
    }
    std::string p = dir + "/restore-" + std::to_string(i);
    ok = write(p + "-old.bin", old) && write(p + "-version.bin", version) && write(p + "-update.bin", *u);
  }
  if (!ok) {
    std::fprintf(stderr, "cannot write fixtures to %s\n", dir.c_str());
    return 1;
  }
  return 0;
}
