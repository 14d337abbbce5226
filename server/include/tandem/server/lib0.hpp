// Minimal lib0 encoding (varUint, varString, varUint8Array) as y-protocols uses it on the wire.
// The decoder is bounds-checked: every read returns an error with the offset instead of throwing.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "tandem/server/result.hpp"

namespace tandem::server::lib0 {

using bytes_view = std::string_view;  // raw bytes; std::string is our byte buffer

// lib0 numbers are JavaScript numbers: varUints above 2^53 - 1 cannot round-trip, refuse them.
inline constexpr std::uint64_t max_safe_integer = (std::uint64_t{1} << 53) - 1;

class decoder {
 public:
  explicit decoder(bytes_view data) : data_(data) {}
  [[nodiscard]] result<std::uint64_t> read_var_uint();
  // Reads a varUint length and that many bytes; the view points into the input.
  [[nodiscard]] result<bytes_view> read_var_bytes();
  // Like read_var_bytes but also checks the bytes are valid UTF-8.
  [[nodiscard]] result<bytes_view> read_var_string();
  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == data_.size(); }

 private:
  bytes_view data_;
  std::size_t pos_ = 0;
};

void write_var_uint(std::string& out, std::uint64_t v);
void write_var_bytes(std::string& out, bytes_view bytes);
inline void write_var_string(std::string& out, std::string_view s) { write_var_bytes(out, s); }

[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

}  // namespace tandem::server::lib0
