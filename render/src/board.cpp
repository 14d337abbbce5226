// Board export: page planning (a page per frame, a fitted page, or paper tiles) and the
// drawing of every element kind, in z-order by fractional index.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "board_draw.hpp"
#include "tandem/render/freehand.hpp"

namespace tandem::render {
namespace {

const rgba default_ink{0.118, 0.118, 0.118, 1};

// Geometry goes to Cairo in device space (pt for PDF, px for PNG), snapped to 1/8 of a
// device unit. Cairo's PDF writer prints every coordinate with snprintf and deflates the
// result, which is most of the cost of a big board: short binary fractions print faster
// and shorter, and with an identity matrix strokes need no "q ... cm ... Q" wrapper. An
// eighth of a point (0.04 mm) is far below what print or screen shows.
constexpr double device_grid = 8;
// Freehand outlines are simplified to this distance in device units (0.3 pt = 0.1 mm).
constexpr double outline_tolerance = 0.3;

// Strokes the current path. A PDF stroke is written as its path whatever the tolerance,
// but Cairo flattens the path at that tolerance to find the stroke's extents, twice per
// stroke (analysis and output); 1 pt is plenty for extents. Paths are built at the default
// tolerance, since cairo_arc chooses its number of curves by it.
void stroke_path(const canvas& cv, cairo_t* cr) {
  if (cv.png()) {
    cairo_stroke(cr);
    return;
  }
  const double tol = cairo_get_tolerance(cr);
  cairo_set_tolerance(cr, 1);
  cairo_stroke(cr);
  cairo_set_tolerance(cr, tol);
}

double snap(double v) { return std::round(v * device_grid) / device_grid; }

// Scale of a matrix made of translations, rotations and uniform scales (all we use).
double uniform_scale(const cairo_matrix_t& m) { return std::sqrt(std::abs(m.xx * m.yy - m.xy * m.yx)); }

// Emits points already in device space, dropping those that snap onto their predecessor.
class device_polygon {
 public:
  explicit device_polygon(cairo_t* cr) : cr_(cr) {}
  void move_to(double x, double y) {
    x_ = snap(x);
    y_ = snap(y);
    cairo_move_to(cr_, x_, y_);
  }
  void line_to(double x, double y) {
    x = snap(x);
    y = snap(y);
    if (x == x_ && y == y_) return;
    x_ = x;
    y_ = y;
    cairo_line_to(cr_, x, y);
  }

 private:
  cairo_t* cr_;
  double x_ = 0, y_ = 0;
};

// Replaces the current path (built in user space) by the same path in device space,
// snapped to the grid, and makes device space the user space (the caller's cairo_restore
// brings its matrix back). Returns the user-to-device scale, for line widths and dashes.
double path_to_device(cairo_t* cr) {
  cairo_matrix_t m;
  cairo_get_matrix(cr, &m);
  cairo_path_t* path = cairo_copy_path(cr);
  cairo_new_path(cr);
  cairo_identity_matrix(cr);
  if (path->status == CAIRO_STATUS_SUCCESS) {
    for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
      cairo_path_data_t* d = &path->data[i];
      double xs[3] = {0, 0, 0}, ys[3] = {0, 0, 0};
      const int n = d->header.type == CAIRO_PATH_CURVE_TO ? 3 : d->header.type == CAIRO_PATH_CLOSE_PATH ? 0 : 1;
      for (int k = 0; k < n; k++) {
        xs[k] = d[k + 1].point.x;
        ys[k] = d[k + 1].point.y;
        cairo_matrix_transform_point(&m, &xs[k], &ys[k]);
        xs[k] = snap(xs[k]);
        ys[k] = snap(ys[k]);
      }
      switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO: cairo_move_to(cr, xs[0], ys[0]); break;
        case CAIRO_PATH_LINE_TO: cairo_line_to(cr, xs[0], ys[0]); break;
        case CAIRO_PATH_CURVE_TO: cairo_curve_to(cr, xs[0], ys[0], xs[1], ys[1], xs[2], ys[2]); break;
        case CAIRO_PATH_CLOSE_PATH: cairo_close_path(cr); break;
      }
    }
  }
  cairo_path_destroy(path);
  return uniform_scale(m);
}

std::optional<rgba> element_color(canvas& cv, const board_element& e, const std::string& css, const char* field) {
  auto c = parse_color(css);
  if (!c) cv.warn("element " + e.id + ": unrecognised " + field + " colour '" + css + "', using default");
  return c;
}

box rotated_bounds(double x, double y, double w, double h, double rot, double cx, double cy) {
  box b;
  if (rot == 0) return box{x, y, x + w, y + h};
  const double c = std::cos(rot), s = std::sin(rot);
  const double px[4] = {x, x + w, x + w, x}, py[4] = {y, y, y + h, y + h};
  for (int i = 0; i < 4; i++) {
    const double dx = px[i] - cx, dy = py[i] - cy;
    b.add(cx + dx * c - dy * s, cy + dx * s + dy * c);
  }
  return b;
}

void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r) {
  r = std::min({r, w / 2, h / 2});
  if (!(r > 0)) {
    cairo_rectangle(cr, x, y, w, h);
    return;
  }
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr);
}

void apply_dash(cairo_t* cr, const board_element& e, double scale) {
  const double sw = std::max(1.0, e.stroke_width) * scale;
  if (e.style == stroke_style::dashed) {
    const double d[2] = {sw * 3, sw * 2};  // the client's SVG dash arrays
    cairo_set_dash(cr, d, 2, 0);
  } else if (e.style == stroke_style::dotted) {
    const double d[2] = {sw * 0.1, sw * 2.5};
    cairo_set_dash(cr, d, 2, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  }
}

// Fill then stroke the current path with the element's colours.
void paint_shape(canvas& cv, cairo_t* cr, const board_element& e) {
  const double scale = path_to_device(cr);
  auto fill = element_color(cv, e, e.fill, "fill");
  if (fill && fill->a > 0) {
    set_source(cr, *fill);
    cairo_fill_preserve(cr);
  }
  auto stroke = element_color(cv, e, e.stroke, "stroke");
  if (stroke && stroke->a > 0 && e.stroke_width > 0) {
    set_source(cr, *stroke);
    cairo_set_line_width(cr, e.stroke_width * scale);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    apply_dash(cr, e, scale);
    stroke_path(cv, cr);
  } else {
    cairo_new_path(cr);
  }
}

void arrowhead(cairo_t* cr, double fx, double fy, double tx, double ty, double sw) {
  const double len = 10 + sw * 2;  // as the client draws them
  const double ang = std::atan2(ty - fy, tx - fx);
  const double spread = M_PI / 7;  // either side of the shaft
  cairo_move_to(cr, tx - len * std::cos(ang - spread), ty - len * std::sin(ang - spread));
  cairo_line_to(cr, tx, ty);
  cairo_line_to(cr, tx - len * std::cos(ang + spread), ty - len * std::sin(ang + spread));
}

void draw_polyline(canvas& cv, cairo_t* cr, const board_element& e) {
  const auto& p = e.points;
  const size_t n = p.size() / 2;
  if (n < 2) return;
  cairo_move_to(cr, p[0], p[1]);
  for (size_t i = 1; i < n; i++) cairo_line_to(cr, p[2 * i], p[2 * i + 1]);
  auto stroke = element_color(cv, e, e.stroke, "stroke");
  if (!stroke || stroke->a <= 0) {
    cairo_new_path(cr);
    return;
  }
  auto add_heads = [&] {
    if (e.heads == arrowheads::end || e.heads == arrowheads::both)
      arrowhead(cr, p[2 * n - 4], p[2 * n - 3], p[2 * n - 2], p[2 * n - 1], e.stroke_width);
    if (e.heads == arrowheads::start || e.heads == arrowheads::both) arrowhead(cr, p[2], p[3], p[0], p[1], e.stroke_width);
  };
  const bool arrow = e.kind == element_kind::arrow;
  // Heads are never dashed: on a solid arrow they share the shaft's stroke operator.
  const bool heads_apart = arrow && e.style != stroke_style::solid;
  if (arrow && !heads_apart) add_heads();
  cairo_matrix_t user;
  cairo_get_matrix(cr, &user);
  const double scale = path_to_device(cr);
  set_source(cr, *stroke);
  cairo_set_line_width(cr, std::max(0.1, e.stroke_width) * scale);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  apply_dash(cr, e, scale);
  stroke_path(cv, cr);
  if (!heads_apart) return;
  cairo_set_dash(cr, nullptr, 0, 0);
  cairo_set_matrix(cr, &user);
  add_heads();
  path_to_device(cr);
  stroke_path(cv, cr);
}

// Appends a freehand stroke's filled outline to the current path, in device space (the
// caller has made it the user space; `to_device` maps board units to it; rotation applied
// here), so that runs of same-coloured strokes become one fill.
void append_freehand_path(cairo_t* cr, const board_element& e, const cairo_matrix_t& to_device) {
  std::vector<input_point> pts;
  pts.reserve(e.points.size() / 3);
  bool real_pressure = false;
  for (size_t i = 0; i + 2 < e.points.size(); i += 3) {
    pts.push_back({e.points[i], e.points[i + 1], e.points[i + 2]});
    if (e.points[i + 2] != 0.5 && e.points[i + 2] > 0) real_pressure = true;
  }
  // The client's options (client-js/src/board/render.js strokePath): mice report a flat
  // 0.5, so pressure is simulated unless real pressure was recorded.
  freehand_options o;
  o.size = std::max(1.0, e.stroke_width) * (e.highlighter ? 3 : 2);
  o.thinning = e.highlighter ? 0 : 0.6;
  o.smoothing = 0.5;
  o.streamline = 0.45;
  o.simulate_pressure = !real_pressure && !e.highlighter;
  o.last = true;  // stored strokes are complete
  auto outline = freehand_outline(pts, o);
  if (outline.size() < 2) return;
  // The outline is dense (caps alone are 13-29 points), so a polygon simplified to a
  // tolerance far below a printed dot looks the same as the package's quadratic-midpoint
  // SVG path, at a fraction of the PDF size and write time.
  const double scale = uniform_scale(to_device);
  std::vector<vec2> poly = simplify_outline(outline, scale > 0 ? outline_tolerance / scale : 0.4);
  const double cx = e.x + e.w / 2, cy = e.y + e.h / 2;
  const double c = std::cos(e.rotation), s = std::sin(e.rotation);
  device_polygon out(cr);
  for (size_t i = 0; i < poly.size(); i++) {
    double x = e.x + poly[i][0], y = e.y + poly[i][1];
    if (e.rotation != 0) {
      const double dx = x - cx, dy = y - cy;
      x = cx + dx * c - dy * s;
      y = cy + dx * s + dy * c;
    }
    cairo_matrix_transform_point(&to_device, &x, &y);
    if (i == 0) out.move_to(x, y);
    else out.line_to(x, y);
  }
  // Not closed: a fill closes every subpath anyway, and Cairo would write a close and a
  // second move-to per outline.
}

void draw_text(canvas& cv, cairo_t* cr, const board_element& e) {
  const bool sticky = e.kind == element_kind::sticky;
  const double pad = 8;  // the client's text padding
  if (sticky) {
    cairo_save(cr);
    rounded_rect(cr, 0, 0, e.w, e.h, 6);
    const double scale = path_to_device(cr);
    auto fill = parse_color(e.fill);
    if (!fill || fill->a == 0) fill = rgba{1, 0.953, 0.627, 1};  // #fff3a0
    set_source(cr, *fill);
    cairo_fill_preserve(cr);
    // The border is 15% black over the note. On an opaque note it is drawn as that opaque
    // colour, so Cairo writes fill and border as one operator on one copy of the path.
    if (fill->a >= 1) set_source(cr, rgba{fill->r * 0.85, fill->g * 0.85, fill->b * 0.85, 1});
    else cairo_set_source_rgba(cr, 0, 0, 0, 0.15);
    cairo_set_line_width(cr, scale);
    stroke_path(cv, cr);
    cairo_restore(cr);
  }
  text_style st;
  st.size = e.font_size > 0 ? e.font_size : 18;
  st.width = e.w - 2 * pad > 1 ? e.w - 2 * pad : -1;
  st.align = e.align == text_align::center ? PANGO_ALIGN_CENTER
             : e.align == text_align::right ? PANGO_ALIGN_RIGHT
                                            : PANGO_ALIGN_LEFT;
  auto ink = parse_color(e.stroke);
  st.color = ink && ink->a > 0 ? *ink : default_ink;
  text_layout tl = cv.layout_rich(e.text, st);
  set_source(cr, st.color);
  cv.draw_layout(cr, tl, pad, pad);
}

cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* src = static_cast<std::pair<const uint8_t*, size_t>*>(closure);
  if (src->second < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, src->first, length);
  src->first += length;
  src->second -= length;
  return CAIRO_STATUS_SUCCESS;
}

void draw_image(canvas& cv, cairo_t* cr, const board_element& e, image_cache& cache) {
  cairo_surface_t* img = cache.get(cv, e);
  if (!img) {
    // Placeholder: a grey box with a cross, so the layout still reads.
    cairo_rectangle(cr, 0, 0, e.w, e.h);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, 0, 0);
    cairo_line_to(cr, e.w, e.h);
    cairo_move_to(cr, e.w, 0);
    cairo_line_to(cr, 0, e.h);
    cairo_stroke(cr);
    return;
  }
  const int iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
  if (iw <= 0 || ih <= 0 || e.w <= 0 || e.h <= 0) return;
  cairo_rectangle(cr, 0, 0, e.w, e.h);
  cairo_clip(cr);
  cairo_scale(cr, e.w / iw, e.h / ih);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
}

void draw_frame_outline(canvas& cv, cairo_t* cr, const board_element& e) {
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, e.w, e.h);
  const double scale = path_to_device(cr);
  cairo_set_source_rgb(cr, 0.55, 0.55, 0.6);
  cairo_set_line_width(cr, scale);
  stroke_path(cv, cr);
  cairo_restore(cr);
  if (e.name.empty()) return;
  text_style st;
  st.size = 14;
  text_layout tl = cv.layout_plain(e.name, st);
  cairo_set_source_rgb(cr, 0.4, 0.4, 0.45);
  cv.draw_layout(cr, tl, 0, -20);
}

}  // namespace

void box::add(double x, double y) {
  if (empty()) {
    x0 = x1 = x;
    y0 = y1 = y;
    return;
  }
  x0 = std::min(x0, x);
  y0 = std::min(y0, y);
  x1 = std::max(x1, x);
  y1 = std::max(y1, y);
}

void box::add(const box& b) {
  if (b.empty()) return;
  add(b.x0, b.y0);
  add(b.x1, b.y1);
}

box element_bounds(const board_element& e) {
  const double cx = e.x + e.w / 2, cy = e.y + e.h / 2;
  box b;
  double pad = std::max(0.0, e.stroke_width);
  if (e.kind == element_kind::stroke || e.kind == element_kind::line || e.kind == element_kind::arrow) {
    const size_t step = e.kind == element_kind::stroke ? 3 : 2;
    box local;
    for (size_t i = 0; i + step - 1 < e.points.size(); i += step) local.add(e.x + e.points[i], e.y + e.points[i + 1]);
    if (local.empty()) return b;
    if (e.kind == element_kind::arrow) pad = std::max(10.0, e.stroke_width * 4);
    b = rotated_bounds(local.x0, local.y0, local.x1 - local.x0, local.y1 - local.y0, e.rotation, cx, cy);
  } else {
    b = rotated_bounds(e.x, e.y, e.w, e.h, e.rotation, cx, cy);
    if (e.kind == element_kind::frame) pad = std::max(pad, 24.0);  // room for the name label
  }
  return box{b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad};
}

cairo_surface_t* image_cache::get(canvas& cv, const board_element& e) {
  auto it = cache_.find(e.src);
  if (it != cache_.end()) return it->second;
  cairo_surface_t* surf = nullptr;
  if (!cv.options().fetch_image) {
    cv.warn("element " + e.id + ": image '" + e.src + "' not available (no image source configured)");
  } else if (auto bytes = cv.options().fetch_image(e.src); !bytes) {
    cv.warn("element " + e.id + ": image '" + e.src + "' not found");
  } else if (bytes->size() < 8 || std::memcmp(bytes->data(), "\x89PNG\r\n\x1a\n", 8) != 0) {
    cv.warn("element " + e.id + ": image '" + e.src + "' is not a PNG; drawn as a placeholder");
  } else {
    std::pair<const uint8_t*, size_t> src{bytes->data(), bytes->size()};
    surf = cairo_image_surface_create_from_png_stream(read_bytes, &src);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
      cairo_surface_destroy(surf);
      surf = nullptr;
      cv.warn("element " + e.id + ": image '" + e.src + "' could not be decoded");
    }
  }
  cache_.emplace(e.src, surf);
  return surf;
}

image_cache::~image_cache() {
  for (auto& [k, s] : cache_)
    if (s) cairo_surface_destroy(s);
}

std::vector<const board_element*> z_order(const board_model& b) {
  std::vector<const board_element*> out;
  out.reserve(b.elements.size());
  for (const auto& e : b.elements) out.push_back(&e);
  // Fractional indices compare as plain byte strings; ties fall back to the id.
  std::stable_sort(out.begin(), out.end(), [](const board_element* a, const board_element* c) {
    if (a->index != c->index) return a->index < c->index;
    return a->id < c->id;
  });
  return out;
}

void draw_element(canvas& cv, cairo_t* cr, const board_element& e, image_cache& images, bool show_frames) {
  if (e.kind == element_kind::frame && !show_frames) {
    // On frame pages the frame is the page: only its fill (if any) is drawn.
    auto fill = parse_color(e.fill);
    if (fill && fill->a > 0 && e.rotation == 0) {
      cairo_rectangle(cr, e.x, e.y, e.w, e.h);
      set_source(cr, *fill, std::clamp(e.opacity, 0.0, 1.0));
      cairo_fill(cr);
    }
    return;
  }
  if (!(e.opacity > 0)) return;
  cairo_save(cr);
  cairo_matrix_t board_space;
  cairo_get_matrix(cr, &board_space);
  const bool group = e.opacity < 1;
  if (group) cairo_push_group(cr);
  const double cx = e.x + e.w / 2, cy = e.y + e.h / 2;
  if (e.rotation != 0) {
    cairo_translate(cr, cx, cy);
    cairo_rotate(cr, e.rotation);
    cairo_translate(cr, -cx, -cy);
  }
  cairo_translate(cr, e.x, e.y);
  switch (e.kind) {
    case element_kind::rect:
      rounded_rect(cr, 0, 0, e.w, e.h, 4);
      paint_shape(cv, cr, e);
      break;
    case element_kind::ellipse:
      if (e.w > 0 && e.h > 0) {
        cairo_save(cr);
        cairo_translate(cr, e.w / 2, e.h / 2);
        cairo_scale(cr, e.w / 2, e.h / 2);
        cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
        cairo_restore(cr);
        paint_shape(cv, cr, e);
      }
      break;
    case element_kind::diamond:
      cairo_move_to(cr, e.w / 2, 0);
      cairo_line_to(cr, e.w, e.h / 2);
      cairo_line_to(cr, e.w / 2, e.h);
      cairo_line_to(cr, 0, e.h / 2);
      cairo_close_path(cr);
      paint_shape(cv, cr, e);
      break;
    case element_kind::line:
    case element_kind::arrow: draw_polyline(cv, cr, e); break;
    case element_kind::stroke: {
      // Outlines are emitted in device space (a pushed group keeps the same device space).
      cairo_identity_matrix(cr);
      append_freehand_path(cr, e, board_space);
      auto ink = element_color(cv, e, e.stroke, "stroke");
      set_source(cr, ink ? *ink : default_ink);
      cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
      cairo_fill(cr);
      break;
    }
    case element_kind::text:
    case element_kind::sticky: draw_text(cv, cr, e); break;
    case element_kind::image: draw_image(cv, cr, e, images); break;
    case element_kind::frame: draw_frame_outline(cv, cr, e); break;
  }
  if (group) {
    cairo_pop_group_to_source(cr);
    cairo_paint_with_alpha(cr, e.opacity);
  }
  cairo_restore(cr);
}

void draw_region(canvas& cv, cairo_t* cr, const board_model& b, const std::vector<const board_element*>& order,
                 const std::vector<box>& bounds, const box& region, image_cache& images, bool show_frames) {
  cairo_save(cr);
  cairo_rectangle(cr, region.x0, region.y0, region.w(), region.h());
  cairo_clip(cr);
  auto bg = parse_color(b.background);
  if (!bg) {
    cv.warn("board background colour '" + b.background + "' not recognised; using white");
    bg = rgba{1, 1, 1, 1};
  }
  if (bg->a > 0) {
    set_source(cr, *bg);
    cairo_paint(cr);
  }
  // Consecutive opaque strokes of one colour are filled together: one PDF fill operator
  // instead of thousands is most of the cost of a big board.
  cairo_matrix_t to_device;
  cairo_get_matrix(cr, &to_device);
  std::optional<rgba> batch;
  auto flush = [&] {
    if (!batch) return;
    set_source(cr, *batch);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_fill(cr);
    cairo_restore(cr);  // back to board space
    batch.reset();
  };
  for (size_t i = 0; i < order.size(); i++) {
    if (!bounds[i].intersects(region)) continue;  // culling keeps big boards fast
    const board_element& e = *order[i];
    if (e.kind == element_kind::stroke && e.opacity >= 1) {
      auto ink = element_color(cv, e, e.stroke, "stroke");
      const rgba c = ink ? *ink : default_ink;
      if (batch && (batch->r != c.r || batch->g != c.g || batch->b != c.b || batch->a != c.a)) flush();
      if (!batch) {
        cairo_save(cr);
        cairo_identity_matrix(cr);  // outlines are emitted in device space
      }
      append_freehand_path(cr, e, to_device);
      batch = c;
      continue;
    }
    flush();
    draw_element(cv, cr, e, images, show_frames);
  }
  flush();
  cairo_restore(cr);
}

}  // namespace tandem::render
