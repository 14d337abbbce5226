// Regression cases saved by the differential suite (tests/crdt/regressions/*.json, each a
// yjs-generated scenario with yjs's results): replayed on every run, no Node needed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "conformance/harness.hpp"

namespace json = boost::json;
using namespace tandem;

TEST_CASE("crdt conformance: saved differential scenarios still match yjs") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(TANDEM_SOURCE_DIR "/tests/crdt/regressions"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    const auto sc = json::parse(conformance::read_file(f.string())).as_object();
    INFO("regression " << f.filename().string() << " (seed " << json::serialize(sc.at("seed")) << ")");
    const auto r = conformance::run_scenario(sc);
    for (std::size_t i = 0; i < r.failures.size() && i < 10; ++i) CHECK_MESSAGE(false, r.failures[i]);
  }
}
