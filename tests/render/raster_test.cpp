// Raster comparison: pages rasterised by pdftoppm (and PNG thumbnails) against reference
// PNGs in tests/render/references/, with a tolerance for anti-aliasing noise. The
// references are regenerated only by make_references.sh (which sets
// TANDEM_RENDER_WRITE_REFERENCES=1 and runs these tests); fonts are pinned by fonts.conf.
#include <cairo.h>
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include "helpers.hpp"
#include "samples.hpp"

using namespace tandem::render;
using namespace render_test;

namespace {

const std::string refs = TANDEM_SOURCE_DIR "/tests/render/references/";

bool writing_references() {
  const char* w = std::getenv("TANDEM_RENDER_WRITE_REFERENCES");
  return w && std::string(w) == "1";
}

struct diff_result {
  bool same_size = false;
  double differing = 1;  // share of pixels whose channels differ by more than the threshold
};

// Share of pixels that differ by more than `threshold` (0..255) in any channel.
diff_result compare_png(const std::string& a, const std::string& b, int threshold = 64) {
  diff_result r;
  cairo_surface_t* sa = cairo_image_surface_create_from_png(a.c_str());
  cairo_surface_t* sb = cairo_image_surface_create_from_png(b.c_str());
  if (cairo_surface_status(sa) == CAIRO_STATUS_SUCCESS && cairo_surface_status(sb) == CAIRO_STATUS_SUCCESS) {
    // Normalise both to ARGB32 so formats (RGB24 from pdftoppm, ARGB from us) compare.
    auto to_argb = [](cairo_surface_t* s) {
      cairo_surface_t* o = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(s),
                                                      cairo_image_surface_get_height(s));
      cairo_t* cr = cairo_create(o);
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_paint(cr);
      cairo_set_source_surface(cr, s, 0, 0);
      cairo_paint(cr);
      cairo_destroy(cr);
      cairo_surface_flush(o);
      return o;
    };
    cairo_surface_t* na = to_argb(sa);
    cairo_surface_t* nb = to_argb(sb);
    const int w = cairo_image_surface_get_width(na), h = cairo_image_surface_get_height(na);
    r.same_size = w == cairo_image_surface_get_width(nb) && h == cairo_image_surface_get_height(nb);
    if (r.same_size && w > 0 && h > 0) {
      const int stride = cairo_image_surface_get_stride(na);
      const unsigned char* pa = cairo_image_surface_get_data(na);
      const unsigned char* pb = cairo_image_surface_get_data(nb);
      long bad = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < 4; c++)
            if (std::abs(int(pa[y * stride + x * 4 + c]) - int(pb[y * stride + x * 4 + c])) > threshold) {
              bad++;
              break;
            }
      r.differing = double(bad) / (double(w) * h);
    }
    cairo_surface_destroy(na);
    cairo_surface_destroy(nb);
  }
  cairo_surface_destroy(sa);
  cairo_surface_destroy(sb);
  return r;
}

// Rasterises one PDF page at 48 dpi; returns the PNG path.
std::string rasterise(const std::vector<uint8_t>& pdf, const std::string& name, int page) {
  auto path = write_tmp(name + ".pdf", pdf);
  auto prefix = (tmp_dir() / (name + "-p" + std::to_string(page))).string();
  run("pdftoppm -r 48 -png -singlefile -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" +
      path.string() + "' '" + prefix + "'");
  return prefix + ".png";
}

// Compares `png` with references/<name>.png, or replaces the reference when regenerating.
void check_against_reference(const std::string& png, const std::string& name) {
  const std::string ref = refs + name + ".png";
  if (writing_references()) {
    REQUIRE(std::system(("mkdir -p '" + refs + "' && cp '" + png + "' '" + ref + "'").c_str()) == 0);
    MESSAGE("wrote reference " << ref);
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(ref), "missing reference " << ref << "; run tests/render/make_references.sh");
  auto d = compare_png(png, ref);
  CHECK(d.same_size);
  CHECK_MESSAGE(d.differing <= 0.005, name << ": " << d.differing * 100 << "% of pixels differ (kept " << png << ")");
}

board_model strokes_board() {
  board_model b;
  for (int s = 0; s < 6; s++) {
    auto e = make_el("s" + std::to_string(s), element_kind::stroke, 20, 20 + s * 50, 0, 0, "a" + std::to_string(s));
    for (int i = 0; i < 60; i++) {
      e.points.push_back(i * 6.0);
      e.points.push_back(std::sin(i / (3.0 + s)) * 15);
      e.points.push_back(s % 2 ? 0.2 + 0.8 * i / 60.0 : 0.5);  // odd rows carry real pressure
    }
    e.stroke_width = 4 + s * 3;
    e.stroke = s % 3 == 0 ? "#1e1e1e" : s % 3 == 1 ? "#e03131" : "#1971c2";
    b.elements.push_back(e);
  }
  return b;
}

}  // namespace

TEST_CASE("render: raster: board frame pages match their references") {
  auto out = render_board(sample_board(true), fixed_options());
  REQUIRE(out.ok());
  check_against_reference(rasterise(out->bytes, "ref-board", 1), "board-frame-ideas");
  check_against_reference(rasterise(out->bytes, "ref-board", 2), "board-frame-plan");
}

TEST_CASE("render: raster: freehand strokes with simulated and real pressure match their reference") {
  auto out = render_board(strokes_board(), fixed_options());
  REQUIRE(out.ok());
  check_against_reference(rasterise(out->bytes, "ref-strokes", 1), "freehand-strokes");
}

TEST_CASE("render: raster: first plan page matches its reference") {
  auto out = render_plan(sample_plan(3), fixed_options());
  REQUIRE(out.ok());
  check_against_reference(rasterise(out->bytes, "ref-plan", 1), "plan-page-1");
}

TEST_CASE("render: raster: PNG thumbnail of a board matches its reference") {
  auto opt = fixed_options();
  opt.format = output_format::png;
  opt.png_width = 400;
  auto out = render_board(sample_board(true), opt);
  REQUIRE(out.ok());
  check_against_reference(write_tmp("thumb.png", out->bytes).string(), "board-thumbnail");
}

TEST_CASE("render: raster: comparison notices a real change: a moved rectangle differs from the reference") {
  if (writing_references()) return;
  auto b = sample_board(true);
  for (auto& e : b.elements)
    if (e.id == "r1") e.x += 120;
  auto out = render_board(b, fixed_options());
  REQUIRE(out.ok());
  auto d = compare_png(rasterise(out->bytes, "ref-moved", 1), refs + "board-frame-ideas.png");
  CHECK(d.same_size);
  CHECK(d.differing > 0.005);
}
