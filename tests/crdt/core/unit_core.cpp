// Unit tests of tandem_crdt's own behaviour: lib0 primitives, JSON like JS, the YJS-NOTES worked
// example (bytes written by yjs), all-or-nothing decoding, pending structs, update events,
// snapshots. Byte expectations come from yjs/lib0 (quoted), never from our own output.
#include <doctest/doctest.h>

#include <string>

#include "tandem/crdt/crdt.hpp"

using namespace tandem::crdt;

namespace {
std::string hex(bytes_view b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}
bytes unhex(std::string_view h) {
  bytes b;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return b;
}
}  // namespace

TEST_CASE("lib0 varUint and varInt write lib0's bytes") {
  // lib0 encoding.js: 300 -> ac 02; varInt -1 -> 41, -64 -> c0 01, 300 -> ac 04
  lib0::encoder e;
  e.write_var_uint(300);
  e.write_var_int(-1);
  e.write_var_int(-64);
  e.write_var_int(300);
  CHECK(hex(e.data()) == "ac0241c001ac04");
  lib0::decoder d(e.data());
  CHECK(d.read_var_uint() == 300);
  CHECK(d.read_var_int() == -1);
  CHECK(d.read_var_int() == -64);
  CHECK(d.read_var_int() == 300);
  CHECK(d.done());
}

TEST_CASE("any encoding picks JavaScript's number tag") {
  // writeAny: 1 -> 7d 01, 0.5 -> 7c 3f000000 (float32), 0.1 -> 7b 3fb999999999999a
  CHECK(hex(lib0::encode_any(any(1))) == "7d01");
  CHECK(hex(lib0::encode_any(any(0.5))) == "7c3f000000");
  CHECK(hex(lib0::encode_any(any(0.1))) == "7b3fb999999999999a");
  CHECK(hex(lib0::encode_any(any(any::object{{"a", 1}}))) == "760101617d01");
}

TEST_CASE("any to_json matches JSON.stringify for numbers and integer-like keys") {
  CHECK(any(1e21).to_json() == "1e+21");
  CHECK(any(123.456).to_json() == "123.456");
  CHECK(any(-0.0).to_json() == "0");
  CHECK(any(1e-7).to_json() == "1e-7");
  CHECK(any(9007199254740992.0).to_json() == "9007199254740992");
  // JS objects list integer-like keys first, ascending: JSON.stringify({b:1, 2:2, 1:3}) == '{"1":3,"2":2,"b":1}'
  CHECK(any(any::object{{"b", 1}, {"2", 2}, {"1", 3}}).to_json() == R"({"1":3,"2":2,"b":1})");
}

TEST_CASE("local edits write the bytes yjs writes for the YJS-NOTES worked example") {
  // yjs 13.6.33, clientID 7: t.insert(0,'ab'); t.insert(1,'X'); m.set('k',5); t.delete(0,1)
  doc d(doc_options{.client_id = 7});
  auto t = d.get_text("t");
  auto m = d.get_map("m");
  d.transact([&](transaction& x) { t.insert(x, 0, "ab"); });
  d.transact([&](transaction& x) { t.insert(x, 1, "X"); });
  d.transact([&](transaction& x) { m.set(x, "k", any(5)); });
  d.transact([&](transaction& x) { t.remove(x, 0, 1); });
  CHECK(hex(d.encode_state_as_update()) == "0104070001010174018407000162c40700070101582801016d016b017d050107010001");
  CHECK(hex(d.encode_state_vector()) == "010704");
  CHECK(d.to_json() == R"({"t":"Xb","m":{"k":5}})");
  d.check_invariants();
}

TEST_CASE("a truncated update is rejected with a byte offset and changes nothing") {
  doc d;
  const auto full = unhex("0104070001010174018407000162c40700070101582801016d016b017d050107010001");
  const bytes cut(full.begin(), full.begin() + 20);
  auto r = d.apply_update(cut);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().offset <= cut.size());
  CHECK(r.error().to_string().find("at byte") != std::string::npos);
  CHECK(hex(d.encode_state_vector()) == "00");
  CHECK(d.apply_update(full).ok());
  CHECK(d.get_text("t").to_string() == "Xb");
}

TEST_CASE("updates with a missing dependency stay pending, are re-emitted, and apply once it arrives") {
  doc a(doc_options{.client_id = 1});
  std::vector<bytes> ups;
  (void)a.on_update([&](bytes_view u, const void*) { ups.emplace_back(u.begin(), u.end()); });
  auto t = a.get_text("t");
  a.transact([&](transaction& x) { t.insert(x, 0, "hello"); });
  a.transact([&](transaction& x) { t.insert(x, 5, " world"); });
  a.transact([&](transaction& x) { t.remove(x, 0, 1); });
  REQUIRE(ups.size() == 3);
  doc b(doc_options{.client_id = 2});
  CHECK(b.apply_update(ups[1]).ok());
  CHECK(b.apply_update(ups[2]).ok());
  CHECK(b.has_pending());
  CHECK(b.get_text("t").to_string().empty());
  // a third doc fed b's full state (which carries the pending data) plus the first update converges
  doc c(doc_options{.client_id = 3});
  CHECK(c.apply_update(b.encode_state_as_update()).ok());
  CHECK(c.apply_update(ups[0]).ok());
  CHECK_FALSE(c.has_pending());
  CHECK(c.get_text("t").to_string() == "ello world");
  CHECK(b.apply_update(ups[0]).ok());
  CHECK_FALSE(b.has_pending());
  CHECK(b.get_text("t").to_string() == "ello world");
  CHECK(b.encode_state_as_update() == a.encode_state_as_update());
  b.check_invariants();
}

TEST_CASE("map, array and nested types round-trip through the update event") {
  doc a(doc_options{.client_id = 10});
  doc b(doc_options{.client_id = 11});
  (void)a.on_update([&](bytes_view u, const void*) { REQUIRE(b.apply_update(u).ok()); });
  a.transact([&](transaction& x) {
    auto m = a.get_map("plan");
    m.set(x, "title", any("Growth plan"));
    auto goals = m.set_array(x, "goals");
    auto g = goals.insert_map(x, 0);
    g.set(x, "progress", any(40));
    g.set_text(x, "title").insert(x, 0, "Learn C++");
    goals.push_back(x, any(nullptr));
  });
  a.transact([&](transaction& x) { a.get_map("plan").get("goals")->as_array().remove(x, 1, 1); });
  const std::string want = R"({"plan":{"title":"Growth plan","goals":[{"progress":40,"title":"Learn C++"}]}})";
  CHECK(a.to_json() == want);
  (void)b.get_map("plan");
  CHECK(b.to_json() == want);
  CHECK(b.encode_state_as_update() == a.encode_state_as_update());
  b.check_invariants();
}

TEST_CASE("a document rebuilt from a snapshot shows the old state") {
  doc d(doc_options{.client_id = 5, .gc = false});
  auto t = d.get_text("t");
  d.transact([&](transaction& x) { t.insert(x, 0, "first"); });
  const auto snap = d.encode_snapshot();
  d.transact([&](transaction& x) {
    t.remove(x, 0, 5);
    t.insert(x, 0, "second");
  });
  auto old = doc_from_snapshot(d, snap);
  REQUIRE(old.ok());
  CHECK(old->get_text("t").to_string() == "first");
  CHECK(t.to_string() == "second");
  doc gcd;
  CHECK_FALSE(doc_from_snapshot(gcd, snap).ok());
}

TEST_CASE("text lengths count UTF-16 units and a split surrogate pair becomes two U+FFFD") {
  doc d(doc_options{.client_id = 3});
  auto t = d.get_text("t");
  d.transact([&](transaction& x) { t.insert(x, 0, "a\xF0\x9F\x98\x80" "b"); });  // a😀b
  CHECK(t.size() == 4);
  d.transact([&](transaction& x) { t.insert(x, 2, "-"); });  // inside the pair, as in yjs#248
  CHECK(t.to_string() == "a\xEF\xBF\xBD-\xEF\xBF\xBD" "b");
  CHECK(t.size() == 5);
  d.check_invariants();
}

TEST_CASE("an update handler may unsubscribe itself or subscribe another while it runs") {
  doc d(doc_options{.client_id = 7, .gc = true});
  auto text = d.get_text("t");
  int first_calls = 0, second_calls = 0;
  std::size_t second = 0;
  std::size_t first = 0;
  first = d.on_update([&](bytes_view u, const void*) {
    CHECK(!u.empty());
    ++first_calls;
    d.off_update(first);  // itself, while running
    second = d.on_update([&](bytes_view, const void*) { ++second_calls; });
  });
  d.transact([&](transaction& tx) { text.insert(tx, 0, "a"); });
  CHECK(first_calls == 1);
  CHECK(second_calls == 0);  // subscribed during this update's emission
  d.transact([&](transaction& tx) { text.insert(tx, 1, "b"); });
  CHECK(first_calls == 1);  // gone
  CHECK(second_calls == 1);
  d.off_update(second);
  d.transact([&](transaction& tx) { text.insert(tx, 2, "c"); });
  CHECK(second_calls == 1);
  CHECK(text.to_string() == "abc");
}
