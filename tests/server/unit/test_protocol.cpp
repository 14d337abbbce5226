// y-websocket framing: parse/encode against bytes written by y-protocols@1.0.7
// (tests/server/unit/fixtures/gen_protocol_vectors.mjs), and every malformed branch.
#include <doctest/doctest.h>

#include "tandem/server/protocol.hpp"
#include "test_util.hpp"

using namespace tandem::server;
using test::hex;
using test::unhex;
namespace p = protocol;

namespace {
// Returns a copy: the views inside point into the frame, not into the parse result.
template <class T>
T as(const std::variant<p::message, p::parse_error>& r) {
  REQUIRE(std::holds_alternative<p::message>(r));
  const auto& m = std::get<p::message>(r);
  REQUIRE(std::holds_alternative<T>(m));
  return std::get<T>(m);
}
p::parse_error err(const std::variant<p::message, p::parse_error>& r) {
  REQUIRE(std::holds_alternative<p::parse_error>(r));
  return std::get<p::parse_error>(r);
}
}  // namespace

// doc.clientID = 7; doc.getText('t').insert(0, 'hi')
// writeVarUint(e, 0); syncProtocol.writeSyncStep1(e, doc)          -> 000003010702
// writeVarUint(e, 0); syncProtocol.writeSyncStep2(e, doc, [0])     -> 00010c010107000401017402686900
// writeVarUint(e, 0); syncProtocol.writeUpdate(e, encodeStateAsUpdate(doc)) -> 00020c010107000401017402686900
TEST_CASE("sync step1 from y-protocols parses to its state vector and re-encodes identically") {
  auto f = unhex("000003010702");
  const auto s1 = as<p::sync_step1>(p::parse(f));
  CHECK(hex(s1.state_vector) == "010702");
  CHECK(hex(p::encode_sync_step1(unhex("010702"))) == "000003010702");
}

TEST_CASE("sync step2 and update from y-protocols parse to the v1 update") {
  auto f2 = unhex("00010c010107000401017402686900");
  CHECK(hex(as<p::sync_step2>(p::parse(f2)).update) == "010107000401017402686900");
  auto fu = unhex("00020c010107000401017402686900");
  CHECK(hex(as<p::sync_update>(p::parse(fu)).update) == "010107000401017402686900");
  CHECK(hex(p::encode_sync_step2(unhex("010107000401017402686900"))) == "00010c010107000401017402686900");
  CHECK(hex(p::encode_sync_update(unhex("010107000401017402686900"))) == "00020c010107000401017402686900");
}

TEST_CASE("awareness, auth and query-awareness messages match y-protocols' bytes") {
  // writeVarUint(e,1); writeVarUint8Array(e, encodeAwarenessUpdate(aw,[300])) with state {user:{name:'Ann'}}
  auto aw = unhex("011c01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7d");
  CHECK(hex(as<p::awareness_msg>(p::parse(aw)).update) == "01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7d");
  CHECK(hex(p::encode_awareness(unhex("01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7d"))) == hex(aw));
  // writeVarUint(e,2); authProtocol.writePermissionDenied(e,'read-only')
  auto au = unhex("020009726561642d6f6e6c79");
  const auto a = as<p::auth_msg>(p::parse(au));
  CHECK(a.denied);
  CHECK(a.reason == "read-only");
  CHECK(hex(p::encode_auth_denied("read-only")) == "020009726561642d6f6e6c79");
  auto q = unhex("03");
  (void)as<p::query_awareness_msg>(p::parse(q));
  CHECK(hex(p::encode_query_awareness()) == "03");
}

TEST_CASE("an empty frame is malformed") {
  CHECK(err(p::parse("")).kind == p::error_kind::malformed);
}

TEST_CASE("unknown outer message type is reported as unknown_type") {
  auto f = unhex("07");
  CHECK(err(p::parse(f)).kind == p::error_kind::unknown_type);
  auto big = unhex("ff01");  // 255
  CHECK(err(p::parse(big)).kind == p::error_kind::unknown_type);
}

TEST_CASE("unknown sync sub-type is unknown_type with the offset of the sub-type") {
  auto f = unhex("000300");
  auto e = err(p::parse(f));
  CHECK(e.kind == p::error_kind::unknown_type);
  CHECK(e.err.offset == 1);
}

TEST_CASE("unknown auth sub-type is unknown_type") {
  auto f = unhex("0205");
  CHECK(err(p::parse(f)).kind == p::error_kind::unknown_type);
}

TEST_CASE("sync message without its sub-type or payload is malformed") {
  for (const char* h : {"00", "0000", "0002", "0080"}) {
    auto f = unhex(h);
    CHECK(err(p::parse(f)).kind == p::error_kind::malformed);
  }
}

TEST_CASE("a payload length beyond the frame (truncated update) is malformed") {
  auto f = unhex("00020c0101070004");
  auto e = err(p::parse(f));
  CHECK(e.kind == p::error_kind::malformed);
  CHECK(e.err.offset == 2);
}

TEST_CASE("a bad varint in the outer type is malformed") {
  auto f = unhex("80808080808080808080");
  CHECK(err(p::parse(f)).kind == p::error_kind::malformed);
}

TEST_CASE("trailing bytes after a complete message are malformed") {
  for (const char* h : {"00000301070200", "0300", "011c01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7dff", "020009726561642d6f6e6c7900"}) {
    auto f = unhex(h);
    CHECK(err(p::parse(f)).kind == p::error_kind::malformed);
  }
}

TEST_CASE("awareness message without payload, and auth reason that is not UTF-8, are malformed") {
  auto a = unhex("01");
  CHECK(err(p::parse(a)).kind == p::error_kind::malformed);
  auto au = unhex("020002c328");
  CHECK(err(p::parse(au)).kind == p::error_kind::malformed);
  auto au2 = unhex("0200");
  CHECK(err(p::parse(au2)).kind == p::error_kind::malformed);
}

TEST_CASE("the empty update constant is what Y.encodeStateAsUpdate(new Y.Doc()) returns") {
  // node: Buffer.from(Y.encodeStateAsUpdate(new Y.Doc())).toString('hex') -> '0000'
  CHECK(hex(p::empty_update) == "0000");
}
