// lib0 binary encoding (lib0@0.2.120 encoding.js / decoding.js): the primitives of Yjs updates.
// The decoder bounds-checks every read and throws lib0::decode_error carrying the byte offset;
// callers at the public API boundary turn it into crdt::error.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tandem/crdt/any.hpp"
#include "tandem/crdt/result.hpp"

namespace tandem::crdt::lib0 {

constexpr std::uint64_t max_safe_integer = (std::uint64_t{1} << 53) - 1;
constexpr std::size_t max_any_depth = 256;

class decode_error : public std::runtime_error {
 public:
  decode_error(const std::string& what, std::size_t offset) : std::runtime_error(what), offset(offset) {}
  std::size_t offset;
  crdt::error to_error() const { return crdt::error{what(), offset}; }
};

class encoder {
 public:
  void write_u8(std::uint8_t b) { buf_.push_back(b); }
  void write_var_uint(std::uint64_t n) {
    if (n <= 0x7f)
      buf_.push_back(static_cast<std::uint8_t>(n));
    else
      write_var_uint_long(n);
  }
  /// Sign-magnitude varInt (bit 6 of the first byte is the sign). negative_zero writes -0.
  void write_var_int(std::int64_t n, bool negative_zero = false);
  void write_var_string(std::string_view utf8);
  void write_var_uint8_array(bytes_view b);
  void write_raw(bytes_view b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void write_float32(float f);
  void write_float64(double d);
  void write_bigint64(std::int64_t v);
  /// writeAny with JavaScript's tag choice (integer / float32 / float64).
  void write_any(const any& a);

  const bytes& data() const { return buf_; }
  bytes& data() { return buf_; }
  bytes take() { return std::move(buf_); }
  std::size_t size() const { return buf_.size(); }

 private:
  void write_var_uint_long(std::uint64_t n);
  bytes buf_;
};

class decoder {
 public:
  explicit decoder(bytes_view buf) : buf_(buf) {}
  std::uint8_t read_u8() {
    if (pos_ >= buf_.size()) fail("unexpected end of data");
    return buf_[pos_++];
  }
  /// Throws past 2^53 - 1 (JavaScript safe integer) or on a truncated number.
  std::uint64_t read_var_uint() {
    if (pos_ < buf_.size() && buf_[pos_] < 0x80) return buf_[pos_++];
    return read_var_uint_long();
  }
  /// Returns the value; negative_zero (if given) is set when the encoding was -0.
  std::int64_t read_var_int(bool* negative_zero = nullptr);
  std::string read_var_string();
  /// View into the buffer (validated UTF-8).
  std::string_view read_var_string_view();
  bytes read_var_uint8_array();
  bytes_view read_var_uint8_array_view();
  bytes_view read_raw(std::size_t n);
  float read_float32();
  double read_float64();
  std::int64_t read_bigint64();
  any read_any();

  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return buf_.size() - pos_; }
  bool done() const { return pos_ >= buf_.size(); }
  [[noreturn]] void fail(const std::string& what) const { throw decode_error(what, pos_); }
  [[noreturn]] void fail_at(const std::string& what, std::size_t at) const { throw decode_error(what, at); }

 private:
  std::uint64_t read_var_uint_long();
  bytes_view buf_;
  std::size_t pos_ = 0;
};

/// Convenience wrappers returning result instead of throwing.
result<any> decode_any(bytes_view b);
bytes encode_any(const any& a);
/// True when UTF-8 is well formed; utf16_len receives the JavaScript string length.
bool utf8_validate(std::string_view s, std::uint64_t* utf16_len = nullptr);

}  // namespace tandem::crdt::lib0
