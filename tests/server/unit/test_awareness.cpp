// Awareness codec against y-protocols@1.0.7 bytes and the clock rules of applyAwarenessUpdate.
#include <doctest/doctest.h>

#include "tandem/server/awareness.hpp"
#include "test_util.hpp"

using namespace tandem::server;
using test::hex;
using test::unhex;

namespace {
// encodeAwarenessUpdate(aw, [300]) with clientID 300, clock 1, state {"user":{"name":"Ann"}}
const char* ann_hex = "01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7d";
// after aw.setLocalState(null): clock 2, state null
const char* ann_null_hex = "01ac0202046e756c6c";
}  // namespace

TEST_CASE("awareness update from y-protocols decodes to client, clock and state JSON") {
  auto r = awareness::decode_update(unhex(ann_hex));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK(r->at(0).client_id == 300);
  CHECK(r->at(0).clock == 1);
  CHECK(r->at(0).state_json == R"({"user":{"name":"Ann"}})");
  CHECK(hex(awareness::encode_update(r.value())) == ann_hex);
}

TEST_CASE("awareness decode refuses truncation, bad JSON, trailing bytes and lying counts") {
  CHECK_FALSE(awareness::decode_update("").ok());
  CHECK_FALSE(awareness::decode_update(unhex("01ac02")).ok());               // entry cut after client id
  CHECK_FALSE(awareness::decode_update(unhex("01ac0201037b7b7b")).ok());     // state "{{{"
  CHECK_FALSE(awareness::decode_update(unhex(std::string(ann_hex) + "00")).ok());
  CHECK_FALSE(awareness::decode_update(unhex("ffff03")).ok());               // 65535 entries in 1 byte
  CHECK_FALSE(awareness::decode_update(unhex("02ac0201046e756c6c"), 1).ok()); // above max_entries
}

TEST_CASE("awareness apply: new client is added, newer clock updates, older clock is ignored") {
  awareness::store s;
  auto ch = s.apply({{300, 1, R"({"a":1})"}}, 1000);
  CHECK(ch.added == std::vector<std::uint64_t>{300});
  ch = s.apply({{300, 2, R"({"a":2})"}}, 1001);
  CHECK(ch.updated == std::vector<std::uint64_t>{300});
  ch = s.apply({{300, 1, R"({"a":3})"}}, 1002);
  CHECK(ch.empty());
  CHECK(hex(s.encode({300})) == hex(awareness::encode_update({{300, 2, R"({"a":2})"}})));
}

TEST_CASE("awareness apply: a renewal with the same state at a newer clock counts as updated (the echo keeps clients alive)") {
  awareness::store s;
  (void)s.apply({{5, 1, "{}"}}, 0);
  auto ch = s.apply({{5, 2, "{}"}}, 15000);
  CHECK(ch.updated == std::vector<std::uint64_t>{5});
}

TEST_CASE("awareness apply: null at the same clock removes a known client; null for an unknown client changes nothing") {
  awareness::store s;
  (void)s.apply({{300, 1, "{}"}}, 0);
  auto ch = s.apply({{300, 1, "null"}}, 1);
  CHECK(ch.removed == std::vector<std::uint64_t>{300});
  CHECK_FALSE(s.has_state(300));
  auto ch2 = s.apply({{42, 3, "null"}}, 1);
  CHECK(ch2.empty());
}

TEST_CASE("awareness apply of y-protocols' own null update removes the client it added") {
  awareness::store s;
  (void)s.apply(awareness::decode_update(unhex(ann_hex)).value(), 0);
  REQUIRE(s.has_state(300));
  auto ch = s.apply(awareness::decode_update(unhex(ann_null_hex)).value(), 1);
  CHECK(ch.removed == std::vector<std::uint64_t>{300});
}

TEST_CASE("awareness remove (connection closed) encodes null states at the last clock, which peers apply as removal") {
  awareness::store s;
  (void)s.apply({{300, 4, R"({"x":1})"}}, 0);
  auto removed = s.remove({300, 999});
  CHECK(removed == std::vector<std::uint64_t>{300});
  auto bytes = s.encode(removed);
  auto decoded = awareness::decode_update(bytes).value();
  REQUIRE(decoded.size() == 1);
  CHECK(decoded[0].clock == 4);
  CHECK(decoded[0].state_json == "null");
  awareness::store peer;
  (void)peer.apply({{300, 4, R"({"x":1})"}}, 0);
  CHECK(peer.apply(decoded, 1).removed == std::vector<std::uint64_t>{300});
}

TEST_CASE("awareness expire drops states not renewed within the timeout") {
  awareness::store s;
  (void)s.apply({{1, 1, "{}"}}, 0);
  (void)s.apply({{2, 1, "{}"}}, 20000);
  auto gone = s.expire(31000, 30000);
  CHECK(gone == std::vector<std::uint64_t>{1});
  CHECK(s.has_state(2));
}
