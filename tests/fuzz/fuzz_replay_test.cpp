// Always-on fuzzing in the normal build: replays tests/fuzz/corpus/* and a few thousand
// seeded random mutations of the frozen yjs updates through the fuzz entry point.
// TANDEM_FUZZ_SEED fixes the seed (printed); TANDEM_FUZZ_MUTATIONS the count (default 10000).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "../crdt/conformance/harness.hpp"
#include "fuzz_update.hpp"

namespace json = boost::json;
using namespace tandem;

namespace {
std::vector<crdt::bytes> seeds() {
  std::vector<crdt::bytes> out;
  for (const auto& line : conformance::read_lines(TANDEM_SOURCE_DIR "/tests/crdt/fixtures/yjs_vectors.jsonl")) {
    const auto c = json::parse(line).as_object();
    for (const auto& u : c.at("updates").as_array()) out.push_back(conformance::from_hex(u.as_string()));
    out.push_back(conformance::from_hex(c.at("state").as_string()));
  }
  return out;
}

void run(const crdt::bytes& b, const std::string& what) {
  try {
    fuzz::one_input(b.data(), b.size());
  } catch (const std::exception& e) {
    FAIL(what << ": " << e.what() << " (input " << conformance::to_hex(b).substr(0, 400) << ")");
  }
}
}  // namespace

TEST_CASE("crdt fuzz: fuzz corpus and frozen yjs updates are handled without crash or broken invariant") {
  std::size_t n = 0;
  const std::filesystem::path dir = TANDEM_SOURCE_DIR "/tests/fuzz/corpus";
  if (std::filesystem::exists(dir))
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string s = conformance::read_file(e.path().string());
      run(crdt::bytes(s.begin(), s.end()), "corpus " + e.path().filename().string());
      ++n;
    }
  for (const auto& b : seeds()) {
    run(b, "seed update");
    ++n;
  }
  CHECK(n > 100);
}

TEST_CASE("crdt fuzz: random mutations of yjs updates never crash, and rejected ones change nothing") {
  const char* es = std::getenv("TANDEM_FUZZ_SEED");
  const char* ec = std::getenv("TANDEM_FUZZ_MUTATIONS");
  const std::uint64_t seed = es ? std::strtoull(es, nullptr, 10) : static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000007ULL;
  const std::size_t count = ec ? std::strtoull(ec, nullptr, 10) : 10000;
  std::cout << "fuzz mutations: seed " << seed << " (TANDEM_FUZZ_SEED=" << seed << " reproduces), " << count << " inputs\n";
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto base = seeds();
  REQUIRE(!base.empty());
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % std::max<std::size_t>(n, 1)); };
  for (std::size_t i = 0; i < count; ++i) {
    crdt::bytes b = base[pick(base.size())];
    const std::size_t edits = 1 + pick(4);
    for (std::size_t k = 0; k < edits; ++k) {
      switch (pick(7)) {
        case 0: if (!b.empty()) b[pick(b.size())] = static_cast<std::uint8_t>(rng()); break;        // random byte
        case 1: if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8)); break; // bit flip
        case 2: if (!b.empty()) b.resize(pick(b.size())); break;                                    // truncate
        case 3: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), static_cast<std::uint8_t>(rng())); break;
        case 4: if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size()))); break;
        case 5: if (!b.empty()) b[pick(b.size())] = std::array<std::uint8_t, 6>{0x00, 0x7f, 0x80, 0xff, 0x01, 0x0a}[pick(6)]; break;
        default: {  // splice a piece of another seed
          const auto& o = base[pick(base.size())];
          if (o.empty()) break;
          const std::size_t from = pick(o.size()), len = pick(o.size() - from + 1);
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), o.begin() + static_cast<std::ptrdiff_t>(from), o.begin() + static_cast<std::ptrdiff_t>(from + len));
        }
      }
    }
    run(b, "mutation " + std::to_string(i) + " of seed " + std::to_string(seed));
  }
}
