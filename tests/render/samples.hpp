// Models built in code for the render tests: a board with every element kind, a plan
// with text in every script the issue lists.
#pragma once
#include <cmath>
#include <string>

#include "tandem/render/model.hpp"

namespace render_test {
using namespace tandem::render;

// One line per script, in the order the tests expect pdftotext to return them.
inline const std::vector<std::pair<std::string, std::string>>& scripts() {
  static const std::vector<std::pair<std::string, std::string>> s{
      {"Latin", "Mentorship café naïve"},
      {"Cyrillic", "Наставничество"},
      {"Greek", "Καθοδήγηση"},
      {"Arabic", "مرشد ومتدرب"},
      {"Hebrew", "חונכות"},
      {"Devanagari", "मार्गदर्शन"},
      {"Chinese", "导师计划"},
      {"Japanese", "メンターシップ"},
      {"Korean", "멘토링"},
      {"Emoji", "🎉😀👍🚀"},
  };
  return s;
}

inline rich_run run_of(std::string text, bool bold = false, bool italic = false) {
  rich_run r{std::move(text)};
  r.bold = bold;
  r.italic = italic;
  return r;
}

inline board_element make_el(std::string id, element_kind k, double x, double y, double w, double h,
                             std::string index) {
  board_element e;
  e.id = std::move(id);
  e.kind = k;
  e.x = x;
  e.y = y;
  e.w = w;
  e.h = h;
  e.index = std::move(index);
  return e;
}

inline board_model sample_board(bool with_frames) {
  board_model b;
  b.title = "Sprint retro";
  b.background = "#ffffff";
  if (with_frames) {
    auto f1 = make_el("f1", element_kind::frame, 0, 0, 800, 700, "a0");
    f1.name = "Ideas";
    auto f2 = make_el("f2", element_kind::frame, 1000, 0, 600, 400, "a1");
    f2.name = "Plan";
    b.elements.push_back(f1);
    b.elements.push_back(f2);
  }
  auto r = make_el("r1", element_kind::rect, 40, 40, 200, 120, "b0");
  r.fill = "#a5d8ff";
  r.stroke = "#1971c2";
  r.stroke_width = 4;
  b.elements.push_back(r);
  auto el = make_el("e1", element_kind::ellipse, 300, 40, 180, 120, "b1");
  el.fill = "#ffc9c9";
  el.style = stroke_style::dashed;
  b.elements.push_back(el);
  auto d = make_el("d1", element_kind::diamond, 540, 40, 140, 140, "b2");
  d.fill = "#b2f2bb";
  d.rotation = 0.3;
  d.opacity = 0.6;
  b.elements.push_back(d);
  auto a = make_el("a1", element_kind::arrow, 100, 260, 0, 0, "b3");
  a.points = {0, 0, 200, 40, 300, 0};
  a.heads = arrowheads::both;
  a.stroke_width = 3;
  b.elements.push_back(a);
  auto l = make_el("l1", element_kind::line, 100, 330, 0, 0, "b4");
  l.points = {0, 0, 300, 0};
  l.style = stroke_style::dotted;
  l.stroke_width = 3;
  b.elements.push_back(l);
  auto s = make_el("s1", element_kind::stroke, 450, 250, 0, 0, "b5");
  for (int i = 0; i < 40; i++) {
    s.points.push_back(i * 6.0);
    s.points.push_back(std::sin(i / 4.0) * 40);
    s.points.push_back(0.5);
  }
  s.stroke_width = 8;
  s.stroke = "#e03131";
  b.elements.push_back(s);
  auto st = make_el("n1", element_kind::sticky, 40, 400, 220, 160, "b6");
  st.text = {paragraph{{run_of("Sticky "), run_of("bold", true), run_of(" and "), run_of("italic", false, true)}}};
  rich_run link{"docs link"};
  link.link = "https://example.org/tandem";
  st.text.push_back(paragraph{{link}});
  st.font_size = 18;
  b.elements.push_back(st);
  auto t = make_el("t1", element_kind::text, 300, 400, 460, 180, "b7");
  for (const auto& [name, text] : scripts()) t.text.push_back(paragraph{{run_of(text)}});
  t.font_size = 16;
  b.elements.push_back(t);
  auto t2 = make_el("t2", element_kind::text, 1040, 40, 500, 60, "b8");
  t2.text = {paragraph{{run_of("Second frame text")}}};
  b.elements.push_back(t2);
  return b;
}

inline plan_model sample_plan(int goals = 3) {
  plan_model p;
  p.title = "Growth plan 2026";
  p.mentor = "Ada Lovelace";
  p.mentee = "Alan Turing";
  for (int i = 0; i < goals; i++) {
    goal g;
    g.id = "g" + std::to_string(i);
    g.title = "Goal title " + std::to_string(i + 1);
    g.status = static_cast<goal_status>(i % 4);
    g.owner = i % 2 ? goal_owner::mentor : goal_owner::mentee;
    g.due = "2026-0" + std::to_string(1 + i % 9) + "-15";
    g.progress = (i * 37) % 101;
    g.description = {paragraph{{run_of("Description of goal " + std::to_string(i + 1) + " with "),
                                run_of("bold words", true), run_of(" and a long tail of text that wraps across the "
                                                                    "line at least once when set in ten point type.")}}};
    for (int m = 0; m < 3; m++) {
      milestone ms;
      ms.id = g.id + "m" + std::to_string(m);
      ms.title = "Milestone " + std::to_string(i + 1) + "." + std::to_string(m + 1);
      ms.done = m == 0;
      g.milestones.push_back(ms);
    }
    p.goals.push_back(g);
  }
  paragraph h{{run_of("Weekly notes")}};
  h.header = 2;
  p.notes.push_back(h);
  for (const auto& [name, text] : scripts()) {
    paragraph li{{run_of(name + ": " + text)}};
    li.list = list_kind::bullet;
    p.notes.push_back(li);
  }
  paragraph c1{{run_of("Read the design doc")}};
  c1.list = list_kind::checked;
  paragraph c2{{run_of("Pair on the parser")}};
  c2.list = list_kind::unchecked;
  p.notes.push_back(c1);
  p.notes.push_back(c2);
  rich_run code{"make test"};
  code.code = true;
  rich_run lk{"project page"};
  lk.link = "https://example.com/plan";
  p.notes.push_back(paragraph{{run_of("Run "), code, run_of(" and see the "), lk, run_of(" 🎉")}});
  checkin c;
  c.date = "2026-01-10";
  c.summary = rich_from_plain("Talked about the parser.");
  c.next_steps = rich_from_plain("Write tests first.");
  p.checkins.push_back(c);
  feedback_entry fb;
  fb.author = "Ada Lovelace";
  fb.role = "mentor";
  fb.text = "Great progress on the parser.";
  fb.goal_id = "g0";
  p.feedback.push_back(fb);
  return p;
}

}  // namespace render_test
