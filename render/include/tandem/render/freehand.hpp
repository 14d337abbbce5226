// Pressure-sensitive freehand outlines: the algorithm of the `perfect-freehand` npm
// package (v1.2.3, which the client draws with), reimplemented so that exported strokes
// have the same shape as on screen. Defaults equal the package's defaults.
#pragma once
#include <array>
#include <vector>

namespace tandem::render {

using vec2 = std::array<double, 2>;

struct freehand_options {
  double size = 16;        // base diameter
  double thinning = 0.5;   // effect of pressure on the radius
  double smoothing = 0.5;  // minimum distance between outline points, as a share of size
  double streamline = 0.5; // interpolation of input points towards the previous point
  bool simulate_pressure = true;
  bool cap_start = true, cap_end = true;
  double taper_start = 0, taper_end = 0;  // distances; 0 = no taper
  bool last = false;  // treat the points as a completed stroke
};

// input: points (x, y, pressure); pressure < 0 or NaN means "not given".
struct input_point {
  double x, y, pressure;
};

// The closed outline polygon, in the package's winding order. Empty for empty input
// or size <= 0.
[[nodiscard]] std::vector<vec2> freehand_outline(const std::vector<input_point>& pts,
                                                 const freehand_options& opt = {});

// The closed outline with points closer than `tolerance` to the simplified shape dropped
// (Ramer-Douglas-Peucker on each half); the endpoints of both halves are kept.
[[nodiscard]] std::vector<vec2> simplify_outline(const std::vector<vec2>& outline, double tolerance);

}  // namespace tandem::render
