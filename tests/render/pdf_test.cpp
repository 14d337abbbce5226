// PDF structure, text, fonts, links, bookmarks and determinism of board, plan and session
// exports, checked with poppler-utils (pdfinfo, pdftotext, pdffonts).
#include <doctest/doctest.h>

#include <algorithm>
#include <cairo.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "helpers.hpp"
#include "samples.hpp"

using namespace tandem::render;
using namespace render_test;

namespace {

std::string pdf_text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

// pdftotext marks RTL runs with embedding controls and may split joined Arabic glyphs
// with spaces; compare scripts with those removed.
std::string strip_marks_and_spaces(std::string s) {
  for (const char* mark : {"\u202b", "\u202a", "\u202c", "\u200f", "\u200e"}) {
    for (size_t p; (p = s.find(mark)) != std::string::npos;) s.erase(p, std::string(mark).size());
  }
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\n'; }), s.end());
  return s;
}

std::string without_spaces(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\n' || c == '\f'; }), s.end());
  return s;
}

export_output must(result<export_output> r) {
  if (!r.ok()) FAIL("export failed: " << r.err().message);
  return std::move(r.value());
}

int page_count(const std::string& info) { return std::atoi(info_field(info, "Pages").c_str()); }

}  // namespace

TEST_CASE("render: board with frames exports one page per frame, sized to the frame at 0.75 pt per unit") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto path = write_tmp("frames.pdf", out.bytes);
  auto info = pdfinfo(path);
  CHECK(page_count(info) == 2);
  CHECK(run("pdfinfo -f 1 -l 2 '" + path.string() + "'").find("Page    1 size:  600 x 525 pts") != std::string::npos);
  CHECK(run("pdfinfo -f 1 -l 2 '" + path.string() + "'").find("Page    2 size:  450 x 300 pts") != std::string::npos);
  CHECK(out.mime == "application/pdf");
  CHECK(out.pages == 2);
}

TEST_CASE("render: board frame pages are clipped to their frame: each page holds only its frame's text") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto path = write_tmp("clip.pdf", out.bytes);
  auto p1 = pdftotext(path, "-f 1 -l 1");
  auto p2 = pdftotext(path, "-f 2 -l 2");
  CHECK(p1.find("Sticky") != std::string::npos);
  CHECK(p1.find("Second frame text") == std::string::npos);
  CHECK(p2.find("Second frame text") != std::string::npos);
  CHECK(p2.find("Sticky") == std::string::npos);
}

TEST_CASE("render: board frame pages get a bookmark and a page label named after the frame") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto raw = pdf_text(out.bytes);
  CHECK(raw.find("/Title (Ideas)") != std::string::npos);
  CHECK(raw.find("/Title (Plan)") != std::string::npos);
  CHECK(raw.find("/PageLabels") != std::string::npos);
  CHECK(raw.find("(Ideas)") != raw.rfind("(Ideas)"));  // outline title and page label
}

TEST_CASE("render: board text in every script is real text, extracted in order") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto text = strip_marks_and_spaces(pdftotext(write_tmp("scripts.pdf", out.bytes), "-layout -f 1 -l 1"));
  size_t prev = 0;
  for (const auto& [name, sample] : scripts()) {
    CAPTURE(name);
    auto pos = text.find(strip_marks_and_spaces(sample));
    CHECK(pos != std::string::npos);
    if (pos != std::string::npos) {
      CHECK(pos >= prev);
      prev = pos;
    }
  }
}

TEST_CASE("render: rich text keeps words of differently formatted runs in order") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto text = pdftotext(write_tmp("rich.pdf", out.bytes), "-layout -f 1 -l 1");
  CHECK(text.find("Sticky bold and italic") != std::string::npos);
}

TEST_CASE("render: every font in board and plan exports is embedded and subset") {
  for (int which = 0; which < 2; which++) {
    auto out = which == 0 ? must(render_board(sample_board(true), fixed_options()))
                          : must(render_plan(sample_plan(4), fixed_options()));
    auto fonts = pdffonts(write_tmp("fonts" + std::to_string(which) + ".pdf", out.bytes));
    std::istringstream lines(fonts);
    std::string line;
    int n = 0;
    std::getline(lines, line);
    std::getline(lines, line);
    std::regex row(R"(\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$)");
    while (std::getline(lines, line)) {
      CAPTURE(line);
      std::smatch m;
      REQUIRE(std::regex_search(line, m, row));
      CHECK(m[1] == "yes");  // embedded
      CHECK(m[2] == "yes");  // subset
      n++;
    }
    CHECK(n >= 5);  // Latin, Arabic, Hebrew, Devanagari, CJK at least
    for (const char* family :
         {"NotoSans-", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansCJK", "Symbola"})
      CHECK(fonts.find(family) != std::string::npos);
  }
}

TEST_CASE("render: emoji in PDF text are real text in an embedded outline font, not images") {
  board_model b;
  auto t = make_el("t", element_kind::text, 0, 0, 400, 100, "a0");
  t.text = {paragraph{{run_of("Party \U0001F389 smile \U0001F600 ok \U0001F44D launch \U0001F680 end")}}};
  b.elements.push_back(t);
  auto out = must(render_board(b, fixed_options()));
  auto path = write_tmp("emoji.pdf", out.bytes);
  CHECK(without_spaces(pdftotext(path)) ==
        without_spaces("Party \U0001F389 smile \U0001F600 ok \U0001F44D launch \U0001F680 end"));
  auto fonts = pdffonts(path);
  CAPTURE(fonts);
  std::regex symbola(R"(\+Symbola\s.*\syes\s+yes\s+yes\s)");  // embedded, subset, ToUnicode
  CHECK(std::regex_search(fonts, symbola));
  CHECK(pdf_text(out.bytes).find("/Subtype /Image") == std::string::npos);  // no bitmap glyphs
}

TEST_CASE("render: emoji in PNG thumbnails keep their colours") {
  board_model b;
  auto t = make_el("t", element_kind::text, 0, 0, 300, 80, "a0");
  t.text = {paragraph{{run_of("\U0001F389\U0001F680")}}};  // party popper and rocket: strongly coloured
  t.font_size = 40;
  b.elements.push_back(t);
  auto opt = fixed_options();
  opt.format = output_format::png;
  opt.png_width = 300;
  auto out = must(render_board(b, opt));
  cairo_surface_t* img = cairo_image_surface_create_from_png(write_tmp("emoji.png", out.bytes).c_str());
  REQUIRE(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
  const unsigned char* px = cairo_image_surface_get_data(img);
  const int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  const int stride = cairo_image_surface_get_stride(img);
  int coloured = 0;  // pixels far from grey: the board and the text ink are all grey
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const unsigned char* p = px + y * stride + x * 4;
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      if (hi - lo > 80) coloured++;
    }
  cairo_surface_destroy(img);
  CHECK(coloured > 100);
}

TEST_CASE("render: every PDF stream is compressed and every cross-reference offset points at its object") {
  // The renderer deflates Cairo's content streams itself and rebuilds the xref table.
  for (int which = 0; which < 3; which++) {
    CAPTURE(which);
    auto out = which == 0   ? must(render_board(sample_board(true), fixed_options()))
               : which == 1 ? must(render_plan(sample_plan(8), fixed_options()))
                            : must(render_session(sample_board(false), sample_plan(2), fixed_options()));
    const std::string raw = pdf_text(out.bytes);
    size_t streams = 0;
    for (size_t p = raw.find(">>\nstream\n"); p != std::string::npos; p = raw.find(">>\nstream\n", p + 1)) {
      const size_t dict = raw.rfind(" obj\n", p);
      REQUIRE(dict != std::string::npos);
      CHECK(raw.substr(dict, p - dict).find("/Filter /FlateDecode") != std::string::npos);
      streams++;
    }
    CHECK(streams >= 3);
    const size_t sx = raw.rfind("startxref\n");
    REQUIRE(sx != std::string::npos);
    const size_t xref = std::stoul(raw.substr(sx + 10));
    REQUIRE(raw.compare(xref, 7, "xref\n0 ") == 0);
    std::istringstream table(raw.substr(xref + 5));
    size_t first = 0, count = 0;
    table >> first >> count;
    REQUIRE(count > 3);
    std::string off, gen, kind;
    table >> off >> gen >> kind;  // entry 0: the head of the free list
    CHECK(kind == "f");
    std::map<size_t, std::set<size_t>> at;  // offset -> object numbers listed there
    for (size_t i = 1; i < count; i++) {
      table >> off >> gen >> kind;
      CAPTURE(i);
      REQUIRE(kind == "n");
      at[std::stoul(off)].insert(i);
    }
    // Cairo lists the numbers it reserved but never wrote at the offset of another object,
    // so an offset may carry several numbers; the object there must be one of them.
    for (const auto& [offset, nums] : at) {
      CAPTURE(offset);
      size_t pos = offset, num = 0;
      while (pos < raw.size() && raw[pos] >= '0' && raw[pos] <= '9') num = num * 10 + size_t(raw[pos++] - '0');
      CHECK(raw.compare(pos, 6, " 0 obj") == 0);
      CHECK(nums.count(num) == 1);
    }
    CHECK(pdfinfo(write_tmp("xref" + std::to_string(which) + ".pdf", out.bytes)).find("rror") == std::string::npos);
  }
}

TEST_CASE("render: PDF metadata holds title, author, subject and the fixed creation date") {
  auto out = must(render_board(sample_board(true), fixed_options()));
  auto info = pdfinfo(write_tmp("meta.pdf", out.bytes));
  CHECK(info_field(info, "Title") == "Sprint retro");
  CHECK(info_field(info, "Author") == "Test Author");
  CHECK(info_field(info, "Subject") == "Tandem board");
  CHECK(info_field(info, "CreationDate") == "2026-01-02T03:04:05Z");
}

TEST_CASE("render: same document and fixed date give byte-identical PDFs") {
  auto a = must(render_board(sample_board(true), fixed_options()));
  auto b = must(render_board(sample_board(true), fixed_options()));
  CHECK(a.bytes == b.bytes);
  auto c = must(render_plan(sample_plan(6), fixed_options()));
  auto d = must(render_plan(sample_plan(6), fixed_options()));
  CHECK(c.bytes == d.bytes);
  auto other = fixed_options();
  other.create_date = "2027-01-02T03:04:05Z";
  auto e = must(render_plan(sample_plan(6), other));
  CHECK(e.bytes != c.bytes);  // the date really is in the output
}

TEST_CASE("render: links in sticky notes and plan notes are live URI annotations") {
  auto board = pdf_text(must(render_board(sample_board(true), fixed_options())).bytes);
  CHECK(board.find("/URI (https://example.org/tandem)") != std::string::npos);
  auto plan = pdf_text(must(render_plan(sample_plan(2), fixed_options())).bytes);
  CHECK(plan.find("/URI (https://example.com/plan)") != std::string::npos);
  // The link rectangle lies on the page and is about one line tall.
  std::smatch m;
  std::regex rect(R"(/Rect \[ ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) \])");
  REQUIRE(std::regex_search(plan, m, rect));
  double y0 = std::stod(m[2]), y1 = std::stod(m[4]);
  CHECK(y1 > y0);
  CHECK(y1 - y0 < 30);
  CHECK(y1 < 842);
}

TEST_CASE("render: unsafe link schemes are not made live") {
  board_model b;
  auto t = make_el("t", element_kind::text, 0, 0, 300, 50, "a");
  rich_run r{"click"};
  r.link = "javascript:alert(1)";
  t.text = {paragraph{{r}}};
  b.elements.push_back(t);
  auto raw = pdf_text(must(render_board(b, fixed_options())).bytes);
  CHECK(raw.find("javascript") == std::string::npos);
}

TEST_CASE("render: frameless board is one page fitted to its content plus a margin") {
  auto out = must(render_board(sample_board(false), fixed_options()));
  auto info = pdfinfo(write_tmp("fit.pdf", out.bytes));
  CHECK(page_count(info) == 1);
  // Content spans x -8..1548 (text t2 reaches 1540 plus its stroke pad), y about -12..612.
  auto size = info_field(info, "Page size");
  double w = 0, h = 0;
  REQUIRE(std::sscanf(size.c_str(), "%lf x %lf", &w, &h) == 2);
  CHECK(w == doctest::Approx((1540 + 2 + 32 - (40 - 4 - 32)) * 0.75).epsilon(0.02));
  CHECK(h > 400);
}

TEST_CASE("render: frameless board tiles onto A4 sheets at print scale when asked") {
  board_model b;
  for (int i = 0; i < 20; i++) {
    auto r = make_el("r" + std::to_string(i), element_kind::rect, i * 300, i * 200, 100, 100, "a" + std::to_string(i));
    b.elements.push_back(r);
  }
  auto opt = fixed_options();
  opt.paper = paper_size::a4;
  auto out = must(render_board(b, opt));
  auto info = pdfinfo(write_tmp("tiles.pdf", out.bytes));
  CHECK(page_count(info) > 4);
  CHECK(info_field(info, "Page size").find("(A4)") != std::string::npos);
}

TEST_CASE("render: frame pages on letter paper keep the letter size and landscape orientation for wide frames") {
  auto opt = fixed_options();
  opt.paper = paper_size::letter;
  auto out = must(render_board(sample_board(true), opt));
  auto info = run("pdfinfo -f 1 -l 2 '" + write_tmp("letter.pdf", out.bytes).string() + "'");
  CHECK(info.find("Page    1 size:  792 x 612 pts") != std::string::npos);
}

TEST_CASE("render: a single frame is exported by name; an unknown frame name is a clear error") {
  auto opt = fixed_options();
  opt.frame = "Plan";
  auto out = must(render_board(sample_board(true), opt));
  CHECK(out.pages == 1);
  CHECK(pdftotext(write_tmp("one.pdf", out.bytes)).find("Second frame text") != std::string::npos);
  opt.frame = "Nope";
  auto bad = render_board(sample_board(true), opt);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().message.find("Nope") != std::string::npos);
}

TEST_CASE("render: huge boards are scaled so no page side exceeds 14400 pt") {
  board_model b;
  b.elements.push_back(make_el("a", element_kind::rect, 0, 0, 10, 10, "a"));
  b.elements.push_back(make_el("b", element_kind::rect, 200000, 50000, 10, 10, "b"));
  auto out = must(render_board(b, fixed_options()));
  auto size = info_field(pdfinfo(write_tmp("huge.pdf", out.bytes)), "Page size");
  double w = 0, h = 0;
  REQUIRE(std::sscanf(size.c_str(), "%lf x %lf", &w, &h) == 2);
  CHECK(w <= 14400);
  CHECK(w > 14000);
  CHECK(h <= 14400);
  CHECK_FALSE(out.warnings.empty());
}

TEST_CASE("render: plan is A4 portrait by default and letter on request") {
  auto a4 = pdfinfo(write_tmp("plan-a4.pdf", must(render_plan(sample_plan(1), fixed_options())).bytes));
  CHECK(info_field(a4, "Page size").find("(A4)") != std::string::npos);
  auto opt = fixed_options();
  opt.paper = paper_size::letter;
  auto letter = pdfinfo(write_tmp("plan-letter.pdf", must(render_plan(sample_plan(1), opt)).bytes));
  CHECK(info_field(letter, "Page size").find("612 x 792") != std::string::npos);
}

TEST_CASE("render: plan text comes out in reading order: title block, goals, notes, check-ins, feedback") {
  auto out = must(render_plan(sample_plan(3), fixed_options()));
  auto text = pdftotext(write_tmp("plan-order.pdf", out.bytes), "-layout");
  std::vector<std::string> order{"Growth plan 2026", "Ada Lovelace", "Alan Turing", "2026-01-02", "Goals",
                                 "1. Goal title 1", "Not started", "Owner: mentee", "Due: 2026-01-15",
                                 "Progress: 0%", "Description of goal 1", "Milestones", "\u2612 Milestone 1.1",
                                 "\u2610 Milestone 1.2", "2. Goal title 2", "In progress", "3. Goal title 3", "Notes",
                                 "Weekly notes", "\u2612", "Read the design doc", "\u2610 Pair on the parser",
                                 "Check-ins", "2026-01-10", "Talked about the parser.", "Next steps",
                                 "Write tests first.", "Feedback", "Great progress on the parser."};
  size_t prev = 0;
  for (const auto& s : order) {
    CAPTURE(s);
    auto pos = text.find(s, prev);
    CHECK(pos != std::string::npos);
    if (pos != std::string::npos) prev = pos;
  }
}

TEST_CASE("render: plan notes list every script in order") {
  auto out = must(render_plan(sample_plan(1), fixed_options()));
  auto text = strip_marks_and_spaces(pdftotext(write_tmp("plan-scripts.pdf", out.bytes), "-layout"));
  size_t prev = 0;
  for (const auto& [name, sample] : scripts()) {
    CAPTURE(name);
    auto pos = text.find(strip_marks_and_spaces(name + ": " + sample));
    CHECK(pos != std::string::npos);
    if (pos != std::string::npos) {
      CHECK(pos >= prev);
      prev = pos;
    }
  }
}

TEST_CASE("render: a 50-goal plan paginates, numbers every page, and bookmarks every goal") {
  auto out = must(render_plan(sample_plan(50), fixed_options()));
  auto path = write_tmp("plan50.pdf", out.bytes);
  const int pages = page_count(pdfinfo(path));
  CHECK(pages >= 5);
  CHECK(out.pages == pages);
  for (int p = 1; p <= pages; p++) {
    auto t = pdftotext(path, "-layout -f " + std::to_string(p) + " -l " + std::to_string(p));
    CAPTURE(p);
    CHECK(t.find("Page " + std::to_string(p)) != std::string::npos);
  }
  auto raw = pdf_text(out.bytes);
  for (int g = 1; g <= 50; g++) CHECK(raw.find("/Title (Goal title " + std::to_string(g) + ")") != std::string::npos);
  // Goal text is not lost at page breaks: every goal and milestone appears once.
  auto all = pdftotext(path, "-layout");
  for (int g = 1; g <= 50; g++) CHECK(all.find(std::to_string(g) + ". Goal title " + std::to_string(g)) != std::string::npos);
  CHECK(all.find("Milestone 50.3") != std::string::npos);
}

TEST_CASE("render: a long paragraph is split across pages by line, with no line lost") {
  plan_model p = sample_plan(0);
  std::string longtext;
  for (int i = 1; i <= 150; i++) longtext += "Sentence number " + std::to_string(i) + " of the long note. ";
  p.notes = {paragraph{{rich_run{longtext}}}};
  auto out = must(render_plan(p, fixed_options()));
  auto path = write_tmp("long.pdf", out.bytes);
  CHECK(out.pages >= 2);
  // Whitespace and the page footers removed, the paragraph reads back whole.
  std::string all;
  for (int page = 1; page <= out.pages; page++) {
    auto t = without_spaces(pdftotext(path, "-layout -f " + std::to_string(page) + " -l " + std::to_string(page)));
    const std::string footer = "Growthplan2026Page" + std::to_string(page);
    auto f = t.find(footer);
    REQUIRE(f != std::string::npos);
    all += t.erase(f, footer.size());
  }
  std::string expected;
  for (int i = 1; i <= 150; i++) expected += "Sentencenumber" + std::to_string(i) + "ofthelongnote.";
  CHECK(all.find(expected) != std::string::npos);
}

TEST_CASE("render: session export holds the board's pages followed by the plan's pages") {
  auto out = must(render_session(sample_board(true), sample_plan(2), fixed_options()));
  auto path = write_tmp("session.pdf", out.bytes);
  CHECK(page_count(pdfinfo(path)) == out.pages);
  CHECK(out.pages >= 3);
  CHECK(pdftotext(path, "-f 1 -l 1").find("Sticky") != std::string::npos);
  CHECK(pdftotext(path, "-f 3 -l 3").find("Growth plan 2026") != std::string::npos);
  auto info = pdfinfo(path);
  CHECK(info_field(info, "Title") == "Growth plan 2026");
}

TEST_CASE("render: PNG thumbnail has exactly the requested width and a PNG signature") {
  auto opt = fixed_options();
  opt.format = output_format::png;
  opt.png_width = 320;
  auto out = must(render_board(sample_board(true), opt));
  REQUIRE(out.bytes.size() > 24);
  const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  CHECK(std::equal(sig, sig + 8, out.bytes.begin()));
  auto w = (out.bytes[16] << 24) | (out.bytes[17] << 16) | (out.bytes[18] << 8) | out.bytes[19];
  CHECK(w == 320);
  CHECK(out.mime == "image/png");
  opt.frame = "Plan";
  auto frame = must(render_board(sample_board(true), opt));
  auto h = (frame.bytes[20] << 24) | (frame.bytes[21] << 16) | (frame.bytes[22] << 8) | frame.bytes[23];
  CHECK(h == 320 * 400 / 600);
}

TEST_CASE("render: plans refuse PNG output with a clear error") {
  auto opt = fixed_options();
  opt.format = output_format::png;
  auto r = render_plan(sample_plan(1), opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message.find("PNG") != std::string::npos);
}

TEST_CASE("render: a board of 100,000 elements of every kind exports without crashing") {
  board_model b;
  b.elements.reserve(100000);
  const element_kind kinds[] = {element_kind::rect, element_kind::ellipse, element_kind::diamond, element_kind::line,
                                element_kind::arrow, element_kind::stroke, element_kind::text, element_kind::sticky};
  for (int i = 0; i < 100000; i++) {
    auto e = make_el(std::to_string(i), kinds[i % 8], (i % 400) * 30.0, (i / 400) * 30.0, 20, 20, std::to_string(i));
    if (e.kind == element_kind::line || e.kind == element_kind::arrow) e.points = {0, 0, 20, 20};
    if (e.kind == element_kind::stroke) e.points = {0, 0, 0.5, 10, 5, 0.5, 20, 20, 0.5};
    if (e.kind == element_kind::text || e.kind == element_kind::sticky) e.text = rich_from_plain("t");
    b.elements.push_back(std::move(e));
  }
  auto out = must(render_board(b, fixed_options()));
  CHECK(out.pages == 1);
  CHECK(out.bytes.size() > 100000);
}

TEST_CASE("render: missing images are drawn as placeholders and reported; a PNG image is embedded") {
  board_model b;
  auto img = make_el("i1", element_kind::image, 0, 0, 100, 80, "a");
  img.src = "/api/files/cat.png";
  auto missing = make_el("i2", element_kind::image, 200, 0, 100, 80, "b");
  missing.src = "/api/files/missing.png";
  b.elements = {img, missing};
  // A real 2x2 PNG made by cairo for the fetcher to serve.
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 2, 2);
  std::vector<uint8_t> png;
  cairo_surface_write_to_png_stream(
      s,
      [](void* c, const unsigned char* d, unsigned int n) {
        auto* v = static_cast<std::vector<uint8_t>*>(c);
        v->insert(v->end(), d, d + n);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(s);
  auto opt = fixed_options();
  opt.fetch_image = [&](const std::string& src) -> std::optional<std::vector<uint8_t>> {
    if (src == "/api/files/cat.png") return png;
    return std::nullopt;
  };
  auto out = must(render_board(b, opt));
  auto raw = pdf_text(out.bytes);
  CHECK(raw.find("/Subtype /Image") != std::string::npos);
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("missing.png") != std::string::npos);
}

TEST_CASE("render: unrecognised colours fall back to defaults with a warning, never a failure") {
  board_model b;
  auto r = make_el("r", element_kind::rect, 0, 0, 50, 50, "a");
  r.fill = "not-a-colour";
  b.elements.push_back(r);
  auto out = must(render_board(b, fixed_options()));
  REQUIRE_FALSE(out.warnings.empty());
  CHECK(out.warnings[0].find("not-a-colour") != std::string::npos);
}

TEST_CASE("render: concurrent exports on several threads give the same bytes as a serial export") {
  const auto board = sample_board(true);
  const auto plan = sample_plan(4);
  const auto serial_board = must(render_board(board, fixed_options())).bytes;
  const auto serial_plan = must(render_plan(plan, fixed_options())).bytes;
  std::vector<std::vector<uint8_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); t++)
    threads.emplace_back([&, t] {
      auto r = t % 2 ? render_plan(plan, fixed_options()) : render_board(board, fixed_options());
      if (r.ok()) got[t] = std::move(r.value().bytes);
    });
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < got.size(); t++) {
    CAPTURE(t);
    CHECK(got[t] == (t % 2 ? serial_plan : serial_board));
  }
}

TEST_CASE("render: warnings become one bounded, header-safe line") {
  CHECK(warnings_header_value({}) == "0");
  CHECK(warnings_header_value({"a", "b c"}) == "2: a; b c");
  CHECK(warnings_header_value({"line\r\nbreak 100% é"}) == "1: line%0D%0Abreak 100%25 %C3%A9");
  std::vector<std::string> many(10000, "element xyz skipped: field 'x' should be a number but is a string");
  auto v = warnings_header_value(many, 500);
  CHECK(v.size() <= 500);
  CHECK(v.rfind("10000: ", 0) == 0);
  CHECK(v.substr(v.size() - 3) == "...");
  for (char c : v) CHECK((c >= 0x20 && c < 0x7f));
}
