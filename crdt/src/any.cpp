// `any` values: JavaScript object key order, JSON.stringify and JSON.parse equivalents.
#include <charconv>
#include <cmath>
#include <cstring>

#include "tandem/crdt/any.hpp"
#include "tandem/crdt/lib0.hpp"
#include "internal.hpp"

namespace tandem::crdt {

namespace {
// Canonical array index: "0" or [1-9][0-9]* below 2^32 - 1 (JS puts these keys first).
bool index_key(std::string_view k, std::uint64_t* out) {
  if (k.empty() || k.size() > 10) return false;
  if (k.size() > 1 && k[0] == '0') return false;
  std::uint64_t v = 0;
  for (char c : k) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v >= 4294967295ull) return false;
  *out = v;
  return true;
}
}  // namespace

void any::object_set(object& o, std::string key, any value) {
  for (auto& kv : o) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  }
  std::uint64_t idx = 0;
  if (index_key(key, &idx)) {
    std::size_t pos = 0;
    std::uint64_t other = 0;
    while (pos < o.size() && index_key(o[pos].first, &other) && other < idx) ++pos;
    o.insert(o.begin() + static_cast<std::ptrdiff_t>(pos), {std::move(key), std::move(value)});
    return;
  }
  o.emplace_back(std::move(key), std::move(value));
}

any::any(object o) {
  bool plain = true;
  std::uint64_t tmp = 0;
  for (std::size_t i = 0; i < o.size() && plain; ++i) {
    if (index_key(o[i].first, &tmp)) plain = false;
    for (std::size_t j = 0; j < i && plain; ++j)
      if (o[j].first == o[i].first) plain = false;
  }
  if (plain) {
    v_ = std::move(o);
    return;
  }
  object n;
  for (auto& kv : o) object_set(n, std::move(kv.first), std::move(kv.second));
  v_ = std::move(n);
}

const any* any::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& kv : as_object())
    if (kv.first == key) return &kv.second;
  return nullptr;
}

std::string js_number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out;
  if (s[0] == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  auto epos = s.find('e');
  std::string digits;
  for (char c : s.substr(0, epos))
    if (c != '.') digits.push_back(c);
  int exp = std::atoi(std::string(s.substr(epos + 1)).c_str());
  int k = static_cast<int>(digits.size());
  int n = exp + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

void json_quote(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void any::to_json(std::string& out) const {
  switch (type()) {
    case kind::undefined: out += "null"; break;  // only reached inside arrays
    case kind::null: out += "null"; break;
    case kind::boolean: out += as_bool() ? "true" : "false"; break;
    case kind::number: {
      double d = as_number();
      if (!std::isfinite(d))
        out += "null";
      else
        out += js_number_to_string(d);
      break;
    }
    case kind::bigint: out += std::to_string(as_bigint()); break;
    case kind::string: json_quote(as_string(), out); break;
    case kind::binary: {
      out.push_back('{');
      const auto& b = as_binary();
      for (std::size_t i = 0; i < b.size(); ++i) {
        if (i) out.push_back(',');
        out += detail::str_cat("\"", std::to_string(i), "\":", std::to_string(b[i]));
      }
      out.push_back('}');
      break;
    }
    case kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : as_array()) {
        if (!first) out.push_back(',');
        first = false;
        e.to_json(out);
      }
      out.push_back(']');
      break;
    }
    case kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : as_object()) {
        if (kv.second.is_undefined()) continue;
        if (!first) out.push_back(',');
        first = false;
        json_quote(kv.first, out);
        out.push_back(':');
        kv.second.to_json(out);
      }
      out.push_back('}');
      break;
    }
  }
}

std::string any::to_json() const {
  if (is_undefined()) return "undefined";
  std::string out;
  to_json(out);
  return out;
}

namespace {
struct json_parser {
  std::string_view s;
  std::size_t i = 0;
  [[noreturn]] void fail(const char* what) { throw lib0::decode_error(std::string("invalid JSON: ") + what, i); }
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  static void put_utf8(std::string& o, std::uint32_t cp) {
    if (cp < 0x80) {
      o.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      o.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      o.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      o.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      o.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      o.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      o.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      o.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      o.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      o.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  std::uint32_t hex4() {
    if (i + 4 > s.size()) fail("truncated escape");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s[i++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        fail("bad escape");
    }
    return v;
  }
  std::string str() {
    ++i;  // opening quote
    std::string o;
    while (true) {
      if (i >= s.size()) fail("unterminated string");
      char c = s[i++];
      if (c == '"') return o;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        o.push_back(c);
        continue;
      }
      if (i >= s.size()) fail("unterminated string");
      char e = s[i++];
      switch (e) {
        case '"': o.push_back('"'); break;
        case '\\': o.push_back('\\'); break;
        case '/': o.push_back('/'); break;
        case 'b': o.push_back('\b'); break;
        case 'f': o.push_back('\f'); break;
        case 'n': o.push_back('\n'); break;
        case 'r': o.push_back('\r'); break;
        case 't': o.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
            std::size_t save = i;
            i += 2;
            std::uint32_t lo = hex4();
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else {
              i = save;
              cp = 0xfffd;
            }
          } else if (cp >= 0xd800 && cp <= 0xdfff) {
            cp = 0xfffd;  // lone surrogate: becomes U+FFFD once UTF-8 encoded, as in JS
          }
          put_utf8(o, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  any number() {
    std::size_t st = i;
    if (s[i] == '-') ++i;
    if (i >= s.size()) fail("bad number");
    if (s[i] == '0') {
      ++i;
    } else if (s[i] >= '1' && s[i] <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    } else {
      fail("bad number");
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') fail("bad number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') fail("bad number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    double d = 0;
    auto r = std::from_chars(s.data() + st, s.data() + i, d);
    if (r.ec == std::errc::result_out_of_range) {
      // from_chars reports overflow/underflow; JS gives +-Infinity or 0.
      d = std::strtod(std::string(s.substr(st, i - st)).c_str(), nullptr);
    }
    return any(d);
  }
  bool lit(const char* w) {
    auto n = std::strlen(w);
    if (s.substr(i, n) == w) {
      i += n;
      return true;
    }
    return false;
  }
  any value(std::size_t depth) {
    if (depth > lib0::max_any_depth) fail("nesting too deep");
    ws();
    if (i >= s.size()) fail("unexpected end");
    char c = s[i];
    if (c == '{') {
      ++i;
      any::object o;
      ws();
      if (i < s.size() && s[i] == '}') {
        ++i;
        return any(std::move(o));
      }
      while (true) {
        ws();
        if (i >= s.size() || s[i] != '"') fail("expected key");
        std::string k = str();
        ws();
        if (i >= s.size() || s[i] != ':') fail("expected ':'");
        ++i;
        any v = value(depth + 1);
        any::object_set(o, std::move(k), std::move(v));
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == '}') {
          ++i;
          return any(std::move(o));
        }
        fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++i;
      any::array a;
      ws();
      if (i < s.size() && s[i] == ']') {
        ++i;
        return any(std::move(a));
      }
      while (true) {
        a.push_back(value(depth + 1));
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == ']') {
          ++i;
          return any(std::move(a));
        }
        fail("expected ',' or ']'");
      }
    }
    if (c == '"') return any(str());
    if (lit("true")) return any(true);
    if (lit("false")) return any(false);
    if (lit("null")) return any(nullptr);
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    fail("unexpected character");
  }
};
}  // namespace

result<any> any::parse_json(std::string_view text) {
  try {
    json_parser p{text};
    any v = p.value(0);
    p.ws();
    if (p.i != text.size()) p.fail("trailing characters");
    return v;
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
}

}  // namespace tandem::crdt
