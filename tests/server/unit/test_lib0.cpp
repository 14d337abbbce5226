// lib0 varUint/varString decoding: values from lib0's own encoder, and every error branch.
#include <doctest/doctest.h>

#include "tandem/server/lib0.hpp"
#include "test_util.hpp"

using namespace tandem::server;
using test::unhex;

TEST_CASE("lib0 varUint decodes values written by lib0's encoder (2^53-1 and 2^32+5)") {
  // node: encoding.writeVarUint(e, 2**53-1) -> ffffffffffffff0f ; 2**32+5 -> 8580808010
  auto a = unhex("ffffffffffffff0f");
  lib0::decoder d(a);
  auto v = d.read_var_uint();
  REQUIRE(v.ok());
  CHECK(v.value() == (std::uint64_t{1} << 53) - 1);
  CHECK(d.at_end());
  auto b = unhex("8580808010");
  lib0::decoder d2(b);
  CHECK(d2.read_var_uint().value() == (std::uint64_t{1} << 32) + 5);
}

TEST_CASE("lib0 varUint writer produces lib0's bytes") {
  std::string out;
  lib0::write_var_uint(out, (std::uint64_t{1} << 32) + 5);
  CHECK(test::hex(out) == "8580808010");
}

TEST_CASE("lib0 varUint: truncated input is an error at the varint's offset") {
  auto a = unhex("0180");  // 1, then a continuation byte with nothing after it
  lib0::decoder d(a);
  CHECK(d.read_var_uint().value() == 1);
  auto v = d.read_var_uint();
  REQUIRE_FALSE(v.ok());
  CHECK(v.err().offset == 1);
}

TEST_CASE("lib0 varUint: more than 8 bytes or above 2^53-1 is refused") {
  auto a = unhex("ffffffffffffffffff01");
  lib0::decoder d(a);
  CHECK_FALSE(d.read_var_uint().ok());
  auto b = unhex("ffffffffffffff1f");  // 2^54 - 1
  lib0::decoder d2(b);
  CHECK_FALSE(d2.read_var_uint().ok());
}

TEST_CASE("lib0 varUint8Array: a length beyond the buffer is refused") {
  auto a = unhex("05616263");  // claims 5 bytes, has 3
  lib0::decoder d(a);
  auto r = d.read_var_bytes();
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().offset == 0);
}

TEST_CASE("lib0 varString: invalid UTF-8 (lone continuation, overlong, surrogate) is refused") {
  for (const char* h : {"0180", "02c080", "03eda080", "01c3"}) {
    auto a = unhex(h);
    lib0::decoder d(a);
    CHECK_FALSE(d.read_var_string().ok());
  }
  auto ok = unhex("03e282ac");  // U+20AC
  lib0::decoder d(ok);
  CHECK(d.read_var_string().ok());
}
