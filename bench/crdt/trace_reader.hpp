// Reader of editing traces in the automerge-perf / editing-traces JSON format
// ({startContent, endContent, txns:[{patches:[[pos, deleted, inserted]]}]}, gzip or plain),
// shared by the crdt benchmark and the conformance trace test. Positions are Unicode code
// points; they are converted here to UTF-16 code units (what Y.Text counts).
#pragma once
#include <zlib.h>

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tandem::trace {

struct patch {
  std::size_t pos = 0;      // UTF-16 units
  std::size_t deleted = 0;  // UTF-16 units
  std::string inserted;     // UTF-8
};
struct txn {
  std::vector<patch> patches;
};
struct editing_trace {
  std::string start_content, end_content;
  std::vector<txn> txns;
  std::size_t patch_count = 0;
};

inline std::string read_maybe_gz(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string raw = ss.str();
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0x1f || static_cast<unsigned char>(raw[1]) != 0x8b) return raw;
  gzFile g = gzopen(path.c_str(), "rb");
  if (g == nullptr) throw std::runtime_error("cannot gzopen " + path);
  std::string out;
  std::vector<char> buf(1 << 16);
  int n = 0;
  while ((n = gzread(g, buf.data(), static_cast<unsigned>(buf.size()))) > 0) out.append(buf.data(), static_cast<std::size_t>(n));
  const bool bad = n < 0;
  gzclose(g);
  if (bad) throw std::runtime_error("gzip error in " + path);
  return out;
}

namespace detail {
// Code points of UTF-8 text as (utf16 length) per code point.
inline void utf8_units(const std::string& s, std::vector<std::uint8_t>& out) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    out.push_back(n == 4 ? 2 : 1);
    i += n;
  }
}
}  // namespace detail

/// Parses the trace. When the text ever holds astral characters, positions are converted from
/// code points to UTF-16 units by replaying the edits on a shadow array of unit widths.
inline editing_trace load(const std::string& path) {
  const std::string text = read_maybe_gz(path);
  boost::json::value v = boost::json::parse(text);
  const auto& o = v.as_object();
  editing_trace t;
  if (const auto* s = o.if_contains("startContent")) t.start_content = std::string(s->as_string());
  if (const auto* s = o.if_contains("endContent")) t.end_content = std::string(s->as_string());
  bool astral = false;
  auto has_astral = [](const std::string& s) {
    for (unsigned char c : s)
      if (c >= 0xf0) return true;
    return false;
  };
  astral = has_astral(t.start_content);
  for (const auto& tx : o.at("txns").as_array()) {
    txn x;
    for (const auto& p : tx.as_object().at("patches").as_array()) {
      const auto& a = p.as_array();
      patch q;
      q.pos = static_cast<std::size_t>(a.at(0).to_number<std::int64_t>());
      q.deleted = static_cast<std::size_t>(a.at(1).to_number<std::int64_t>());
      q.inserted = std::string(a.at(2).as_string());
      astral = astral || has_astral(q.inserted);
      x.patches.push_back(std::move(q));
      ++t.patch_count;
    }
    t.txns.push_back(std::move(x));
  }
  if (astral) {
    std::vector<std::uint8_t> widths;  // UTF-16 width of each code point of the current text
    detail::utf8_units(t.start_content, widths);
    for (auto& x : t.txns) {
      for (auto& q : x.patches) {
        if (q.pos + q.deleted > widths.size()) throw std::runtime_error("trace patch out of range");
        std::size_t upos = 0, udel = 0;
        for (std::size_t i = 0; i < q.pos; ++i) upos += widths[i];
        for (std::size_t i = q.pos; i < q.pos + q.deleted; ++i) udel += widths[i];
        std::vector<std::uint8_t> ins;
        detail::utf8_units(q.inserted, ins);
        widths.erase(widths.begin() + static_cast<std::ptrdiff_t>(q.pos), widths.begin() + static_cast<std::ptrdiff_t>(q.pos + q.deleted));
        widths.insert(widths.begin() + static_cast<std::ptrdiff_t>(q.pos), ins.begin(), ins.end());
        q.pos = upos;
        q.deleted = udel;
      }
    }
  }
  return t;
}

}  // namespace tandem::trace
