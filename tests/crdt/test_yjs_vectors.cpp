// Frozen yjs vectors (fixtures/yjs_vectors.jsonl, written by gen_yjs_vectors.mjs with yjs@13.6.33):
// apply each case's updates, re-encode, and match yjs's bytes, state vector and JSON; also
// mergeUpdates / diffUpdate / encodeStateVectorFromUpdate on the same updates.
#include <doctest/doctest.h>

#include "conformance/harness.hpp"

namespace json = boost::json;
using namespace tandem;

TEST_CASE("crdt conformance: frozen yjs vectors: every content and type ref re-encodes byte-identical with yjs") {
  std::size_t n = 0;
  for (const auto& line : conformance::read_lines(TANDEM_SOURCE_DIR "/tests/crdt/fixtures/yjs_vectors.jsonl")) {
    const auto c = json::parse(line).as_object();
    INFO("case " << c.at("name").as_string());
    for (const auto& f : conformance::check_vector_case(c)) CHECK_MESSAGE(false, f);
    ++n;
  }
  CHECK(n >= 50);
}
