// Board drawing primitives shared by the PDF pages, the PNG thumbnails and session export.
#pragma once
#include <limits>
#include <map>

#include "canvas.hpp"

namespace tandem::render {

struct box {
  double x0 = std::numeric_limits<double>::infinity(), y0 = std::numeric_limits<double>::infinity();
  double x1 = -std::numeric_limits<double>::infinity(), y1 = -std::numeric_limits<double>::infinity();
  box() = default;
  box(double a, double b, double c, double d) : x0(a), y0(b), x1(c), y1(d) {}
  [[nodiscard]] bool empty() const { return !(x1 >= x0 && y1 >= y0); }
  [[nodiscard]] double w() const { return x1 - x0; }
  [[nodiscard]] double h() const { return y1 - y0; }
  [[nodiscard]] bool intersects(const box& o) const {
    return !empty() && !o.empty() && x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1;
  }
  void add(double x, double y);
  void add(const box& b);
};

// Decoded images by src, shared by all pages of one export (so each is embedded once).
class image_cache {
 public:
  image_cache() = default;
  image_cache(const image_cache&) = delete;
  image_cache& operator=(const image_cache&) = delete;
  ~image_cache();
  cairo_surface_t* get(canvas& cv, const board_element& e);  // nullptr = unavailable

 private:
  std::map<std::string, cairo_surface_t*> cache_;
};

[[nodiscard]] box element_bounds(const board_element& e);
[[nodiscard]] std::vector<const board_element*> z_order(const board_model& b);
void draw_element(canvas& cv, cairo_t* cr, const board_element& e, image_cache& images, bool show_frames);
// Draws the part of the board inside `region` (board units) in the current user space,
// clipped to it, background first. bounds[i] belongs to order[i].
void draw_region(canvas& cv, cairo_t* cr, const board_model& b, const std::vector<const board_element*>& order,
                 const std::vector<box>& bounds, const box& region, image_cache& images, bool show_frames);

}  // namespace tandem::render
