// lib0 primitives: LEB128 varUint, sign-magnitude varInt, strings, floats (big-endian) and the
// `any` encoding with JavaScript's number-class choice.
#include "tandem/crdt/lib0.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace tandem::crdt::lib0 {

void encoder::write_var_uint_long(std::uint64_t n) {
  // Bytes written straight into the buffer (assembling them elsewhere and copying them in makes
  // the copy's wide load wait for the narrow stores).
  const std::size_t k = (static_cast<std::size_t>(std::bit_width(n)) + 6) / 7;  // n > 0x7f: k >= 2
  const std::size_t old = buf_.size();
  buf_.resize(old + k);
  std::uint8_t* p = buf_.data() + old;
  for (std::size_t i = 0; i + 1 < k; ++i) {
    p[i] = static_cast<std::uint8_t>(0x80 | (n & 0x7f));
    n >>= 7;
  }
  p[k - 1] = static_cast<std::uint8_t>(n);
}

void encoder::write_var_int(std::int64_t n, bool negative_zero) {
  bool neg = n < 0 || (n == 0 && negative_zero);
  std::uint64_t m = n < 0 ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
  buf_.push_back(static_cast<std::uint8_t>((m > 0x3f ? 0x80 : 0) | (neg ? 0x40 : 0) | (m & 0x3f)));
  m >>= 6;
  while (m > 0) {
    buf_.push_back(static_cast<std::uint8_t>((m > 0x7f ? 0x80 : 0) | (m & 0x7f)));
    m >>= 7;
  }
}

void encoder::write_var_string(std::string_view s) {
  write_var_uint(s.size());
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void encoder::write_var_uint8_array(bytes_view b) {
  write_var_uint(b.size());
  write_raw(b);
}

void encoder::write_float32(float f) {
  auto u = std::bit_cast<std::uint32_t>(f);
  for (int i = 3; i >= 0; --i) buf_.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

void encoder::write_float64(double d) {
  auto u = std::bit_cast<std::uint64_t>(d);
  for (int i = 7; i >= 0; --i) buf_.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

void encoder::write_bigint64(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) buf_.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

namespace {
void write_number(encoder& e, double d) {
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 2147483647.0) {
    e.write_u8(125);
    e.write_var_int(static_cast<std::int64_t>(d), std::signbit(d));
  } else if (std::isnan(d) || static_cast<double>(static_cast<float>(d)) == d) {
    // NaN: JS `getFloat32(0) === num` is false for NaN, so NaN goes float64.
    if (std::isnan(d)) {
      e.write_u8(123);
      e.write_float64(d);
    } else {
      e.write_u8(124);
      e.write_float32(static_cast<float>(d));
    }
  } else {
    e.write_u8(123);
    e.write_float64(d);
  }
}
}  // namespace

void encoder::write_any(const any& root) {
  // Iterative: explicit stack of (node, next child index).
  struct frame {
    const any* a;
    std::size_t i;
  };
  std::vector<frame> stack;
  auto emit = [&](const any& a) {
    switch (a.type()) {
      case any::kind::undefined: write_u8(127); break;
      case any::kind::null: write_u8(126); break;
      case any::kind::boolean: write_u8(a.as_bool() ? 120 : 121); break;
      case any::kind::number: write_number(*this, a.as_number()); break;
      case any::kind::bigint:
        write_u8(122);
        write_bigint64(a.as_bigint());
        break;
      case any::kind::string:
        write_u8(119);
        write_var_string(a.as_string());
        break;
      case any::kind::binary:
        write_u8(116);
        write_var_uint8_array(a.as_binary());
        break;
      case any::kind::array:
        write_u8(117);
        write_var_uint(a.as_array().size());
        stack.push_back({&a, 0});
        break;
      case any::kind::object:
        write_u8(118);
        write_var_uint(a.as_object().size());
        stack.push_back({&a, 0});
        break;
    }
  };
  emit(root);
  while (!stack.empty()) {
    frame& f = stack.back();
    if (f.a->is_array()) {
      const auto& arr = f.a->as_array();
      if (f.i >= arr.size()) {
        stack.pop_back();
        continue;
      }
      emit(arr[f.i++]);
    } else {
      const auto& obj = f.a->as_object();
      if (f.i >= obj.size()) {
        stack.pop_back();
        continue;
      }
      const auto& kv = obj[f.i++];
      write_var_string(kv.first);
      emit(kv.second);
    }
  }
}

// ---------------------------------------------------------------------------------------------

std::uint64_t decoder::read_var_uint_long() {
  std::size_t start = pos_;
  std::uint64_t num = 0;
  unsigned shift = 0;
  while (true) {
    if (pos_ >= buf_.size()) fail_at("unexpected end of data in varUint", start);
    std::uint8_t r = buf_[pos_++];
    if (shift >= 56) fail_at("varUint out of range", start);
    num |= static_cast<std::uint64_t>(r & 0x7f) << shift;
    shift += 7;
    if (r < 0x80) break;
  }
  if (num > max_safe_integer) fail_at("varUint out of range", start);
  return num;
}

std::int64_t decoder::read_var_int(bool* negative_zero) {
  std::size_t start = pos_;
  if (pos_ >= buf_.size()) fail("unexpected end of data in varInt");
  std::uint8_t r = buf_[pos_++];
  std::uint64_t num = r & 0x3f;
  bool neg = (r & 0x40) != 0;
  unsigned shift = 6;
  while (r & 0x80) {
    if (pos_ >= buf_.size()) fail_at("unexpected end of data in varInt", start);
    r = buf_[pos_++];
    if (shift >= 55) fail_at("varInt out of range", start);
    num |= static_cast<std::uint64_t>(r & 0x7f) << shift;
    shift += 7;
  }
  if (num > max_safe_integer) fail_at("varInt out of range", start);
  if (negative_zero) *negative_zero = neg && num == 0;
  return neg ? -static_cast<std::int64_t>(num) : static_cast<std::int64_t>(num);
}

bytes_view decoder::read_raw(std::size_t n) {
  if (n > remaining()) fail("length exceeds remaining data");
  auto v = buf_.subspan(pos_, n);
  pos_ += n;
  return v;
}

bytes_view decoder::read_var_uint8_array_view() {
  std::size_t start = pos_;
  auto n = read_var_uint();
  if (n > remaining()) fail_at("byte array length exceeds remaining data", start);
  return read_raw(static_cast<std::size_t>(n));
}

bytes decoder::read_var_uint8_array() {
  auto v = read_var_uint8_array_view();
  return bytes(v.begin(), v.end());
}

std::string_view decoder::read_var_string_view() {
  std::size_t start = pos_;
  auto v = read_var_uint8_array_view();
  std::string_view s(reinterpret_cast<const char*>(v.data()), v.size());
  if (!utf8_validate(s)) fail_at("invalid UTF-8 in string", start);
  return s;
}

std::string decoder::read_var_string() { return std::string(read_var_string_view()); }

float decoder::read_float32() {
  auto v = read_raw(4);
  std::uint32_t u = 0;
  for (auto b : v) u = (u << 8) | b;
  return std::bit_cast<float>(u);
}

double decoder::read_float64() {
  auto v = read_raw(8);
  std::uint64_t u = 0;
  for (auto b : v) u = (u << 8) | b;
  return std::bit_cast<double>(u);
}

std::int64_t decoder::read_bigint64() {
  auto v = read_raw(8);
  std::uint64_t u = 0;
  for (auto b : v) u = (u << 8) | b;
  return static_cast<std::int64_t>(u);
}

any decoder::read_any() {
  // Iterative with an explicit stack; depth limited to max_any_depth.
  struct frame {
    any value;
    std::size_t left;
    std::string key;  // pending key for objects
  };
  std::vector<frame> stack;
  while (true) {
    std::size_t at = pos_;
    std::uint8_t tag = read_u8();
    any v;
    bool container = false;
    switch (tag) {
      case 127: break;
      case 126: v = any(nullptr); break;
      case 125: {
        bool nz = false;
        auto n = read_var_int(&nz);
        v = any(nz ? -0.0 : static_cast<double>(n));
        break;
      }
      case 124: v = any(static_cast<double>(read_float32())); break;
      case 123: v = any(read_float64()); break;
      case 122: v = any::bigint(read_bigint64()); break;
      case 121: v = any(false); break;
      case 120: v = any(true); break;
      case 119: v = any(read_var_string()); break;
      case 118:
      case 117: {
        std::size_t cstart = pos_;
        auto n = read_var_uint();
        if (n > remaining()) fail_at("element count exceeds remaining data", cstart);
        if (stack.size() >= max_any_depth) fail_at("any nesting too deep", at);
        if (tag == 118) {
          stack.push_back({any(any::object{}), static_cast<std::size_t>(n), {}});
        } else {
          any::array arr;
          arr.reserve(static_cast<std::size_t>(n));
          stack.push_back({any(std::move(arr)), static_cast<std::size_t>(n), {}});
        }
        container = true;
        break;
      }
      case 116: v = any(read_var_uint8_array()); break;
      default: fail_at(std::string("unknown any tag ").append(std::to_string(tag)), at);
    }
    if (!container) {
      if (stack.empty()) return v;
      frame& f = stack.back();
      if (f.value.is_array()) {
        f.value.as_array().push_back(std::move(v));
      } else {
        any::object_set(f.value.as_object(), std::move(f.key), std::move(v));
      }
      --f.left;
    }
    // Close finished containers, then fetch the key for an object awaiting one.
    while (true) {
      frame& f = stack.back();
      if (f.left == 0) {
        any done = std::move(f.value);
        stack.pop_back();
        if (stack.empty()) return done;
        frame& p = stack.back();
        if (p.value.is_array()) {
          p.value.as_array().push_back(std::move(done));
        } else {
          any::object_set(p.value.as_object(), std::move(p.key), std::move(done));
        }
        --p.left;
        continue;
      }
      if (f.value.is_object()) f.key = read_var_string();
      break;
    }
  }
}

result<any> decode_any(bytes_view b) {
  try {
    decoder d(b);
    return d.read_any();
  } catch (const decode_error& e) {
    return e.to_error();
  }
}

bytes encode_any(const any& a) {
  encoder e;
  e.write_any(a);
  return e.take();
}

bool utf8_validate(std::string_view s, std::uint64_t* utf16_len) {
  std::uint64_t n16 = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0, n = s.size();
  while (i < n) {
    unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      ++n16;
      // fast path for ASCII runs
      while (i + 8 <= n) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
        n16 += 8;
      }
      continue;
    }
    std::size_t len;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned cc = p[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return false;
    if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) return false;
    n16 += len == 4 ? 2 : 1;
    i += len;
  }
  if (utf16_len) *utf16_len = n16;
  return true;
}

}  // namespace tandem::crdt::lib0
