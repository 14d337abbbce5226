// perfect-freehand's outline algorithm (getStrokePoints + getStrokeOutlinePoints), written
// from the package's documented behaviour. Floating-point steps (t += step loops) follow
// the same order of operations so that the number of cap segments matches exactly.
#include "tandem/render/freehand.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace tandem::render {
namespace {

constexpr double rate_of_pressure_change = 0.275;
const double fixed_pi = M_PI + 0.0001;  // the package's offset to dodge renderer artefacts
constexpr int start_cap_segments = 13;
constexpr int end_cap_segments = 29;
constexpr int corner_cap_segments = 13;
constexpr double end_noise_threshold = 3;
constexpr double min_streamline_t = 0.15;
constexpr double streamline_t_range = 0.85;
constexpr double min_radius = 0.01;
constexpr double default_first_pressure = 0.25;
constexpr double default_pressure = 0.5;

vec2 add(vec2 a, vec2 b) { return {a[0] + b[0], a[1] + b[1]}; }
vec2 sub(vec2 a, vec2 b) { return {a[0] - b[0], a[1] - b[1]}; }
vec2 mul(vec2 a, double n) { return {a[0] * n, a[1] * n}; }
vec2 neg(vec2 a) { return {-a[0], -a[1]}; }
vec2 per(vec2 a) { return {a[1], -a[0]}; }
double dpr(vec2 a, vec2 b) { return a[0] * b[0] + a[1] * b[1]; }
double len(vec2 a) { return std::hypot(a[0], a[1]); }
vec2 uni(vec2 a) {
  double l = len(a);
  return {a[0] / l, a[1] / l};
}
double dist(vec2 a, vec2 b) { return std::hypot(a[1] - b[1], a[0] - b[0]); }
double dist2(vec2 a, vec2 b) {
  double dx = a[0] - b[0], dy = a[1] - b[1];
  return dx * dx + dy * dy;
}
vec2 lrp(vec2 a, vec2 b, double t) { return add(a, mul(sub(b, a), t)); }
vec2 prj(vec2 a, vec2 b, double c) { return add(a, mul(b, c)); }
vec2 rot_around(vec2 a, vec2 c, double r) {
  double s = std::sin(r), co = std::cos(r);
  double px = a[0] - c[0], py = a[1] - c[1];
  return {px * co - py * s + c[0], px * s + py * co + c[1]};
}

bool valid_pressure(double p) { return p >= 0; }  // false for NaN too

struct stroke_point {
  vec2 point;
  double pressure;
  vec2 vector;
  double distance;
  double running_length;
};

double simulate_pressure(double prev, double distance, double size) {
  double sp = std::min(1.0, distance / size);
  double rp = std::min(1.0, 1 - sp);
  return std::min(1.0, prev + (rp - prev) * (sp * rate_of_pressure_change));
}

double stroke_radius(double size, double thinning, double pressure) {
  return size * (0.5 - thinning * (0.5 - pressure));  // identity easing
}

std::vector<stroke_point> stroke_points(const std::vector<input_point>& in, const freehand_options& o) {
  std::vector<stroke_point> out;
  if (in.empty()) return out;
  const double t = min_streamline_t + (1 - o.streamline) * streamline_t_range;
  std::vector<input_point> pts = in;
  if (pts.size() == 2) {
    // Extra points between the two avoid "dash" lines; interpolation drops pressure.
    input_point last = pts[1];
    pts.pop_back();
    for (int i = 1; i < 5; i++) {
      vec2 p = lrp({pts[0].x, pts[0].y}, {last.x, last.y}, i / 4.0);
      pts.push_back({p[0], p[1], -1});
    }
  }
  if (pts.size() == 1) pts.push_back({pts[0].x + 1, pts[0].y + 1, pts[0].pressure});

  out.push_back({{pts[0].x, pts[0].y},
                 valid_pressure(pts[0].pressure) ? pts[0].pressure : default_first_pressure,
                 {1, 1},
                 0,
                 0});
  bool reached_min_length = false;
  double running_length = 0;
  stroke_point prev = out[0];
  const size_t max = pts.size() - 1;
  for (size_t i = 1; i < pts.size(); i++) {
    vec2 point = (o.last && i == max) ? vec2{pts[i].x, pts[i].y} : lrp(prev.point, {pts[i].x, pts[i].y}, t);
    if (point == prev.point) continue;
    double distance = dist(point, prev.point);
    running_length += distance;
    if (i < max && !reached_min_length) {
      if (running_length < o.size) continue;
      reached_min_length = true;
    }
    prev = stroke_point{point, valid_pressure(pts[i].pressure) ? pts[i].pressure : default_pressure,
                        uni(sub(prev.point, point)), distance, running_length};
    out.push_back(prev);
  }
  out[0].vector = out.size() > 1 ? out[1].vector : vec2{0, 0};
  return out;
}

// Ramer-Douglas-Peucker on an open polyline, keeping the endpoints.
void rdp(const std::vector<vec2>& p, size_t a, size_t b, double tol2, std::vector<char>& keep) {
  while (b > a + 1) {
    const double dx = p[b][0] - p[a][0], dy = p[b][1] - p[a][1];
    const double len2 = dx * dx + dy * dy;
    double worst = -1;
    size_t at = a;
    for (size_t i = a + 1; i < b; i++) {
      double ex = p[i][0] - p[a][0], ey = p[i][1] - p[a][1];
      double d2;
      if (len2 == 0) {
        d2 = ex * ex + ey * ey;
      } else {
        const double cross = ex * dy - ey * dx;
        d2 = cross * cross / len2;
      }
      if (d2 > worst) {
        worst = d2;
        at = i;
      }
    }
    if (!(worst > tol2)) return;  // also stops on NaN
    keep[at] = 1;
    rdp(p, a, at, tol2, keep);
    a = at;  // tail-iterate on the second half
  }
}

}  // namespace

std::vector<vec2> simplify_outline(const std::vector<vec2>& p, double tol) {
  if (p.size() < 8) return p;
  std::vector<char> keep(p.size(), 0);
  const size_t mid = p.size() / 2;
  keep[0] = keep[mid] = keep[p.size() - 1] = 1;
  rdp(p, 0, mid, tol * tol, keep);
  rdp(p, mid, p.size() - 1, tol * tol, keep);
  std::vector<vec2> out;
  for (size_t i = 0; i < p.size(); i++)
    if (keep[i]) out.push_back(p[i]);
  return out;
}


std::vector<vec2> freehand_outline(const std::vector<input_point>& input, const freehand_options& o) {
  std::vector<stroke_point> points = stroke_points(input, o);
  if (points.empty() || !(o.size > 0)) return {};
  const double size = o.size;
  const double total_length = points.back().running_length;
  const double taper_start = o.taper_start, taper_end = o.taper_end;
  const double min_distance = std::pow(size * o.smoothing, 2);
  std::vector<vec2> left, right;

  // Initial pressure: average over the first ten points, so strokes do not start fat.
  double prev_pressure = points[0].pressure;
  for (size_t i = 0; i < std::min<size_t>(10, points.size()); i++) {
    double p = points[i].pressure;
    if (o.simulate_pressure) p = simulate_pressure(prev_pressure, points[i].distance, size);
    prev_pressure = (prev_pressure + p) / 2;
  }
  double radius = stroke_radius(size, o.thinning, points.back().pressure);
  std::optional<double> first_radius;
  vec2 prev_vector = points[0].vector;
  vec2 prev_left = points[0].point, prev_right = prev_left;
  vec2 temp_left = prev_left, temp_right = prev_right;
  bool prev_sharp = false;

  for (size_t i = 0; i < points.size(); i++) {
    double pressure = points[i].pressure;
    const vec2 point = points[i].point, vector = points[i].vector;
    const double distance = points[i].distance, running_length = points[i].running_length;
    const bool is_last = i == points.size() - 1;
    if (!is_last && total_length - running_length < end_noise_threshold) continue;
    if (o.thinning != 0) {
      if (o.simulate_pressure) pressure = simulate_pressure(prev_pressure, distance, size);
      radius = stroke_radius(size, o.thinning, pressure);
    } else {
      radius = size / 2;
    }
    if (!first_radius) first_radius = radius;
    const double ts = running_length < taper_start ? [&] {
      double x = running_length / taper_start;
      return x * (2 - x);
    }()
                                                   : 1.0;
    const double te = total_length - running_length < taper_end ? [&] {
      double x = (total_length - running_length) / taper_end - 1;
      return x * x * x + 1;
    }()
                                                                : 1.0;
    radius = std::max(min_radius, radius * std::min(ts, te));

    const vec2 next_vector = (!is_last ? points[i + 1] : points[i]).vector;
    const double next_dpr = !is_last ? dpr(vector, next_vector) : 1.0;
    const double prev_dpr = dpr(vector, prev_vector);
    const bool sharp = prev_dpr < 0 && !prev_sharp;
    const bool next_sharp = next_dpr < 0;
    if (sharp || next_sharp) {
      vec2 offset = mul(per(prev_vector), radius);
      const double step = 1.0 / corner_cap_segments;
      for (double t = 0; t <= 1; t += step) {
        temp_left = rot_around(sub(point, offset), point, fixed_pi * t);
        left.push_back(temp_left);
        temp_right = rot_around(add(point, offset), point, fixed_pi * -t);
        right.push_back(temp_right);
      }
      prev_left = temp_left;
      prev_right = temp_right;
      if (next_sharp) prev_sharp = true;
      continue;
    }
    prev_sharp = false;
    if (is_last) {
      vec2 offset = mul(per(vector), radius);
      left.push_back(sub(point, offset));
      right.push_back(add(point, offset));
      continue;
    }
    vec2 offset = mul(per(lrp(next_vector, vector, next_dpr)), radius);
    temp_left = sub(point, offset);
    if (i <= 1 || dist2(prev_left, temp_left) > min_distance) {
      left.push_back(temp_left);
      prev_left = temp_left;
    }
    temp_right = add(point, offset);
    if (i <= 1 || dist2(prev_right, temp_right) > min_distance) {
      right.push_back(temp_right);
      prev_right = temp_right;
    }
    prev_pressure = pressure;
    prev_vector = vector;
  }

  const vec2 first_point = points[0].point;
  const vec2 last_point = points.size() > 1 ? points.back().point : add(points[0].point, {1, 1});
  std::vector<vec2> start_cap, end_cap;
  if (points.size() == 1) {
    if (!(taper_start != 0 || taper_end != 0) || o.last) {
      // A dot: a full circle for a stroke too short to have a direction.
      const double r = (first_radius && *first_radius != 0) ? *first_radius : radius;
      vec2 start = prj(first_point, uni(per(sub(first_point, add(first_point, {1, 1})))), -r);
      std::vector<vec2> dot;
      const double step = 1.0 / start_cap_segments;
      for (double t = step; t <= 1; t += step) dot.push_back(rot_around(start, first_point, fixed_pi * 2 * t));
      return dot;
    }
  } else {
    if (taper_start != 0) {
      // tapered start: no cap
    } else if (o.cap_start) {
      if (!right.empty()) {
        const double step = 1.0 / start_cap_segments;
        for (double t = step; t <= 1; t += step) start_cap.push_back(rot_around(right[0], first_point, fixed_pi * t));
      }
    } else if (!left.empty() && !right.empty()) {
      vec2 corners = sub(left[0], right[0]);
      vec2 a = mul(corners, 0.5), b = mul(corners, 0.51);
      start_cap = {sub(first_point, a), sub(first_point, b), add(first_point, b), add(first_point, a)};
    }
    const vec2 direction = per(neg(points.back().vector));
    if (taper_end != 0) {
      end_cap.push_back(last_point);
    } else if (o.cap_end) {
      vec2 start = prj(last_point, direction, radius);
      const double step = 1.0 / end_cap_segments;
      for (double t = step; t < 1; t += step) end_cap.push_back(rot_around(start, last_point, fixed_pi * 3 * t));
    } else {
      end_cap = {add(last_point, mul(direction, radius)), add(last_point, mul(direction, radius * 0.99)),
                 sub(last_point, mul(direction, radius * 0.99)), sub(last_point, mul(direction, radius))};
    }
  }
  std::vector<vec2> out = std::move(left);
  out.insert(out.end(), end_cap.begin(), end_cap.end());
  out.insert(out.end(), right.rbegin(), right.rend());
  out.insert(out.end(), start_cap.begin(), start_cap.end());
  return out;
}

}  // namespace tandem::render
