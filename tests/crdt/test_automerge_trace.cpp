// The automerge-paper editing trace (259,778 edits) replayed one edit per transaction in C++:
// the final text must equal the trace's endContent and a fresh doc loading the encoded state
// must hold the same text. (Byte equality with yjs is checked by trace_bytes.mjs.)
#include <doctest/doctest.h>

#include "../../bench/crdt/trace_reader.hpp"
#include "conformance/harness.hpp"

using namespace tandem;

TEST_CASE("crdt conformance: automerge-paper trace replayed one edit per transaction ends with endContent") {
  const auto t = trace::load(TANDEM_SHARED_DATA "/automerge-paper.json.gz");
  REQUIRE(t.patch_count == 259778);
  crdt::doc d(crdt::doc_options{.client_id = 1, .gc = true});
  auto text = d.get_text("text");
  std::size_t updates = 0;
  const auto h = d.on_update([&](crdt::bytes_view, const void*) { ++updates; });
  for (const auto& x : t.txns) {
    d.transact([&](crdt::transaction& tx) {
      for (const auto& p : x.patches) {
        if (p.deleted) text.remove(tx, p.pos, p.deleted);
        if (!p.inserted.empty()) text.insert(tx, p.pos, p.inserted);
      }
    });
  }
  d.off_update(h);
  CHECK(updates == t.txns.size());
  CHECK(text.size() == t.end_content.size());  // ASCII trace: UTF-16 length == bytes
  CHECK(text.to_string() == t.end_content);
  d.check_invariants();
  const auto state = d.encode_state_as_update();
  crdt::doc loaded(crdt::doc_options{.client_id = 2, .gc = true});
  REQUIRE(loaded.apply_update(state).ok());
  CHECK(loaded.get_text("text").to_string() == t.end_content);
  CHECK(loaded.encode_state_as_update() == state);
}
