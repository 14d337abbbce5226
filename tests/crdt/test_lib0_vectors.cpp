// lib0 primitives against vectors written by the real lib0@0.2.120
// (tests/js/conformance/gen_lib0_vectors.mjs -> fixtures/lib0_vectors.json).
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "conformance/harness.hpp"

namespace json = boost::json;
using namespace tandem;
using conformance::from_hex;
using conformance::to_hex;

namespace {
const json::object& fixture() {
  static const json::value v = json::parse(conformance::read_file(TANDEM_SOURCE_DIR "/tests/crdt/fixtures/lib0_vectors.json"));
  return v.as_object();
}

// JavaScript string (UTF-16 units) -> UTF-8 as TextEncoder writes it (lone surrogates -> U+FFFD).
std::string utf16_to_utf8(const json::array& units) {
  std::string out;
  auto put = [&](std::uint32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xc0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
    else if (cp < 0x10000) { out += static_cast<char>(0xe0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
    else { out += static_cast<char>(0xf0 | (cp >> 18)); out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
  };
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto u = static_cast<std::uint32_t>(units[i].to_number<std::int64_t>());
    if (u >= 0xd800 && u < 0xdc00 && i + 1 < units.size()) {
      const auto l = static_cast<std::uint32_t>(units[i + 1].to_number<std::int64_t>());
      if (l >= 0xdc00 && l < 0xe000) { put(0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00)); ++i; continue; }
    }
    put(u >= 0xd800 && u < 0xe000 ? 0xfffd : u);
  }
  return out;
}

double number_of(const json::object& d) { return std::bit_cast<double>(std::stoull(std::string(d.at("bits").as_string()), nullptr, 16)); }

crdt::any build(const json::object& d) {
  const auto t = d.at("t").as_string();
  if (t == "undefined") return crdt::any::undefined();
  if (t == "null") return crdt::any(nullptr);
  if (t == "bool") return crdt::any(d.at("v").as_bool());
  if (t == "number") return crdt::any(number_of(d));
  if (t == "bigint") return crdt::any::bigint(std::stoll(std::string(d.at("v").as_string())));
  if (t == "string") return crdt::any(utf16_to_utf8(d.at("u16").as_array()));
  if (t == "bytes") return crdt::any(from_hex(d.at("hex").as_string()));
  if (t == "array") {
    crdt::any::array a;
    for (const auto& e : d.at("items").as_array()) a.push_back(build(e.as_object()));
    return crdt::any(std::move(a));
  }
  crdt::any::object o;
  for (const auto& e : d.at("entries").as_array()) o.emplace_back(utf16_to_utf8(e.as_array()[0].as_array()), build(e.as_array()[1].as_object()));
  return crdt::any(std::move(o));
}

bool has_nan(const crdt::any& a) {
  if (a.is_number()) return std::isnan(a.as_number());
  if (a.is_array()) for (const auto& e : a.as_array()) if (has_nan(e)) return true;
  if (a.is_object()) for (const auto& e : a.as_object()) if (has_nan(e.second)) return true;
  return false;
}
}  // namespace

TEST_CASE("crdt conformance: lib0 encoders write the bytes lib0 writes for every vector") {
  std::size_t n = 0;
  for (const auto& v : fixture().at("vectors").as_array()) {
    const auto& o = v.as_object();
    const std::string kind(o.at("kind").as_string());
    const auto& val = o.at("value").as_object();
    const std::string want(o.at("hex").as_string());
    crdt::lib0::encoder e;
    if (kind == "varUint") e.write_var_uint(static_cast<std::uint64_t>(number_of(val)));
    else if (kind == "varInt") {
      const double d = number_of(val);
      e.write_var_int(static_cast<std::int64_t>(d), d == 0 && std::signbit(d));
    } else if (kind == "varString") e.write_var_string(build(val).as_string());
    else if (kind == "varUint8Array") e.write_var_uint8_array(build(val).as_binary());
    else if (kind == "float32") e.write_float32(static_cast<float>(number_of(val)));
    else if (kind == "float64") e.write_float64(number_of(val));
    else if (kind == "bigint64") e.write_bigint64(build(val).as_bigint());
    else if (kind == "any") e.write_any(build(val));
    else FAIL("unknown vector kind " << kind);
    INFO(kind << " " << json::serialize(val).substr(0, 200));
    CHECK(to_hex(e.data()) == want);
    ++n;
  }
  CHECK(n > 150);
}

TEST_CASE("crdt conformance: lib0 decoders read back the value lib0 encoded and consume every byte") {
  for (const auto& v : fixture().at("vectors").as_array()) {
    const auto& o = v.as_object();
    const std::string kind(o.at("kind").as_string());
    const auto& val = (o.contains("decoded") ? o.at("decoded") : o.at("value")).as_object();
    const crdt::bytes b = from_hex(o.at("hex").as_string());
    INFO(kind << " " << o.at("hex").as_string().subview(0, 120));
    crdt::lib0::decoder d(b);
    try {
      if (kind == "varUint") CHECK(d.read_var_uint() == static_cast<std::uint64_t>(number_of(val)));
      else if (kind == "varInt") {
        bool negz = false;
        const double want = number_of(val);
        CHECK(d.read_var_int(&negz) == static_cast<std::int64_t>(want));
        CHECK(negz == (want == 0 && std::signbit(want)));
      } else if (kind == "varString") CHECK(d.read_var_string() == build(val).as_string());
      else if (kind == "varUint8Array") CHECK(d.read_var_uint8_array() == build(val).as_binary());
      else if (kind == "float32") {
        const float f = d.read_float32();
        const double want = number_of(val);
        CHECK((std::isnan(want) ? std::isnan(f) : std::bit_cast<std::uint64_t>(static_cast<double>(f)) == std::bit_cast<std::uint64_t>(want)));
      } else if (kind == "float64") {
        const double f = d.read_float64();
        const double want = number_of(val);
        CHECK((std::isnan(want) ? std::isnan(f) : std::bit_cast<std::uint64_t>(f) == std::bit_cast<std::uint64_t>(want)));
      } else if (kind == "bigint64") CHECK(d.read_bigint64() == build(val).as_bigint());
      else if (kind == "any") {
        const crdt::any got = d.read_any();
        const crdt::any want = build(val);
        if (has_nan(want)) CHECK(has_nan(got));
        else CHECK(got == want);
        // the decoded value encodes to the same bytes again (tag choice is stable)
        CHECK(to_hex(crdt::lib0::encode_any(got)) == o.at("hex").as_string());
      }
      CHECK(d.done());
    } catch (const std::exception& e) {
      FAIL("decoder threw: " << e.what());
    }
  }
}

TEST_CASE("crdt conformance: lib0 decoders reject malformed input with an offset instead of crashing") {
  std::size_t n = 0;
  for (const auto& v : fixture().at("malformed").as_array()) {
    const auto& o = v.as_object();
    const std::string kind(o.at("kind").as_string());
    const crdt::bytes b = from_hex(o.at("hex").as_string());
    INFO(kind << " " << o.at("hex").as_string());
    if (kind == "any") {
      auto r = crdt::lib0::decode_any(b);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().offset <= b.size());
      CHECK_FALSE(r.error().message.empty());
      ++n;
      continue;
    }
    crdt::lib0::decoder d(b);
    bool threw = false;
    try {
      if (kind == "varUint") (void)d.read_var_uint();
      else if (kind == "varInt") (void)d.read_var_int();
      else if (kind == "varString") (void)d.read_var_string();
      else if (kind == "varUint8Array") (void)d.read_var_uint8_array();
      else if (kind == "float32") (void)d.read_float32();
      else if (kind == "float64") (void)d.read_float64();
      else if (kind == "bigint64") (void)d.read_bigint64();
    } catch (const crdt::lib0::decode_error& e) {
      threw = true;
      CHECK(e.offset <= b.size());
    }
    CHECK(threw);
    ++n;
  }
  CHECK(n >= 15);
}

TEST_CASE("crdt conformance: lib0 varUint decoder refuses values past 2^53 and 11-byte encodings") {
  const crdt::bytes past53 = from_hex("8080808080808080807f");  // well past 2^53
  crdt::lib0::decoder d1(past53);
  CHECK_THROWS_AS((void)d1.read_var_uint(), crdt::lib0::decode_error);
  const crdt::bytes eleven = from_hex("ffffffffffffffffffff01");
  crdt::lib0::decoder d2(eleven);
  CHECK_THROWS_AS((void)d2.read_var_uint(), crdt::lib0::decode_error);
  const crdt::bytes max = from_hex("ffffffffffffff0f");  // 2^53 - 1, accepted
  crdt::lib0::decoder d3(max);
  CHECK(d3.read_var_uint() == crdt::lib0::max_safe_integer);
}
