// The drawing target shared by board and plan rendering: a multi-page PDF (or one PNG
// image) writing into memory, plus the Pango text helpers both renderers use.
#pragma once
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>
#include <vector>

#include "color.hpp"
#include "tandem/render/render.hpp"

namespace tandem::render {

constexpr double pt_per_px = 0.75;   // 1 CSS px = 0.75 pt
constexpr double max_pdf_side = 14400;  // pt; the largest page Acrobat accepts (200 in)

struct paper_dims {
  double w, h;  // pt, portrait
};
paper_dims paper_for(paper_size p);  // a4 for fit

// A byte range of a laid-out text that is a hyperlink.
struct link_range {
  int start, end;  // byte indices into the layout text
  std::string url;
};

// A PangoLayout with the links it holds (owned; freed on destruction).
struct text_layout {
  PangoLayout* layout = nullptr;
  std::vector<link_range> links;
  text_layout() = default;
  text_layout(const text_layout&) = delete;
  text_layout& operator=(const text_layout&) = delete;
  text_layout(text_layout&& o) noexcept : layout(o.layout), links(std::move(o.links)) { o.layout = nullptr; }
  ~text_layout() {
    if (layout) g_object_unref(layout);
  }
};

struct text_style {
  double size = 12;  // in the current user unit
  std::string family = "Noto Sans";
  rgba color{0.12, 0.12, 0.12, 1};
  bool bold = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  double width = -1;  // wrap width in user units; < 0 = no wrapping
  double hanging = 0;  // > 0: lines after the first start this far in; one tab stop there
};

// One output document. For PDF: begin_page/end_page per page; for PNG: exactly one page.
class canvas {
 public:
  canvas(const export_options& opt, bool png);
  ~canvas();
  canvas(const canvas&) = delete;
  canvas& operator=(const canvas&) = delete;

  [[nodiscard]] bool png() const { return png_; }
  // Starts a page of w x h pt (PDF) or w x h pixels (PNG); returns the context, whose
  // user space is pt (PDF) / px (PNG) with the origin at the top-left.
  cairo_t* begin_page(double w, double h, const std::string& label);
  void end_page();
  [[nodiscard]] int page_number() const { return pages_; }  // 1-based, current page
  // Adds a bookmark to the current page at user-space y (pt). Returns its outline id.
  int add_outline(int parent, const std::string& name, double y);
  void set_metadata(const std::string& title, const std::string& author, const std::string& subject);
  // Writes the document; returns an error if Cairo failed at any point.
  [[nodiscard]] result<export_output> finish();

  void warn(std::string w) { warnings_.push_back(std::move(w)); }
  [[nodiscard]] PangoContext* pango() const { return pango_; }
  [[nodiscard]] const export_options& options() const { return opt_; }

  // Text: builds a layout of rich text (paragraphs joined by '\n') or plain text.
  [[nodiscard]] text_layout layout_rich(const rich_text& t, const text_style& st) const;
  [[nodiscard]] text_layout layout_runs(const std::vector<rich_run>& runs, const text_style& st) const;
  [[nodiscard]] text_layout layout_plain(const std::string& s, const text_style& st) const;
  // Draws the whole layout with its top-left at (x, y) in user space, with live links.
  void draw_layout(cairo_t* cr, const text_layout& tl, double x, double y) const;
  // Draws one line of a layout, the line's logical top at y (links included).
  void draw_layout_line(cairo_t* cr, const text_layout& tl, PangoLayoutIter* it, double x, double y) const;

 private:
  export_options opt_;
  bool png_;
  std::vector<uint8_t> bytes_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoContext* pango_ = nullptr;
  int pages_ = 0;
  std::vector<std::string> warnings_;
};

void set_source(cairo_t* cr, const rgba& c, double extra_alpha = 1);

}  // namespace tandem::render
