// The adapter from yjs documents (fixtures made by js/make_docs.mjs with the real yjs) to
// the render model, malformed documents, and document-level exports.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "helpers.hpp"
#include "tandem/crdt/crdt.hpp"
#include "tandem/render/document.hpp"

using namespace tandem;
using namespace tandem::render;
using namespace render_test;

namespace {

crdt::doc load_fixture(const std::string& name) {
  auto bytes = read_file(std::string(TANDEM_SOURCE_DIR "/tests/render/fixtures/") + name);
  REQUIRE_FALSE(bytes.empty());
  crdt::doc d;
  auto r = d.apply_update(bytes);
  if (!r.ok()) FAIL("crdt could not apply fixture " << name << ": " << r.error().to_string());
  return d;
}

std::vector<std::string> expected_lines(const std::string& name) {
  std::ifstream in(std::string(TANDEM_SOURCE_DIR "/tests/render/fixtures/") + name);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

crdt::delta_op op(std::string text, crdt::any::object attrs = {}) {
  crdt::delta_op o;
  o.insert = std::move(text);
  o.attributes = std::move(attrs);
  return o;
}

}  // namespace

TEST_CASE("render: delta to paragraphs: inline formats on runs, block formats from the newline") {
  std::vector<crdt::delta_op> delta{
      op("Title"), op("\n", {{"header", crdt::any(2)}}),
      op("plain "), op("bold", {{"bold", crdt::any(true)}}), op(" "),
      op("link", {{"link", crdt::any("https://x.org")}, {"italic", crdt::any(true)}}),
      op("\n", {{"list", crdt::any("bullet")}}), op("one\ntwo\n", {{"list", crdt::any("ordered")}}),
      op("tail")};
  auto t = rich_from_delta(delta);
  REQUIRE(t.size() == 5);
  CHECK(t[0].header == 2);
  CHECK(plain_text({t[0]}) == "Title");
  CHECK(t[1].list == list_kind::bullet);
  REQUIRE(t[1].runs.size() == 4);
  CHECK(t[1].runs[1].bold);
  CHECK_FALSE(t[1].runs[0].bold);
  CHECK(t[1].runs[3].link == "https://x.org");
  CHECK(t[1].runs[3].italic);
  CHECK(t[2].list == list_kind::ordered);
  CHECK(plain_text({t[3]}) == "two");
  CHECK(t[4].list == list_kind::none);
  CHECK(plain_text({t[4]}) == "tail");
}

TEST_CASE("render: delta with embeds and null attributes keeps the text and drops the embed") {
  crdt::delta_op embed;
  embed.insert = crdt::any(crdt::any::object{{"image", crdt::any("x.png")}});
  std::vector<crdt::delta_op> delta{op("a", {{"bold", crdt::any(nullptr)}}), embed, op("b\n")};
  auto t = rich_from_delta(delta);
  REQUIRE(t.size() == 1);
  CHECK(plain_text(t) == "ab");
  CHECK_FALSE(t[0].runs[0].bold);
}

TEST_CASE("render: yjs board fixture reads into the model with every element kind and field") {
  auto d = load_fixture("board.bin");
  auto m = model_from_doc(d);
  REQUIRE(m.ok());
  CHECK(m->kind == document_kind::board);
  CHECK(m->warnings.empty());
  CHECK(m->board.title == "Fixture board");
  REQUIRE(m->board.elements.size() == 12);
  std::set<element_kind> kinds;
  for (const auto& e : m->board.elements) kinds.insert(e.kind);
  CHECK(kinds.size() == 10);
  for (const auto& e : m->board.elements) {
    CAPTURE(e.id);
    if (e.id == "stroke-1") CHECK(e.points.size() == 120);
    if (e.id == "arrow-1") {
      CHECK(e.heads == arrowheads::both);
      CHECK(e.end_binding == "diamond-1");
    }
    if (e.id == "diamond-1") {
      CHECK(e.rotation == doctest::Approx(0.3));
      CHECK(e.opacity == doctest::Approx(0.6));
    }
    if (e.id == "ellipse-1") CHECK(e.style == stroke_style::dashed);
    if (e.id == "sticky-1") {
      REQUIRE(e.text.size() == 2);
      CHECK(e.text[0].runs[1].bold);
      CHECK(e.text[1].runs[0].link == "https://example.org/tandem");
      CHECK(e.font_size == 18);
    }
    if (e.id == "frame-ideas") CHECK(e.name == "Ideas");
    if (e.id == "image-1") CHECK(e.src == "/api/files/cat.png");
  }
}

TEST_CASE("render: yjs board fixture exports a page per frame with its text and links") {
  auto d = load_fixture("board.bin");
  auto out = export_document(d, fixed_options());
  REQUIRE(out.ok());
  CHECK(out->pages == 2);
  auto path = write_tmp("doc-board.pdf", out->bytes);
  CHECK(pdftotext(path, "-f 2 -l 2").find("Second frame red text") != std::string::npos);
  CHECK(pdftotext(path, "-f 1 -l 1").find("Sticky bold and italic") != std::string::npos);
  std::string raw(out->bytes.begin(), out->bytes.end());
  CHECK(raw.find("/URI (https://example.org/tandem)") != std::string::npos);
  // The image has no fetcher here: exactly one warning, naming it.
  REQUIRE(out->warnings.size() == 1);
  CHECK(out->warnings[0].find("cat.png") != std::string::npos);
}

TEST_CASE("render: yjs board fixture's text in every script, emoji included, is extracted by pdftotext") {
  auto d = load_fixture("board.bin");
  auto out = export_document(d, fixed_options());
  REQUIRE(out.ok());
  auto text = pdftotext(write_tmp("doc-board-scripts.pdf", out->bytes), "-f 1 -l 1");
  // The fixture script's last line; pdftotext may put spaces between the glyphs.
  std::string joined;
  for (char c : text)
    if (c != ' ' && c != '\n') joined += c;
  for (const char* emoji : {"\U0001F389", "\U0001F600", "\U0001F44D", "\U0001F680"}) {
    CAPTURE(emoji);
    CHECK(joined.find(emoji) != std::string::npos);
  }
  CHECK(joined.find("\U0001F389\U0001F600\U0001F44D\U0001F680") != std::string::npos);
  CHECK(joined.find("멘토링") < joined.find("\U0001F389"));  // in the fixture's order
}

TEST_CASE("render: yjs plan fixture reads goals, milestones, notes blocks, check-ins and feedback") {
  auto d = load_fixture("plan.bin");
  auto m = model_from_doc(d);
  REQUIRE(m.ok());
  CHECK(m->kind == document_kind::plan);
  CHECK(m->warnings.empty());
  const auto& p = m->plan;
  CHECK(p.mentor == "Ada Lovelace");
  REQUIRE(p.goals.size() == 3);
  CHECK(p.goals[1].title == "Goal title 2");
  CHECK(p.goals[1].status == goal_status::in_progress);
  CHECK(p.goals[1].owner == goal_owner::mentor);
  CHECK(p.goals[1].progress == 37);
  REQUIRE(p.goals[0].milestones.size() == 2);
  CHECK(p.goals[0].milestones[0].done);
  CHECK_FALSE(p.goals[0].milestones[1].done);
  REQUIRE(p.notes.size() == 16);  // heading, 10 scripts, 2 ordered, 2 checklist, 1 paragraph
  CHECK(p.notes[0].header == 2);
  CHECK(p.notes[1].list == list_kind::bullet);
  CHECK(p.notes[11].list == list_kind::ordered);
  CHECK(p.notes[13].list == list_kind::checked);
  CHECK(p.notes[14].list == list_kind::unchecked);
  CHECK(p.notes[15].runs[1].code);
  REQUIRE(p.checkins.size() == 1);
  CHECK(plain_text(p.checkins[0].next_steps) == "Write tests first.");
  REQUIRE(p.feedback.size() == 1);
  CHECK(p.feedback[0].goal_id == "g0");
}

TEST_CASE("render: yjs plan fixture exports numbered lists, checklists and live links") {
  auto d = load_fixture("plan.bin");
  auto out = export_document(d, fixed_options());
  REQUIRE(out.ok());
  auto text = pdftotext(write_tmp("doc-plan.pdf", out->bytes), "-layout");
  CHECK(text.find("First step") != std::string::npos);
  CHECK(text.find("2.") != std::string::npos);
  CHECK(text.find("\u2612") != std::string::npos);
  CHECK(text.find("\u2610 Pair on the parser") != std::string::npos);
  std::string raw(out->bytes.begin(), out->bytes.end());
  CHECK(raw.find("/URI (https://example.com/plan)") != std::string::npos);
}

TEST_CASE("render: malformed board: every wrongly typed or missing field skips exactly that element, with a warning") {
  auto d = load_fixture("malformed_board.bin");
  auto m = model_from_doc(d);
  REQUIRE(m.ok());
  auto expect = expected_lines("malformed_board.expect");
  REQUIRE(expect.size() > 50);
  CHECK(m->warnings.size() == expect.size());
  for (const auto& id : expect) {
    CAPTURE(id);
    bool found = false;
    for (const auto& w : m->warnings) found = found || w.rfind("element " + id + " skipped", 0) == 0;
    CHECK(found);
  }
  REQUIRE(m->board.elements.size() == 1);
  CHECK(m->board.elements[0].id == "good-rect");
  auto out = export_document(d, fixed_options());
  REQUIRE(out.ok());
  CHECK(out->pages == 1);
  CHECK(out->warnings.size() == expect.size());
}

TEST_CASE("render: malformed plan: bad goals, milestones, check-ins and feedback are skipped and named") {
  auto d = load_fixture("malformed_plan.bin");
  auto m = model_from_doc(d);
  REQUIRE(m.ok());
  auto expect = expected_lines("malformed_plan.expect");
  CHECK(m->warnings.size() == expect.size());
  for (const auto& what : expect) {
    CAPTURE(what);
    bool found = false;
    for (const auto& w : m->warnings) found = found || w.rfind(what + " skipped", 0) == 0;
    CHECK(found);
  }
  CHECK(m->plan.goals.size() == 3);  // two good ones and the one whose milestone was bad
  auto out = export_document(d, fixed_options());
  REQUIRE(out.ok());
}

TEST_CASE("render: a document of unknown kind, without kind, or without meta is a clear error") {
  auto u = load_fixture("unknown_kind.bin");
  auto r = export_document(u, fixed_options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message.find("unknown document kind 'spreadsheet'") != std::string::npos);
  auto nk = load_fixture("no_kind.bin");
  auto r2 = export_document(nk, fixed_options());
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.err().message.find("meta.kind") != std::string::npos);
  auto nm = load_fixture("no_meta.bin");
  auto r3 = export_document(nm, fixed_options());
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.err().message.find("meta") != std::string::npos);
  crdt::doc empty;
  CHECK_FALSE(export_document(empty, fixed_options()).ok());
}

TEST_CASE("render: session export of yjs documents: board pages then plan pages, byte-identical on repeat") {
  auto b = load_fixture("board.bin");
  auto p = load_fixture("plan.bin");
  auto a = export_session(b, p, fixed_options());
  REQUIRE(a.ok());
  CHECK(a->pages >= 3);
  auto again = export_session(b, p, fixed_options());
  REQUIRE(again.ok());
  CHECK(a->bytes == again->bytes);
  auto wrong = export_session(p, b, fixed_options());
  CHECK_FALSE(wrong.ok());
}
