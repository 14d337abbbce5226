// Malformed and unusual updates (fixtures/yjs_malformed.jsonl, gen_yjs_malformed.mjs): what
// yjs rejects C++ rejects as a whole with an offset inside the input; what yjs accepts
// (trailing bytes, zero-length structs, huge lengths, client ids past 2^32) gives yjs's state.
#include <doctest/doctest.h>

#include "conformance/harness.hpp"

namespace json = boost::json;
using namespace tandem;

namespace {
std::vector<json::object> cases() {
  std::vector<json::object> out;
  for (const auto& line : conformance::read_lines(TANDEM_SOURCE_DIR "/tests/crdt/fixtures/yjs_malformed.jsonl"))
    out.push_back(json::parse(line).as_object());
  return out;
}
}  // namespace

TEST_CASE("crdt conformance: updates yjs rejects are rejected whole, with an offset inside the input") {
  std::size_t n = 0;
  for (const auto& c : cases()) {
    if (c.at("yjs").as_string() != "throws") continue;
    ++n;
    INFO("case: " << c.at("name").as_string() << " (yjs: " << c.at("error").as_string() << ")");
    const crdt::bytes b = conformance::from_hex(c.at("hex").as_string());
    crdt::doc d(crdt::doc_options{.client_id = 999999, .gc = true});
    const auto empty = d.encode_state_as_update();
    try {
      auto r = d.apply_update(b);
      CHECK_FALSE(r.ok());
      if (!r.ok()) {
        CHECK(r.error().offset <= b.size());
        CHECK_FALSE(r.error().message.empty());
      }
      d.check_invariants();
      CHECK(d.encode_state_as_update() == empty);
      CHECK_FALSE(d.has_pending());
    } catch (const std::exception& e) {
      FAIL("exception escaped apply_update: " << e.what());
    }
  }
  CHECK(n >= 40);
}

TEST_CASE("crdt conformance: odd updates yjs accepts give yjs's state") {
  std::size_t n = 0;
  for (const auto& c : cases()) {
    if (c.at("yjs").as_string() != "accepts") continue;
    ++n;
    const std::string name(c.at("name").as_string());
    INFO("case: " << name);
    std::vector<std::string> failures;
    conformance::guarded(failures, name, [&] {
      crdt::doc d(crdt::doc_options{.client_id = 999999, .gc = true});
      auto r = d.apply_update(conformance::from_hex(c.at("hex").as_string()));
      if (!r) failures.push_back(name + ": rejected: " + r.error().to_string());
      d.check_invariants();
      conformance::compare_doc(d, conformance::roots_from(json::parse(R"([["t","text"],["m","map"],["a","array"]])")), c, name, failures);
    });
    for (const auto& f : failures) CHECK_MESSAGE(false, f);
  }
  CHECK(n >= 8);
}
