// Small helpers on the render model.
#include "tandem/render/model.hpp"

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

}  // namespace tandem::render
