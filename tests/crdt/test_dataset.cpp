// ../shared/data/small-test-dataset.bin: 5,320 randomized yjs cases; every case must give the
// expected text of root `text` and JSON of roots `map` and `array`. The file is read with a
// small reader of our own so that a bug in crdt's lib0 cannot hide a mismatch.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "conformance/harness.hpp"

namespace json = boost::json;
using namespace tandem;

namespace {
struct reader {
  const std::string& b;
  std::size_t pos = 0;
  std::uint8_t u8() {
    if (pos >= b.size()) throw std::runtime_error("dataset truncated");
    return static_cast<std::uint8_t>(b[pos++]);
  }
  std::uint64_t uv() {
    std::uint64_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto c = u8();
      n |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (c < 0x80) return n;
    }
    throw std::runtime_error("dataset varUint too long");
  }
  std::string raw(std::size_t n) {
    if (n > b.size() - pos) throw std::runtime_error("dataset truncated");
    std::string s = b.substr(pos, n);
    pos += n;
    return s;
  }
  std::string str() { return raw(uv()); }
  double be(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | u8();
    if (n == 4) return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(v)));
    return std::bit_cast<double>(v);
  }
  void num(double d, std::string& out) {
    char buf[64];
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0) std::snprintf(buf, sizeof buf, "%.0f", d);
    else if (!std::isfinite(d)) std::snprintf(buf, sizeof buf, "null");
    else std::snprintf(buf, sizeof buf, "%.17g", d);
    out += buf;
  }
  // lib0 any -> JSON text (as JSON.stringify would give; undefined -> null / omitted)
  void any(std::string& out, int depth = 0) {
    if (depth > 100) throw std::runtime_error("dataset any too deep");
    const auto tag = u8();
    switch (tag) {
      case 127: case 126: out += "null"; break;
      case 125: {
        const auto first = u8();
        std::uint64_t m = first & 0x3f;
        int shift = 6;
        auto c = first;
        while (c & 0x80) { c = u8(); m |= static_cast<std::uint64_t>(c & 0x7f) << shift; shift += 7; }
        const double d = static_cast<double>(m);
        num((first & 0x40) ? -d : d, out);
        break;
      }
      case 124: num(be(4), out); break;
      case 123: num(be(8), out); break;
      case 122: out += std::to_string(static_cast<std::int64_t>(be(8))); break;
      case 121: out += "false"; break;
      case 120: out += "true"; break;
      case 119: out += json::serialize(json::value(str())); break;
      case 118: {
        const auto n = uv();
        out += '{';
        bool first = true;
        for (std::uint64_t i = 0; i < n; ++i) {
          const std::string k = str();
          std::string v;
          const auto save = pos;
          const bool undef = u8() == 127;
          pos = save;
          any(v, depth + 1);
          if (undef) continue;
          if (!first) out += ',';
          first = false;
          out += json::serialize(json::value(k)) + ":" + v;
        }
        out += '}';
        break;
      }
      case 117: {
        const auto n = uv();
        out += '[';
        for (std::uint64_t i = 0; i < n; ++i) {
          if (i) out += ',';
          any(out, depth + 1);
        }
        out += ']';
        break;
      }
      case 116: {
        const std::string bin = str();
        out += '{';
        for (std::size_t i = 0; i < bin.size(); ++i) out += (i ? ",\"" : "\"") + std::to_string(i) + "\":" + std::to_string(static_cast<unsigned char>(bin[i]));
        out += '}';
        break;
      }
      default: throw std::runtime_error("dataset: unknown any tag " + std::to_string(tag));
    }
  }
};
}  // namespace

TEST_CASE("crdt conformance: small-test-dataset: all 5,320 cases give yjs's expected text, map and array") {
  const std::string data = conformance::read_file(TANDEM_SHARED_DATA "/small-test-dataset.bin");
  reader r{data};
  const auto count = r.uv();
  CHECK(count == 5320);
  std::size_t bad = 0;
  for (std::uint64_t c = 0; c < count; ++c) {
    const auto n = r.uv();
    std::vector<crdt::bytes> updates;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string u = r.str();
      updates.emplace_back(u.begin(), u.end());
    }
    const std::string text = r.str();
    std::string map_json, array_json;
    r.any(map_json);
    r.any(array_json);
    std::vector<std::string> failures;
    conformance::guarded(failures, "case " + std::to_string(c), [&] {
      crdt::doc d(crdt::doc_options{.client_id = 999999, .gc = true});
      for (std::size_t i = 0; i < updates.size(); ++i) {
        auto res = d.apply_update(updates[i]);
        if (!res) failures.push_back("update " + std::to_string(i) + " rejected: " + res.error().to_string());
      }
      d.check_invariants();
      if (d.get_text("text").to_string() != text) failures.push_back("text differs: got '" + d.get_text("text").to_string().substr(0, 200) + "' want '" + text.substr(0, 200) + "'");
      const auto gm = conformance::canonical_json(d.get_map("map").to_json());
      if (gm != conformance::canonical_json(map_json)) failures.push_back("map differs: got " + gm.substr(0, 300) + " want " + map_json.substr(0, 300));
      const auto ga = conformance::canonical_json(d.get_array("array").to_json());
      if (ga != conformance::canonical_json(array_json)) failures.push_back("array differs: got " + ga.substr(0, 300) + " want " + array_json.substr(0, 300));
    });
    if (!failures.empty() && ++bad <= 10) {
      for (const auto& f : failures) CHECK_MESSAGE(false, "dataset case " << c << ": " << f);
    }
  }
  CHECK_MESSAGE(bad == 0, bad << " of " << count << " dataset cases differ");
}
