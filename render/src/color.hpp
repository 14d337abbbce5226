// CSS colour parsing for element strokes, fills and text runs.
#pragma once
#include <optional>
#include <string_view>

namespace tandem::render {

struct rgba {
  double r = 0, g = 0, b = 0, a = 1;
};

// #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba(), and common CSS names. "none" and
// "transparent" parse to alpha 0. nullopt for anything else.
[[nodiscard]] std::optional<rgba> parse_color(std::string_view css);

}  // namespace tandem::render
