// Helpers shared by the storage tests: temporary store directories and payload makers.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tandem/storage/store.hpp"

namespace storage_test {

namespace fs = std::filesystem;
using tandem::storage::bytes;

// A fresh directory under $TMPDIR, removed at scope exit.
struct temp_dir {
  fs::path path;
  explicit temp_dir(const char* tag = "store") {
    std::string tmpl = (fs::temp_directory_path() / (std::string("tandem-") + tag + "-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) std::abort();
    path = buf.data();
  }
  ~temp_dir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  fs::path operator/(const char* s) const { return path / s; }
};

// Deterministic payload for (doc index, sequence): verifiable after a crash.
inline bytes payload(std::uint64_t doc, std::uint64_t seq, std::size_t base = 16) {
  std::size_t len = base + static_cast<std::size_t>((seq * 7919 + doc * 31) % 300);
  bytes b(len);
  std::uint64_t x = doc * 0x9E3779B97F4A7C15ull ^ (seq + 1) * 0xBF58476D1CE4E5B9ull;
  for (std::size_t i = 0; i < len; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b[i] = static_cast<std::uint8_t>(x);
  }
  for (int i = 0; i < 8 && static_cast<std::size_t>(i) < len; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seq >> (8 * i));
  return b;
}

inline bytes str_bytes(const std::string& s) {
  return bytes(s.begin(), s.end());
}

inline tandem::storage::options opts_for(const fs::path& p) {
  tandem::storage::options o;
  o.dir = p;
  return o;
}

}  // namespace storage_test

namespace storage_test {
// Payload written by the crash child for (doc index, seq): every 50th update is large
// enough to live on LMDB overflow pages.
inline bytes crash_payload(std::uint64_t doc, std::uint64_t seq) {
  return payload(doc, seq, seq % 50 == 0 ? 5000 : 16);
}
constexpr int crash_docs = 4;
}  // namespace storage_test
