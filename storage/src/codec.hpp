// Key and value layouts of the store (the prose is in storage/FORMAT.md). Keys are
// big-endian so a cursor walks one document in sequence order; values are little-endian
// and start with a CRC32C over (key || rest of value).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crc32c.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::storage::detail {

inline constexpr std::uint8_t meta_record_version = 1;

// ---- keys ----
inline void put_be(std::uint8_t* p, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xFFu);
    v >>= 8;
  }
}
inline std::uint64_t get_be(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
struct id_key {
  std::uint8_t b[8];
  explicit id_key(std::uint64_t id) { put_be(b, id, 8); }
};
struct log_key {
  std::uint8_t b[16];
  log_key(std::uint64_t id, seq_t seq) {
    put_be(b, id, 8);
    put_be(b + 8, seq, 8);
  }
};
struct ver_key {
  std::uint8_t b[12];
  ver_key(std::uint64_t id, std::uint32_t n) {
    put_be(b, id, 8);
    put_be(b + 8, n, 4);
  }
};

// ---- value writer / reader ----
class writer {
 public:
  writer() { buf_.resize(4); }  // room for the CRC
  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u16(std::uint16_t v) { le(v, 2); }
  void u32(std::uint32_t v) { le(v, 4); }
  void u64(std::uint64_t v) { le(v, 8); }
  void i64(std::int64_t v) { le(static_cast<std::uint64_t>(v), 8); }
  void str16(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    raw(s.data(), s.size());
  }
  void blob32(const void* p, std::size_t n) {
    u32(static_cast<std::uint32_t>(n));
    raw(p, n);
  }
  void raw(const void* p, std::size_t n) {
    const auto* c = static_cast<const std::uint8_t*>(p);
    buf_.insert(buf_.end(), c, c + n);
  }
  // Seals the record: CRC32C over key || value[4..].
  std::vector<std::uint8_t>& finish(const void* key, std::size_t key_size) {
    std::uint32_t c = crc32c(0, key, key_size);
    c = crc32c(c, buf_.data() + 4, buf_.size() - 4);
    for (int i = 0; i < 4; ++i) buf_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(c >> (8 * i));
    return buf_;
  }

 private:
  void le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> buf_;
};

// Reads a sealed value; every read is bounds-checked, `ok` turns false on the first
// overrun and stays false.
class reader {
 public:
  reader(const void* p, std::size_t n) : p_(static_cast<const std::uint8_t*>(p)), n_(n) {}
  // Verifies the CRC (needs the key) and positions after it.
  bool verify(const void* key, std::size_t key_size) {
    if (n_ < 4) return ok_ = false;
    std::uint32_t stored = static_cast<std::uint32_t>(le(p_, 4));
    std::uint32_t c = crc32c(0, key, key_size);
    c = crc32c(c, p_ + 4, n_ - 4);
    pos_ = 4;
    if (c != stored) ok_ = false;
    return ok_;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::uint64_t u64() { return take(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(take(8)); }
  std::string str16() {
    std::size_t len = u16();
    if (!ok_ || n_ - pos_ < len) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return s;
  }
  // A u32 length then that many bytes, which must end the record exactly.
  bytes_view blob32_to_end() {
    std::size_t len = u32();
    if (!ok_ || n_ - pos_ != len) {
      ok_ = false;
      return {};
    }
    bytes_view v(p_ + pos_, len);
    pos_ += len;
    return v;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == n_; }

 private:
  static std::uint64_t le(const std::uint8_t* p, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  std::uint64_t take(int n) {
    if (!ok_ || n_ - pos_ < static_cast<std::size_t>(n)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = le(p_ + pos_, n);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t pos_{0};
  bool ok_{true};
};

// ---- records ----
// meta: crc | u8 version | str16 name | str16 kind | str16 title | i64 created |
//       i64 updated | u64 last_seq | u64 snapshot_seq | u64 log_count | u64 log_bytes |
//       u64 snapshot_bytes | u32 version_count | u32 next_version
struct meta_rec {
  doc_info info;
  std::uint32_t next_version{1};
};
inline std::vector<std::uint8_t> encode_meta(const meta_rec& m) {
  id_key k(m.info.id);
  writer w;
  w.u8(meta_record_version);
  w.str16(m.info.name);
  w.str16(m.info.kind);
  w.str16(m.info.title);
  w.i64(m.info.created);
  w.i64(m.info.updated);
  w.u64(m.info.last_seq);
  w.u64(m.info.snapshot_seq);
  w.u64(m.info.log_count);
  w.u64(m.info.log_bytes);
  w.u64(m.info.snapshot_bytes);
  w.u32(m.info.version_count);
  w.u32(m.next_version);
  return std::move(w.finish(k.b, sizeof k.b));
}
inline std::string workspace_of(std::string_view name) {
  auto p = name.find('/');
  return std::string(p == std::string_view::npos ? name : name.substr(0, p));
}
// Returns nullopt on checksum or layout mismatch; `why` says which.
inline std::optional<meta_rec> decode_meta(std::uint64_t id, const void* p, std::size_t n, std::string* why) {
  id_key k(id);
  reader r(p, n);
  if (!r.verify(k.b, sizeof k.b)) {
    *why = "metadata checksum mismatch";
    return std::nullopt;
  }
  meta_rec m;
  if (r.u8() != meta_record_version) {
    *why = "metadata record version unknown";
    return std::nullopt;
  }
  m.info.id = id;
  m.info.name = r.str16();
  m.info.kind = r.str16();
  m.info.title = r.str16();
  m.info.created = r.i64();
  m.info.updated = r.i64();
  m.info.last_seq = r.u64();
  m.info.snapshot_seq = r.u64();
  m.info.log_count = r.u64();
  m.info.log_bytes = r.u64();
  m.info.snapshot_bytes = r.u64();
  m.info.version_count = r.u32();
  m.next_version = r.u32();
  if (!r.ok() || !r.at_end()) {
    *why = "metadata truncated or malformed";
    return std::nullopt;
  }
  m.info.workspace = workspace_of(m.info.name);
  return m;
}

// log: crc | i64 time | u32 len | payload
inline std::vector<std::uint8_t> encode_log(const log_key& k, time_ms t, bytes_view data) {
  writer w;
  w.i64(t);
  w.blob32(data.data(), data.size());
  return std::move(w.finish(k.b, sizeof k.b));
}
struct log_dec {
  time_ms time;
  bytes_view data;
};
inline std::optional<log_dec> decode_log(const void* key, std::size_t key_size, const void* p, std::size_t n,
                                         std::string* why) {
  reader r(p, n);
  if (!r.verify(key, key_size)) {
    *why = "log record checksum mismatch";
    return std::nullopt;
  }
  log_dec d{};
  d.time = r.i64();
  d.data = r.blob32_to_end();
  if (!r.ok()) {
    *why = "log record truncated or malformed";
    return std::nullopt;
  }
  return d;
}

// snapshot: crc | u64 seq | i64 time | u32 len | payload
inline std::vector<std::uint8_t> encode_snap(std::uint64_t id, seq_t seq, time_ms t, bytes_view data) {
  id_key k(id);
  writer w;
  w.u64(seq);
  w.i64(t);
  w.blob32(data.data(), data.size());
  return std::move(w.finish(k.b, sizeof k.b));
}
struct snap_dec {
  seq_t seq;
  time_ms time;
  bytes_view data;
};
inline std::optional<snap_dec> decode_snap(std::uint64_t id, const void* p, std::size_t n, std::string* why) {
  id_key k(id);
  reader r(p, n);
  if (!r.verify(k.b, sizeof k.b)) {
    *why = "snapshot checksum mismatch";
    return std::nullopt;
  }
  snap_dec d{};
  d.seq = r.u64();
  d.time = r.i64();
  d.data = r.blob32_to_end();
  if (!r.ok()) {
    *why = "snapshot truncated or malformed";
    return std::nullopt;
  }
  return d;
}

// version: crc | i64 time | u64 at_seq | str16 label | str16 author | u32 len | state
inline std::vector<std::uint8_t> encode_ver(const ver_key& k, const version_info& v, bytes_view state) {
  writer w;
  w.i64(v.time);
  w.u64(v.at_seq);
  w.str16(v.label);
  w.str16(v.author);
  w.blob32(state.data(), state.size());
  return std::move(w.finish(k.b, sizeof k.b));
}
inline std::optional<version_info> decode_ver(const ver_key& k, const void* p, std::size_t n,
                                              bytes_view* state, std::string* why) {
  reader r(p, n);
  if (!r.verify(k.b, sizeof k.b)) {
    *why = "version checksum mismatch";
    return std::nullopt;
  }
  version_info v;
  v.number = static_cast<std::uint32_t>(get_be(k.b + 8, 4));
  v.time = r.i64();
  v.at_seq = r.u64();
  v.label = r.str16();
  v.author = r.str16();
  bytes_view s = r.blob32_to_end();
  if (!r.ok()) {
    *why = "version truncated or malformed";
    return std::nullopt;
  }
  v.size = s.size();
  if (state) *state = s;
  return v;
}

// kv: crc | payload (key is the user key)
inline std::vector<std::uint8_t> encode_kv(std::string_view key, bytes_view value) {
  writer w;
  w.raw(value.data(), value.size());
  return std::move(w.finish(key.data(), key.size()));
}
inline std::optional<bytes_view> decode_kv(std::string_view key, const void* p, std::size_t n) {
  reader r(p, n);
  if (!r.verify(key.data(), key.size())) return std::nullopt;
  return bytes_view(static_cast<const std::uint8_t*>(p) + 4, n - 4);
}

}  // namespace tandem::storage::detail
