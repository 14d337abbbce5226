// canvas: Cairo PDF/PNG surfaces writing into memory, metadata, bookmarks, and Pango
// layouts of rich text with live links.
#include "canvas.hpp"

#include "pdf_deflate.hpp"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace tandem::render {
namespace {

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

std::string now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Cairo's tag attribute strings quote with single quotes and escape with backslash.
std::string quote_attr(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Emoji in PDFs. Pango draws every emoji sequence with the generic family "emoji", which
// fontconfig resolves to Noto Color Emoji: a bitmap font that Cairo 1.16 writes as images
// with no text behind them, so pdftotext, search, copy and screen readers lose them. PDF
// text therefore uses a font map whose fontconfig puts Symbola (Debian's fonts-symbola,
// outline emoji up to Unicode 9) first for "emoji" and no longer asks for a colour font
// (the system configuration does, and fontconfig ranks colour above family); it is embedded and subset with a
// ToUnicode map like every other font. Newer emoji fall back to the colour font. PNGs keep
// the default font map and colour emoji.
constexpr const char* pdf_emoji_rule = R"(<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <match target="pattern">
    <test name="family"><string>emoji</string></test>
    <edit name="family" mode="prepend_first" binding="strong"><string>Symbola</string></edit>
    <edit name="color" mode="assign" binding="strong"><bool>false</bool></edit>
  </match>
</fontconfig>)";

// The process-wide fontconfig for PDF text: the default configuration (FONTCONFIG_FILE is
// honoured) plus the emoji rule. Built once; fontconfig configurations are thread-safe.
FcConfig* pdf_font_config() {
  static FcConfig* const config = [] {
    FcConfig* c = FcInitLoadConfigAndFonts();
    if (c && !FcConfigParseAndLoadFromMemory(c, reinterpret_cast<const FcChar8*>(pdf_emoji_rule), FcTrue)) {
      FcConfigDestroy(c);
      c = nullptr;
    }
    return c;
  }();
  return config;
}

// Pango font maps are not thread-safe, so each thread gets its own PDF map (like Pango's
// default map, which is per thread too). Without a PDF configuration, the default map.
PangoFontMap* pdf_font_map() {
  struct holder {
    PangoFontMap* map = nullptr;
    ~holder() {
      if (map) g_object_unref(map);
    }
  };
  thread_local holder h;
  if (!h.map) {
    FcConfig* config = pdf_font_config();
    if (!config) return pango_cairo_font_map_get_default();
    h.map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!h.map) return pango_cairo_font_map_get_default();
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(h.map), config);
  }
  return h.map;
}

bool safe_link(const std::string& url) {
  auto starts = [&](const char* p) { return url.rfind(p, 0) == 0; };
  return starts("http://") || starts("https://") || starts("mailto:");
}

}  // namespace

paper_dims paper_for(paper_size p) {
  if (p == paper_size::letter) return {612, 792};
  return {595.2756, 841.8898};
}

void set_source(cairo_t* cr, const rgba& c, double extra_alpha) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * extra_alpha);
}

canvas::canvas(const export_options& opt, bool png) : opt_(opt), png_(png) {
  // Both font maps are per thread.
  pango_ = pango_font_map_create_context(png ? pango_cairo_font_map_get_default() : pdf_font_map());
  cairo_font_options_t* fo = cairo_font_options_create();
  // Unhinted metrics: the same layout at every scale, in PDF and PNG alike.
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pango_, fo);
  cairo_font_options_destroy(fo);
}

canvas::~canvas() {
  if (cr_) cairo_destroy(cr_);
  if (surface_) cairo_surface_destroy(surface_);
  if (pango_) g_object_unref(pango_);
}

cairo_t* canvas::begin_page(double w, double h, const std::string& label) {
  // PDF viewers accept pages of 3..14400 pt a side; PNGs are capped at 8192 px.
  w = std::clamp(w, png_ ? 1.0 : 3.0, png_ ? 8192.0 : max_pdf_side);
  h = std::clamp(h, png_ ? 1.0 : 3.0, png_ ? 8192.0 : max_pdf_side);
  if (!surface_) {
    if (png_) {
      surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(std::lround(w)),
                                            static_cast<int>(std::lround(h)));
    } else {
      surface_ = cairo_pdf_surface_create_for_stream(append_bytes, &bytes_, w, h);
      cairo_pdf_surface_restrict_to_version(surface_, CAIRO_PDF_VERSION_1_5);
    }
    cr_ = cairo_create(surface_);
  } else if (!png_) {
    cairo_pdf_surface_set_size(surface_, w, h);
  }
  pages_++;
  if (!png_ && !label.empty()) cairo_pdf_surface_set_page_label(surface_, label.c_str());
  cairo_save(cr_);
  return cr_;
}

void canvas::end_page() {
  cairo_restore(cr_);
  if (!png_) cairo_show_page(cr_);
}

int canvas::add_outline(int parent, const std::string& name, double y) {
  if (png_ || !surface_) return 0;
  char attrs[64];
  std::snprintf(attrs, sizeof attrs, "page=%d pos=[0 %.1f]", pages_, std::max(0.0, y));
  return cairo_pdf_surface_add_outline(surface_, parent, name.c_str(), attrs, CAIRO_PDF_OUTLINE_FLAG_OPEN);
}

void canvas::set_metadata(const std::string& title, const std::string& author, const std::string& subject) {
  if (png_ || !surface_) return;
  const std::string date = opt_.create_date.empty() ? now_iso() : opt_.create_date;
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_AUTHOR, author.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_SUBJECT, subject.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Tandem");
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
}

result<export_output> canvas::finish() {
  if (!surface_) return error{"nothing to export: no pages"};
  export_output out;
  out.pages = pages_;
  if (png_) {
    cairo_surface_flush(surface_);
    if (cairo_status(cr_) != CAIRO_STATUS_SUCCESS)
      return error{std::string("cairo: ") + cairo_status_to_string(cairo_status(cr_))};
    if (cairo_surface_write_to_png_stream(surface_, append_bytes, &bytes_) != CAIRO_STATUS_SUCCESS)
      return error{"cairo: cannot encode PNG"};
    out.mime = "image/png";
  } else {
    cairo_status_t st = cairo_status(cr_);
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface_);
    if (st != CAIRO_STATUS_SUCCESS) return error{std::string("cairo: ") + cairo_status_to_string(st)};
    // Cairo wrote its content streams uncompressed (pdf_deflate.hpp); deflate them at a
    // faster level. If the layout is unexpected the uncompressed file is still valid.
    (void)deflate_pdf_streams(bytes_);
    out.mime = "application/pdf";
  }
  out.bytes = std::move(bytes_);
  out.warnings = std::move(warnings_);
  return out;
}

text_layout canvas::layout_plain(const std::string& s, const text_style& st) const {
  return layout_runs({rich_run{s}}, st);
}

text_layout canvas::layout_rich(const rich_text& t, const text_style& st) const {
  std::vector<rich_run> runs;
  for (size_t i = 0; i < t.size(); i++) {
    if (i) runs.push_back(rich_run{"\n"});
    runs.insert(runs.end(), t[i].runs.begin(), t[i].runs.end());
  }
  return layout_runs(runs, st);
}

text_layout canvas::layout_runs(const std::vector<rich_run>& runs, const text_style& st) const {
  text_layout tl;
  tl.layout = pango_layout_new(pango_);
  std::string text;
  PangoAttrList* attrs = pango_attr_list_new();
  auto add = [&](PangoAttribute* a, size_t s, size_t e) {
    a->start_index = static_cast<guint>(s);
    a->end_index = static_cast<guint>(e);
    pango_attr_list_insert(attrs, a);
  };
  auto u16 = [](double v) { return static_cast<guint16>(std::lround(std::clamp(v, 0.0, 1.0) * 65535)); };
  for (const auto& r : runs) {
    size_t s = text.size();
    // Invalid UTF-8 would make Pango refuse the whole text; replace bad bytes.
    const char* end = nullptr;
    if (g_utf8_validate(r.text.data(), static_cast<gssize>(r.text.size()), &end)) {
      text += r.text;
    } else {
      gchar* fixed = g_utf8_make_valid(r.text.data(), static_cast<gssize>(r.text.size()));
      text += fixed;
      g_free(fixed);
    }
    size_t e = text.size();
    if (s == e) continue;
    if (r.bold) add(pango_attr_weight_new(PANGO_WEIGHT_BOLD), s, e);
    if (r.italic) add(pango_attr_style_new(PANGO_STYLE_ITALIC), s, e);
    bool is_link = !r.link.empty() && safe_link(r.link);
    if (r.underline || is_link) add(pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), s, e);
    if (r.strike) add(pango_attr_strikethrough_new(TRUE), s, e);
    if (r.code) add(pango_attr_family_new("Noto Sans Mono"), s, e);
    std::optional<rgba> c;
    if (!r.color.empty()) c = parse_color(r.color);
    if (!c && is_link) c = rgba{0.1, 0.33, 0.8, 1};
    if (c) {
      add(pango_attr_foreground_new(u16(c->r), u16(c->g), u16(c->b)), s, e);
      if (c->a < 1) add(pango_attr_foreground_alpha_new(static_cast<guint16>(std::max(1.0, c->a * 65535))), s, e);
    }
    if (is_link) tl.links.push_back({static_cast<int>(s), static_cast<int>(e), r.link});
  }
  pango_layout_set_text(tl.layout, text.c_str(), static_cast<int>(text.size()));
  pango_layout_set_attributes(tl.layout, attrs);
  pango_attr_list_unref(attrs);
  PangoFontDescription* fd = pango_font_description_from_string(st.family.c_str());
  pango_font_description_set_absolute_size(fd, std::max(1.0, st.size) * PANGO_SCALE);
  if (st.bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description(tl.layout, fd);
  pango_font_description_free(fd);
  if (st.width > 0) {
    pango_layout_set_width(tl.layout, static_cast<int>(st.width * PANGO_SCALE));
    pango_layout_set_wrap(tl.layout, PANGO_WRAP_WORD_CHAR);
  }
  pango_layout_set_alignment(tl.layout, st.align);
  if (st.hanging > 0) {
    pango_layout_set_indent(tl.layout, -static_cast<int>(st.hanging * PANGO_SCALE));
    PangoTabArray* tabs = pango_tab_array_new_with_positions(1, FALSE, PANGO_TAB_LEFT,
                                                             static_cast<int>(st.hanging * PANGO_SCALE));
    pango_layout_set_tabs(tl.layout, tabs);
    pango_tab_array_free(tabs);
  }
  return tl;
}

void canvas::draw_layout_line(cairo_t* cr, const text_layout& tl, PangoLayoutIter* it, double x, double y) const {
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(it, nullptr, &logical);
  const double baseline = (pango_layout_iter_get_baseline(it) - logical.y) / double(PANGO_SCALE);
  PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
  cairo_move_to(cr, x + logical.x / double(PANGO_SCALE), y + baseline);
  pango_cairo_show_layout_line(cr, line);
  if (png_ || tl.links.empty()) return;
  const int ls = line->start_index, le = line->start_index + line->length;
  for (const auto& l : tl.links) {
    int s = std::max(ls, l.start), e = std::min(le, l.end);
    if (s >= e) continue;
    int* ranges = nullptr;
    int n = 0;
    pango_layout_line_get_x_ranges(line, s, e, &ranges, &n);
    for (int i = 0; i < n; i++) {
      // Link rectangles are given in device space, so rotation and scale are applied here.
      double xs[4], ys[4];
      double x0 = x + ranges[2 * i] / double(PANGO_SCALE), x1 = x + ranges[2 * i + 1] / double(PANGO_SCALE);
      double y0 = y, y1 = y + logical.height / double(PANGO_SCALE);
      double cx[4] = {x0, x1, x1, x0}, cy[4] = {y0, y0, y1, y1};
      for (int k = 0; k < 4; k++) {
        xs[k] = cx[k];
        ys[k] = cy[k];
        cairo_user_to_device(cr, &xs[k], &ys[k]);
      }
      double minx = *std::min_element(xs, xs + 4), maxx = *std::max_element(xs, xs + 4);
      double miny = *std::min_element(ys, ys + 4), maxy = *std::max_element(ys, ys + 4);
      char rect[128];
      std::snprintf(rect, sizeof rect, " rect=[%.2f %.2f %.2f %.2f]", minx, miny, maxx - minx, maxy - miny);
      std::string attr = "uri=" + quote_attr(l.url) + rect;
      cairo_save(cr);
      cairo_identity_matrix(cr);
      cairo_tag_begin(cr, CAIRO_TAG_LINK, attr.c_str());
      cairo_tag_end(cr, CAIRO_TAG_LINK);
      cairo_restore(cr);
    }
    g_free(ranges);
  }
}

void canvas::draw_layout(cairo_t* cr, const text_layout& tl, double x, double y) const {
  PangoLayoutIter* it = pango_layout_get_iter(tl.layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    draw_layout_line(cr, tl, it, x, y + logical.y / double(PANGO_SCALE));
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

}  // namespace tandem::render
