// The public entry points: board, plan and session exports, and board page planning.
#include <algorithm>
#include <cmath>

#include "board_draw.hpp"
#include "pages.hpp"

namespace tandem::render {
namespace {

constexpr double content_margin = 32;  // board units around a frameless board's content
constexpr double paper_margin = 24;    // pt between the paper's edge and the drawing
constexpr int max_tiles = 100;

struct board_page {
  box region;  // board units
  std::string name;
  bool bookmark = true;
};

struct prepared_board {
  std::vector<const board_element*> order;
  std::vector<box> bounds;
  std::vector<const board_element*> frames;
  box content;
};

prepared_board prepare(const board_model& b) {
  prepared_board p;
  p.order = z_order(b);
  p.bounds.reserve(p.order.size());
  for (const auto* e : p.order) {
    p.bounds.push_back(element_bounds(*e));
    p.content.add(p.bounds.back());
    if (e->kind == element_kind::frame) p.frames.push_back(e);
  }
  return p;
}

std::string frame_label(const board_element& f, size_t i) {
  return f.name.empty() ? "Frame " + std::to_string(i + 1) : f.name;
}

box content_region(canvas& cv, const prepared_board& p) {
  if (p.content.empty()) {
    cv.warn("board is empty; exporting a blank page");
    return box{0, 0, 800, 600};
  }
  return box{p.content.x0 - content_margin, p.content.y0 - content_margin, p.content.x1 + content_margin,
             p.content.y1 + content_margin};
}

// Draws `region` onto a page of pw x ph pt, scaled to fit inside the margin and centred.
void draw_page(canvas& cv, const board_model& b, const prepared_board& p, const box& region, double pw, double ph,
               double margin, double scale, const std::string& label, bool bookmark, image_cache& images) {
  cairo_t* cr = cv.begin_page(pw, ph, label);
  if (bookmark) cv.add_outline(0, label, 0);
  const double ox = margin + (pw - 2 * margin - region.w() * scale) / 2;
  const double oy = margin + (ph - 2 * margin - region.h() * scale) / 2;
  cairo_translate(cr, ox, oy);
  cairo_scale(cr, scale, scale);
  cairo_translate(cr, -region.x0, -region.y0);
  draw_region(cv, cr, b, p.order, p.bounds, region, images, false);
  cv.end_page();
}

}  // namespace

std::vector<std::string> frame_names(const board_model& board) {
  std::vector<std::string> out;
  size_t i = 0;
  for (const auto* e : z_order(board))
    if (e->kind == element_kind::frame) out.push_back(frame_label(*e, i++));
  return out;
}

std::optional<error> emit_board_pages(canvas& cv, const board_model& b, const export_options& opt) {
  const prepared_board p = prepare(b);
  image_cache images;
  std::vector<board_page> pages;
  for (size_t i = 0; i < p.frames.size(); i++) {
    const auto& f = *p.frames[i];
    std::string label = frame_label(f, i);
    if (!opt.frame.empty() && opt.frame != label && opt.frame != f.id) continue;
    if (!(f.w > 0 && f.h > 0)) {
      cv.warn("frame " + f.id + " has no area; skipped");
      continue;
    }
    pages.push_back({box{f.x, f.y, f.x + f.w, f.y + f.h}, label});
  }
  if (!opt.frame.empty() && pages.empty()) return error{"board has no frame named '" + opt.frame + "'"};

  if (!pages.empty()) {
    for (const auto& pg : pages) {
      if (opt.paper == paper_size::fit) {
        double scale = pt_per_px;
        scale = std::min({scale, max_pdf_side / pg.region.w(), max_pdf_side / pg.region.h()});
        if (scale < pt_per_px) cv.warn("frame '" + pg.name + "' is larger than a PDF page; scaled down");
        draw_page(cv, b, p, pg.region, pg.region.w() * scale, pg.region.h() * scale, 0, scale, pg.name, true, images);
      } else {
        paper_dims d = paper_for(opt.paper);
        if (pg.region.w() > pg.region.h()) std::swap(d.w, d.h);
        const double scale = std::min((d.w - 2 * paper_margin) / pg.region.w(), (d.h - 2 * paper_margin) / pg.region.h());
        draw_page(cv, b, p, pg.region, d.w, d.h, paper_margin, scale, pg.name, true, images);
      }
    }
    return std::nullopt;
  }

  // No frames: one fitted page, or tiles of paper at print scale.
  const box region = content_region(cv, p);
  const std::string title = b.title.empty() ? "Board" : b.title;
  if (opt.paper == paper_size::fit) {
    double scale = std::min({pt_per_px, max_pdf_side / region.w(), max_pdf_side / region.h()});
    if (scale < pt_per_px) cv.warn("board is larger than a PDF page; scaled down to fit");
    draw_page(cv, b, p, region, region.w() * scale, region.h() * scale, 0, scale, title, true, images);
    return std::nullopt;
  }
  paper_dims d = paper_for(opt.paper);
  auto tiles_for = [&](double pw, double ph, double scale) {
    const double cols = std::ceil(region.w() * scale / (pw - 2 * paper_margin));
    const double rows = std::ceil(region.h() * scale / (ph - 2 * paper_margin));
    return std::pair{std::max(1.0, cols), std::max(1.0, rows)};
  };
  double scale = pt_per_px;
  auto [c1, r1] = tiles_for(d.w, d.h, scale);
  auto [c2, r2] = tiles_for(d.h, d.w, scale);
  if (c2 * r2 < c1 * r1) std::swap(d.w, d.h);
  auto [cols, rows] = tiles_for(d.w, d.h, scale);
  if (cols * rows > max_tiles) {
    // Too many sheets: shrink so the board fits on at most max_tiles pages (10 x 10).
    const double side = std::sqrt(double(max_tiles));
    scale = std::min((d.w - 2 * paper_margin) * side / region.w(), (d.h - 2 * paper_margin) * side / region.h());
    cv.warn("board needs more than " + std::to_string(max_tiles) + " sheets at full size; scaled down");
    std::tie(cols, rows) = tiles_for(d.w, d.h, scale);
  }
  const double tw = (d.w - 2 * paper_margin) / scale, th = (d.h - 2 * paper_margin) / scale;  // board units
  for (int r = 0; r < int(rows); r++) {
    for (int c = 0; c < int(cols); c++) {
      box tile{region.x0 + c * tw, region.y0 + r * th, region.x0 + (c + 1) * tw, region.y0 + (r + 1) * th};
      std::string label = title + " " + std::to_string(r + 1) + "-" + std::to_string(c + 1);
      cairo_t* cr = cv.begin_page(d.w, d.h, label);
      if (r == 0 && c == 0) cv.add_outline(0, title, 0);
      cairo_translate(cr, paper_margin, paper_margin);
      cairo_scale(cr, scale, scale);
      cairo_translate(cr, -tile.x0, -tile.y0);
      draw_region(cv, cr, b, p.order, p.bounds, tile, images, false);
      cv.end_page();
    }
  }
  return std::nullopt;
}

std::optional<error> emit_board_png(canvas& cv, const board_model& b, const export_options& opt) {
  const prepared_board p = prepare(b);
  image_cache images;
  box region;
  bool show_frames = true;
  if (!opt.frame.empty()) {
    for (size_t i = 0; i < p.frames.size(); i++) {
      const auto& f = *p.frames[i];
      if (opt.frame == frame_label(f, i) || opt.frame == f.id) {
        region = box{f.x, f.y, f.x + f.w, f.y + f.h};
        show_frames = false;
        break;
      }
    }
    if (region.empty() || region.w() <= 0 || region.h() <= 0)
      return error{"board has no frame named '" + opt.frame + "'"};
  } else {
    region = content_region(cv, p);
  }
  const double width = std::clamp(opt.png_width, 16, 8192);
  double scale = width / region.w();
  double height = region.h() * scale;
  if (height > 8192) {
    scale = 8192 / region.h();
    height = 8192;
    cv.warn("thumbnail height limited to 8192 px");
  }
  cairo_t* cr = cv.begin_page(std::round(region.w() * scale), std::max(1.0, std::round(height)), "");
  cairo_scale(cr, scale, scale);
  cairo_translate(cr, -region.x0, -region.y0);
  draw_region(cv, cr, b, p.order, p.bounds, region, images, show_frames);
  cv.end_page();
  return std::nullopt;
}

result<export_output> render_board(const board_model& board, const export_options& opt) {
  const bool png = opt.format == output_format::png;
  canvas cv(opt, png);
  auto err = png ? emit_board_png(cv, board, opt) : emit_board_pages(cv, board, opt);
  if (err) return *err;
  cv.set_metadata(board.title.empty() ? "Board" : board.title, opt.author, "Tandem board");
  return cv.finish();
}

result<export_output> render_plan(const plan_model& plan, const export_options& opt) {
  if (opt.format == output_format::png) return error{"PNG export is for boards; export plans as PDF"};
  canvas cv(opt, false);
  emit_plan_pages(cv, plan, opt);
  std::string author = opt.author;
  if (author.empty() && (!plan.mentor.empty() || !plan.mentee.empty())) author = plan.mentor + " & " + plan.mentee;
  cv.set_metadata(plan.title.empty() ? "Development plan" : plan.title, author, "Tandem development plan");
  return cv.finish();
}

result<export_output> render_session(const board_model& board, const plan_model& plan, const export_options& opt) {
  if (opt.format == output_format::png) return error{"session export is PDF only"};
  canvas cv(opt, false);
  if (auto err = emit_board_pages(cv, board, opt)) return *err;
  emit_plan_pages(cv, plan, opt);
  std::string title = plan.title.empty() ? (board.title.empty() ? "Session" : board.title) : plan.title;
  std::string author = opt.author;
  if (author.empty() && (!plan.mentor.empty() || !plan.mentee.empty())) author = plan.mentor + " & " + plan.mentee;
  cv.set_metadata(title, author, "Tandem session");
  return cv.finish();
}

}  // namespace tandem::render
