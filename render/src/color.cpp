// CSS colour parsing: the subset a whiteboard client writes (hex, rgb(a), names).
#include "color.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <utility>

namespace tandem::render {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower_trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::array<std::pair<std::string_view, unsigned>, 20> names{{
    {"black", 0x000000}, {"white", 0xffffff}, {"red", 0xff0000},    {"green", 0x008000},
    {"blue", 0x0000ff},  {"yellow", 0xffff00}, {"orange", 0xffa500}, {"purple", 0x800080},
    {"gray", 0x808080},  {"grey", 0x808080},   {"pink", 0xffc0cb},   {"brown", 0xa52a2a},
    {"cyan", 0x00ffff},  {"magenta", 0xff00ff}, {"lime", 0x00ff00},  {"navy", 0x000080},
    {"teal", 0x008080},  {"silver", 0xc0c0c0}, {"maroon", 0x800000}, {"olive", 0x808000},
}};

}  // namespace

std::optional<rgba> parse_color(std::string_view css) {
  std::string s = lower_trim(css);
  if (s.empty()) return std::nullopt;
  if (s == "none" || s == "transparent") return rgba{0, 0, 0, 0};
  if (s[0] == '#') {
    std::string_view h(s);
    h.remove_prefix(1);
    for (char c : h)
      if (hex(c) < 0) return std::nullopt;
    if (h.size() == 3 || h.size() == 4) {
      rgba c{hex(h[0]) / 15.0, hex(h[1]) / 15.0, hex(h[2]) / 15.0, 1};
      if (h.size() == 4) c.a = hex(h[3]) / 15.0;
      return c;
    }
    if (h.size() == 6 || h.size() == 8) {
      auto byte = [&](size_t i) { return (hex(h[i]) * 16 + hex(h[i + 1])) / 255.0; };
      rgba c{byte(0), byte(2), byte(4), 1};
      if (h.size() == 8) c.a = byte(6);
      return c;
    }
    return std::nullopt;
  }
  if (s.rfind("rgb", 0) == 0) {
    auto open = s.find('('), close = s.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
    std::string body = s.substr(open + 1, close - open - 1);
    for (auto& c : body)
      if (c == ',' || c == '/') c = ' ';
    std::array<double, 4> v{0, 0, 0, 1};
    size_t n = 0, i = 0;
    while (i < body.size() && n < 4) {
      while (i < body.size() && body[i] == ' ') i++;
      if (i >= body.size()) break;
      size_t j = i;
      while (j < body.size() && body[j] != ' ') j++;
      std::string tok = body.substr(i, j - i);
      bool pct = !tok.empty() && tok.back() == '%';
      if (pct) tok.pop_back();
      double d = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), d);
      if (ec != std::errc() || p != tok.data() + tok.size()) return std::nullopt;
      if (n < 3) v[n] = pct ? d / 100.0 : d / 255.0;
      else v[n] = pct ? d / 100.0 : d;
      n++;
      i = j;
    }
    if (n < 3) return std::nullopt;
    for (auto& x : v) x = x < 0 ? 0 : (x > 1 ? 1 : x);
    return rgba{v[0], v[1], v[2], v[3]};
  }
  for (const auto& [name, val] : names)
    if (name == s) return rgba{((val >> 16) & 0xff) / 255.0, ((val >> 8) & 0xff) / 255.0, (val & 0xff) / 255.0, 1};
  return std::nullopt;
}

}  // namespace tandem::render
