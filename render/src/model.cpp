// Small helpers on the render model.
#include "tandem/render/model.hpp"

#include <cstdio>

#include "tandem/render/render.hpp"

namespace tandem::render {

std::string plain_text(const rich_text& t) {
  std::string out;
  for (size_t i = 0; i < t.size(); i++) {
    if (i) out += '\n';
    for (const auto& r : t[i].runs) out += r.text;
  }
  return out;
}

rich_text rich_from_plain(const std::string& s) {
  rich_text t;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    paragraph p;
    std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) p.runs.push_back(rich_run{line});
    t.push_back(std::move(p));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return t;
}

std::string warnings_header_value(const std::vector<std::string>& warnings, size_t max_bytes) {
  std::string out = std::to_string(warnings.size());
  for (size_t i = 0; i < warnings.size(); i++) {
    out += i == 0 ? ": " : "; ";
    for (unsigned char c : warnings[i]) {
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    if (out.size() > max_bytes) break;
  }
  if (out.size() > max_bytes) {
    out.resize(max_bytes > 3 ? max_bytes - 3 : 0);
    // Never cut inside a %XX escape.
    const auto pct = out.rfind('%');
    if (pct != std::string::npos && out.size() - pct < 3) out.resize(pct);
    out += "...";
  }
  return out;
}

}  // namespace tandem::render
