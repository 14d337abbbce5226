// Plan export: a flowing A4/Letter document (title block, goals, notes, check-ins,
// feedback) split across pages line by line, with page numbers and a bookmark per goal.
#include <algorithm>
#include <cmath>
#include <ctime>

#include "pages.hpp"

namespace tandem::render {
namespace {

constexpr double margin_x = 56, margin_top = 56, margin_bottom = 64;
const rgba ink{0.12, 0.12, 0.14, 1};
const rgba muted{0.42, 0.42, 0.46, 1};

const char* status_label(goal_status s) {
  switch (s) {
    case goal_status::not_started: return "Not started";
    case goal_status::in_progress: return "In progress";
    case goal_status::done: return "Done";
    case goal_status::blocked: return "Blocked";
  }
  return "";
}

rgba status_color(goal_status s) {
  switch (s) {
    case goal_status::not_started: return {0.55, 0.55, 0.58, 1};
    case goal_status::in_progress: return {0.15, 0.45, 0.85, 1};
    case goal_status::done: return {0.18, 0.6, 0.3, 1};
    case goal_status::blocked: return {0.82, 0.2, 0.2, 1};
  }
  return ink;
}

// The running position on the current page; starts new pages as content needs them.
class flow {
 public:
  flow(canvas& cv, const plan_model& p, paper_dims d) : cv_(cv), plan_(p), d_(d) {}
  ~flow() {
    if (cr_) cv_.end_page();
  }
  flow(const flow&) = delete;
  flow& operator=(const flow&) = delete;

  cairo_t* cr() {
    if (!cr_) new_page();
    return cr_;
  }
  [[nodiscard]] double y() const { return y_; }
  [[nodiscard]] double left() const { return margin_x; }
  [[nodiscard]] double width() const { return d_.w - 2 * margin_x; }
  void gap(double h) { y_ += h; }

  // Makes sure h pt fit below the cursor, starting a new page if not.
  void ensure(double h) {
    if (!cr_ || y_ + h > d_.h - margin_bottom) new_page();
  }

  // Draws a layout at x, splitting it between pages at line boundaries.
  void text(const text_layout& tl, double x, const rgba& color) {
    PangoLayoutIter* it = pango_layout_get_iter(tl.layout);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double h = logical.height / double(PANGO_SCALE);
      ensure(h);
      set_source(cr_, color);
      cv_.draw_layout_line(cr_, tl, it, x, y_);
      y_ += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  // Height of the first line of a layout (to keep a marker and its first line together).
  static double first_line_height(const text_layout& tl) {
    PangoLayoutIter* it = pango_layout_get_iter(tl.layout);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    pango_layout_iter_free(it);
    return logical.height / double(PANGO_SCALE);
  }

 private:
  void new_page() {
    if (cr_) cv_.end_page();
    cr_ = cv_.begin_page(d_.w, d_.h, "");
    y_ = margin_top;
    // Footer: plan title on the left, page number on the right.
    text_style st;
    st.size = 8.5;
    text_layout left = cv_.layout_plain(plan_.title.empty() ? "Development plan" : plan_.title, st);
    set_source(cr_, muted);
    cv_.draw_layout(cr_, left, margin_x, d_.h - margin_bottom + 28);
    st.align = PANGO_ALIGN_RIGHT;
    st.width = width();
    text_layout num = cv_.layout_plain("Page " + std::to_string(cv_.page_number()), st);
    cv_.draw_layout(cr_, num, margin_x, d_.h - margin_bottom + 28);
  }

  canvas& cv_;
  const plan_model& plan_;
  paper_dims d_;
  cairo_t* cr_ = nullptr;
  double y_ = margin_top;
};

void heading(canvas& cv, flow& f, const std::string& s, double size, double space_before) {
  f.gap(space_before);
  text_style st;
  st.size = size;
  st.bold = true;
  st.width = f.width();
  text_layout tl = cv.layout_plain(s, st);
  f.ensure(flow::first_line_height(tl) * 2.5);  // never strand a heading at a page's foot
  f.text(tl, f.left(), ink);
  f.gap(size * 0.3);
}

// Rich text with Quill block formats: headings, lists, checklists, code blocks.
void rich_block(canvas& cv, flow& f, const rich_text& t, double size, double indent) {
  int ordinal = 0;
  for (const auto& para : t) {
    ordinal = para.list == list_kind::ordered ? ordinal + 1 : 0;
    text_style st;
    st.size = para.header == 1 ? size * 1.5 : para.header == 2 ? size * 1.3 : para.header == 3 ? size * 1.15 : size;
    st.bold = para.header > 0;
    if (para.code_block) st.family = "Noto Sans Mono";
    // List markers are part of the text (so they extract with it), followed by a tab to
    // a hanging indent that the wrapped lines align with.
    const bool is_list = para.list != list_kind::none;
    const double x = f.left() + indent;
    st.width = f.width() - indent;
    st.hanging = is_list ? size * 1.6 : 0;
    std::vector<rich_run> runs;
    if (is_list) {
      std::string marker = para.list == list_kind::bullet      ? "\u2022"
                           : para.list == list_kind::ordered   ? std::to_string(ordinal) + "."
                           : para.list == list_kind::checked   ? "\u2612"
                                                               : "\u2610";
      runs.push_back(rich_run{marker + "\t"});
    }
    runs.insert(runs.end(), para.runs.begin(), para.runs.end());
    text_layout tl = cv.layout_runs(runs, st);
    const double first = flow::first_line_height(tl);
    if (para.header > 0) f.gap(size * 0.4);
    f.ensure(first);
    if (para.code_block) {
      cairo_t* cr = f.cr();
      cairo_rectangle(cr, x - 3, f.y(), st.width + 6, first);
      cairo_set_source_rgb(cr, 0.95, 0.95, 0.96);
      cairo_fill(cr);
    }
    f.text(tl, x, ink);
    if (para.header > 0) f.gap(size * 0.2);
  }
}

void progress_bar(flow& f, double progress) {
  const double w = 160, h = 7;
  f.ensure(h + 4);
  cairo_t* cr = f.cr();
  const double x = f.left(), y = f.y() + 2;
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, 0.9, 0.9, 0.92);
  cairo_fill(cr);
  cairo_rectangle(cr, x, y, w * std::clamp(progress, 0.0, 100.0) / 100, h);
  cairo_set_source_rgb(cr, 0.15, 0.45, 0.85);
  cairo_fill(cr);
}

std::string export_date(const export_options& opt) {
  if (opt.create_date.size() >= 10) return opt.create_date.substr(0, 10);
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void draw_goal(canvas& cv, flow& f, const goal& g, size_t number, int goals_outline) {
  f.gap(10);
  text_style st;
  st.size = 13;
  st.bold = true;
  st.width = f.width();
  std::string title = g.title.empty() ? "Goal " + std::to_string(number) : g.title;
  text_layout tl = cv.layout_plain(std::to_string(number) + ". " + title, st);
  f.ensure(flow::first_line_height(tl) * 3);
  cv.add_outline(goals_outline, title, f.y());
  f.text(tl, f.left(), ink);
  f.gap(2);

  // Status, owner and due date on one line, the status in its colour.
  std::vector<rich_run> meta;
  rich_run status{status_label(g.status)};
  status.bold = true;
  const rgba sc = status_color(g.status);
  char hex[32];
  std::snprintf(hex, sizeof hex, "#%02x%02x%02x", int(sc.r * 255), int(sc.g * 255), int(sc.b * 255));
  status.color = hex;
  meta.push_back(status);
  if (g.owner != goal_owner::unknown)
    meta.push_back(rich_run{std::string("   Owner: ") + (g.owner == goal_owner::mentor ? "mentor" : "mentee")});
  if (!g.due.empty()) meta.push_back(rich_run{"   Due: " + g.due});
  char pct[32];
  std::snprintf(pct, sizeof pct, "   Progress: %d%%", int(std::lround(std::clamp(g.progress, 0.0, 100.0))));
  meta.push_back(rich_run{pct});
  text_style ms;
  ms.size = 9.5;
  ms.width = f.width();
  f.text(cv.layout_runs(meta, ms), f.left(), muted);
  f.gap(2);
  progress_bar(f, g.progress);
  f.gap(14);

  if (!g.description.empty() && !plain_text(g.description).empty()) {
    rich_block(cv, f, g.description, 10.5, 0);
    f.gap(4);
  }
  if (!g.milestones.empty()) {
    text_style hs;
    hs.size = 10;
    hs.bold = true;
    text_layout h = cv.layout_plain("Milestones", hs);
    f.ensure(flow::first_line_height(h) * 2);
    f.text(h, f.left(), ink);
    for (const auto& m : g.milestones) {
      text_style ls;
      ls.size = 10;
      ls.width = f.width();
      ls.hanging = 16;
      std::vector<rich_run> runs{rich_run{m.done ? "\u2612\t" : "\u2610\t"}, rich_run{m.title}};
      if (!m.due.empty()) runs.push_back(rich_run{"  (due " + m.due + ")"});
      f.text(cv.layout_runs(runs, ls), f.left(), m.done ? muted : ink);
    }
  }
}

}  // namespace

void emit_plan_pages(canvas& cv, const plan_model& p, const export_options& opt) {
  const paper_dims d = paper_for(opt.paper == paper_size::letter ? paper_size::letter : paper_size::a4);
  flow f(cv, p, d);
  f.cr();
  const std::string title = p.title.empty() ? "Development plan" : p.title;
  cv.add_outline(0, title, 0);

  // Title block.
  text_style ts;
  ts.size = 22;
  ts.bold = true;
  ts.width = f.width();
  f.text(cv.layout_plain(title, ts), f.left(), ink);
  f.gap(4);
  text_style ss;
  ss.size = 10.5;
  ss.width = f.width();
  std::vector<rich_run> who;
  rich_run l1{"Mentor: "};
  l1.bold = true;
  who.push_back(l1);
  who.push_back(rich_run{p.mentor.empty() ? "\u2014" : p.mentor});
  rich_run l2{"    Mentee: "};
  l2.bold = true;
  who.push_back(l2);
  who.push_back(rich_run{p.mentee.empty() ? "\u2014" : p.mentee});
  rich_run l3{"    Date: "};
  l3.bold = true;
  who.push_back(l3);
  who.push_back(rich_run{export_date(opt)});
  f.text(cv.layout_runs(who, ss), f.left(), muted);
  f.gap(8);
  cairo_t* cr = f.cr();
  cairo_move_to(cr, f.left(), f.y());
  cairo_line_to(cr, f.left() + f.width(), f.y());
  cairo_set_line_width(cr, 0.75);
  set_source(cr, muted);
  cairo_stroke(cr);

  if (!p.goals.empty()) {
    heading(cv, f, "Goals", 16, 14);
    const int goals_outline = cv.add_outline(0, "Goals", f.y());
    for (size_t i = 0; i < p.goals.size(); i++) draw_goal(cv, f, p.goals[i], i + 1, goals_outline);
  }
  if (!plain_text(p.notes).empty()) {
    heading(cv, f, "Notes", 16, 18);
    cv.add_outline(0, "Notes", f.y());
    rich_block(cv, f, p.notes, 10.5, 0);
  }
  if (!p.checkins.empty()) {
    heading(cv, f, "Check-ins", 16, 18);
    cv.add_outline(0, "Check-ins", f.y());
    for (const auto& c : p.checkins) {
      text_style ds;
      ds.size = 11.5;
      ds.bold = true;
      text_layout dl = cv.layout_plain(c.date.empty() ? "Undated check-in" : c.date, ds);
      f.gap(6);
      f.ensure(flow::first_line_height(dl) * 3);
      f.text(dl, f.left(), ink);
      if (!plain_text(c.summary).empty()) rich_block(cv, f, c.summary, 10.5, 0);
      if (!plain_text(c.next_steps).empty()) {
        text_style ns;
        ns.size = 10;
        ns.bold = true;
        text_layout nl = cv.layout_plain("Next steps", ns);
        f.gap(3);
        f.ensure(flow::first_line_height(nl) * 2);
        f.text(nl, f.left(), muted);
        rich_block(cv, f, c.next_steps, 10.5, 0);
      }
    }
  }
  if (!p.feedback.empty()) {
    heading(cv, f, "Feedback", 16, 18);
    cv.add_outline(0, "Feedback", f.y());
    for (const auto& fb : p.feedback) {
      std::vector<rich_run> head;
      rich_run a{fb.author.empty() ? "Anonymous" : fb.author};
      a.bold = true;
      head.push_back(a);
      if (!fb.role.empty()) head.push_back(rich_run{" (" + fb.role + ")"});
      if (!fb.goal_id.empty()) {
        auto g = std::find_if(p.goals.begin(), p.goals.end(), [&](const goal& x) { return x.id == fb.goal_id; });
        if (g != p.goals.end()) head.push_back(rich_run{" on \u201c" + g->title + "\u201d"});
      }
      text_style hs;
      hs.size = 10;
      hs.width = f.width();
      text_layout hl = cv.layout_runs(head, hs);
      f.gap(6);
      f.ensure(flow::first_line_height(hl) * 2);
      f.text(hl, f.left(), muted);
      text_style bs;
      bs.size = 10.5;
      bs.width = f.width() - 12;
      f.text(cv.layout_plain(fb.text, bs), f.left() + 12, ink);
    }
  }
}

}  // namespace tandem::render
