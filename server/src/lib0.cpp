// lib0 varUint / varString / varUint8Array, bounds-checked.
#include "tandem/server/lib0.hpp"

namespace tandem::server::lib0 {

result<std::uint64_t> decoder::read_var_uint() {
  std::uint64_t value = 0;
  unsigned shift = 0;
  const std::size_t start = pos_;
  while (true) {
    if (pos_ >= data_.size()) return error{"unexpected end of buffer in varUint", start};
    const auto byte = static_cast<std::uint8_t>(data_[pos_++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
    if (shift > 49) return error{"varUint longer than 8 bytes", start};
  }
  if (value > max_safe_integer) return error{"varUint above 2^53-1", start};
  return value;
}

result<bytes_view> decoder::read_var_bytes() {
  const std::size_t start = pos_;
  auto len = read_var_uint();
  if (!len) return len.err();
  if (len.value() > remaining()) return error{"length prefix exceeds remaining bytes", start};
  const auto n = static_cast<std::size_t>(len.value());
  bytes_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

result<bytes_view> decoder::read_var_string() {
  const std::size_t start = pos_;
  auto s = read_var_bytes();
  if (!s) return s;
  if (!valid_utf8(s.value())) return error{"string is not valid UTF-8", start};
  return s;
}

void write_var_uint(std::string& out, std::uint64_t v) {
  while (v > 0x7f) {
    out.push_back(static_cast<char>(0x80 | (v & 0x7f)));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void write_var_bytes(std::string& out, bytes_view bytes) {
  write_var_uint(out, bytes.size());
  out.append(bytes);
}

bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c < 0x80) { ++i; continue; }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1fu; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0fu; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07u; }
    else return false;
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<std::uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;  // overlong
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace tandem::server::lib0
