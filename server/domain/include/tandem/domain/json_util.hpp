// Small Boost.JSON helpers shared by the domain layer and its CLI commands.
#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace tandem::domain {
// Two-space indented JSON, keys in stored order (for humans; serialize() for machines).
[[nodiscard]] std::string pretty_json(const boost::json::value& v);
}  // namespace tandem::domain
