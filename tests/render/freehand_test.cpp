// The C++ freehand outline against outlines computed by the perfect-freehand package
// itself (fixtures/freehand.txt, written by js/make_freehand_fixtures.mjs).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "tandem/render/freehand.hpp"

using namespace tandem::render;

namespace {
struct fh_case {
  std::string name;
  freehand_options opt;
  std::vector<input_point> in;
  std::vector<vec2> out;
};

std::vector<fh_case> load_cases() {
  std::ifstream f(TANDEM_SOURCE_DIR "/tests/render/fixtures/freehand.txt");
  std::vector<fh_case> cases;
  std::string word;
  while (f >> word) {
    REQUIRE(word == "case");
    fh_case c;
    f >> c.name >> word;
    int sim = 0, cs = 0, ce = 0, last = 0;
    f >> c.opt.size >> c.opt.thinning >> c.opt.smoothing >> c.opt.streamline >> sim >> cs >> ce >> c.opt.taper_start >>
        c.opt.taper_end >> last;
    c.opt.simulate_pressure = sim;
    c.opt.cap_start = cs;
    c.opt.cap_end = ce;
    c.opt.last = last;
    size_t n = 0;
    f >> word >> n;
    for (size_t i = 0; i < n; i++) {
      input_point p{};
      f >> p.x >> p.y >> p.pressure;
      c.in.push_back(p);
    }
    f >> word >> n;
    for (size_t i = 0; i < n; i++) {
      vec2 p{};
      f >> p[0] >> p[1];
      c.out.push_back(p);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}
}  // namespace

TEST_CASE("render: freehand outline matches perfect-freehand 1.2.3 point for point on every fixture") {
  auto cases = load_cases();
  REQUIRE(cases.size() >= 50);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto got = freehand_outline(c.in, c.opt);
    REQUIRE(got.size() == c.out.size());
    double worst = 0;
    for (size_t i = 0; i < got.size(); i++)
      worst = std::max({worst, std::abs(got[i][0] - c.out[i][0]), std::abs(got[i][1] - c.out[i][1])});
    CHECK(worst < 1e-6);  // only libm's last bits may differ between V8 and glibc
  }
}

TEST_CASE("render: freehand outline of no points or a non-positive size is empty") {
  CHECK(freehand_outline({}, {}).empty());
  freehand_options o;
  o.size = 0;
  CHECK(freehand_outline({{1, 2, 0.5}, {5, 6, 0.5}}, o).empty());
}

TEST_CASE("render: freehand outline survives non-finite input without crashing") {
  std::vector<input_point> pts{{0, 0, 0.5}, {NAN, 1, 0.5}, {INFINITY, 2, NAN}, {3, 3, -1}};
  auto out = freehand_outline(pts, {});
  CHECK(out.size() < 10000);
}
