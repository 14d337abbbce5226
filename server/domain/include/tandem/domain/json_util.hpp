// Small Boost.JSON helpers shared by the domain layer and its CLI commands.
#pragma once
#include <boost/json/value.hpp>
#include <string>

namespace tandem::domain {
// JSON text with doubles written like JavaScript would ("60", "68.333", not "6E1").
// pretty: two-space indentation (for humans); otherwise one line.
[[nodiscard]] std::string write_json(const boost::json::value& v, bool pretty = false);
[[nodiscard]] inline std::string pretty_json(const boost::json::value& v) {
  return write_json(v, true);
}
}  // namespace tandem::domain
