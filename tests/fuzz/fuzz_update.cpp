// Body of the update fuzzer (see fuzz_update.hpp). Built into the libFuzzer target when
// TANDEM_FUZZ=ON and into fuzz_replay_test otherwise.
#include "fuzz_update.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include "tandem/crdt/crdt.hpp"

namespace tandem::fuzz {
namespace {
[[noreturn]] void finding(const char* what) { throw std::logic_error(what); }

void round_trip(const crdt::doc& d, bool gc) {
  const auto state = d.encode_state_as_update();
  const auto sv = d.encode_state_vector();
  crdt::doc fresh(crdt::doc_options{.client_id = 424242, .gc = gc});
  auto r = fresh.apply_update(state);
  if (!r) finding("full-state update of an accepted update was rejected");
  fresh.check_invariants();
  // with pending structs the round trip may integrate more (yjs does the same), so only
  // a doc without pending data must come back with the same state vector
  if (!d.has_pending() && fresh.encode_state_vector() != sv) finding("state vector changed after a full-state round trip");
  (void)fresh.to_json();
}
}  // namespace

void one_input(const std::uint8_t* data, std::size_t size) {
  const crdt::bytes_view in(data, size);
  for (const bool gc : {true, false}) {
    crdt::doc d(crdt::doc_options{.client_id = 1, .gc = gc});
    const auto before = d.encode_state_as_update();
    auto r = d.apply_update(in);
    d.check_invariants();
    if (!r) {
      // all-or-nothing: a rejected update leaves the doc unchanged
      if (d.encode_state_as_update() != before) finding("rejected update changed the document");
      if (r.error().offset > size) finding("error offset past the end of the input");
    } else {
      (void)d.to_json();
      round_trip(d, gc);
    }
    // a doc with content of its own, then the input twice (idempotence must hold)
    crdt::doc e(crdt::doc_options{.client_id = 2, .gc = gc});
    e.transact([&](crdt::transaction& t) {
      e.get_text("t").insert(t, 0, "hello");
      e.get_map("m").set(t, "k", crdt::any(1));
      e.get_array("a").push_back(t, crdt::any("x"));
    });
    if (e.apply_update(in).ok()) {
      e.check_invariants();
      const auto s1 = e.encode_state_vector();
      const bool pending = e.has_pending();
      if (!e.apply_update(in).ok()) finding("an accepted update was rejected the second time");
      e.check_invariants();
      if (!pending && e.encode_state_vector() != s1) finding("applying the same update twice changed the state vector");
      round_trip(e, gc);
    }
  }
  const std::array<crdt::bytes_view, 2> two{in, in};
  (void)crdt::merge_updates(two);
  (void)crdt::encode_state_vector_from_update(in);
  static const std::uint8_t sv[] = {1, 1, 3};
  (void)crdt::diff_update(in, sv);
  (void)crdt::decode_state_vector(in);
}

}  // namespace tandem::fuzz

#ifdef TANDEM_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tandem::fuzz::one_input(data, size);
  return 0;
}
#endif
