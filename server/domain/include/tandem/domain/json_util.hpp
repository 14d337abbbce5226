// Small Boost.JSON helpers shared by the domain layer and its CLI commands.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "tandem/domain/error.hpp"

namespace tandem::domain {
// JSON text with doubles written like JavaScript would ("60", "68.333", not "6E1").
// pretty: two-space indentation (for humans); otherwise one line.
[[nodiscard]] std::string write_json(const boost::json::value& v, bool pretty = false);
[[nodiscard]] inline std::string pretty_json(const boost::json::value& v) {
  return write_json(v, true);
}
// The string field `key` of a request object: missing or null gives "" (or an error naming
// `where` when required); a non-string or one longer than `max` bytes is an error.
[[nodiscard]] result<std::string> string_field(const boost::json::object& o, std::string_view key, bool required,
                                               std::size_t max, const std::string& where);
}  // namespace tandem::domain
