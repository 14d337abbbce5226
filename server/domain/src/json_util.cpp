// JSON writer over Boost.JSON values with JavaScript-like number formatting.
#include "tandem/domain/json_util.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tandem::domain {

namespace {

std::string number(double d) {
  if (!std::isfinite(d)) return "null";  // JSON has no NaN/Infinity (JSON.stringify writes null)
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  // Shortest precision that reads back exactly.
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

void write(const boost::json::value& v, std::string& out, bool pretty, int indent) {
  auto newline = [&](int n) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(n) * 2, ' ');
  };
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ',';
        first = false;
        newline(indent + 1);
        out += boost::json::serialize(boost::json::value(kv.key()));
        out += pretty ? ": " : ":";
        write(kv.value(), out, pretty, indent + 1);
      }
      newline(indent);
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(indent + 1);
        write(a[i], out, pretty, indent + 1);
      }
      newline(indent);
      out += ']';
      return;
    }
    case boost::json::kind::double_:
      out += number(v.get_double());
      return;
    default:
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string write_json(const boost::json::value& v, bool pretty) {
  std::string out;
  write(v, out, pretty, 0);
  return out;
}

result<std::string> string_field(const boost::json::object& o, std::string_view key, bool required,
                                 std::size_t max, const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) {
    if (required) return error{where + ": missing \"" + std::string(key) + "\""};
    return std::string();
  }
  if (!it->value().is_string()) return error{where + ": \"" + std::string(key) + "\" must be a string"};
  if (it->value().get_string().size() > max)
    return error{where + ": \"" + std::string(key) + "\" is longer than " + std::to_string(max) + " bytes"};
  return std::string(it->value().get_string());
}

}  // namespace tandem::domain
