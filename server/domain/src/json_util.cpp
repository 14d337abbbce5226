// Pretty printer over Boost.JSON values.
#include "tandem/domain/json_util.hpp"

#include <boost/json.hpp>

namespace tandem::domain {

namespace {
void pretty(const boost::json::value& v, std::string& out, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      pad(indent + 1);
      out += boost::json::serialize(boost::json::value(kv.key()));
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i) out += ",\n";
      pad(indent + 1);
      pretty(a[i], out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "]";
  } else {
    out += boost::json::serialize(v);
  }
}
}  // namespace

std::string pretty_json(const boost::json::value& v) {
  std::string out;
  pretty(v, out, 0);
  return out;
}

}  // namespace tandem::domain
