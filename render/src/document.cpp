// model_from_doc: reads board and plan documents through crdt's read API into the render
// model, skipping (and naming) anything with missing or wrongly typed fields.
#include "tandem/render/document.hpp"

#include <algorithm>
#include <cmath>

namespace tandem::render {
namespace {

using crdt::any;
using crdt::value;

// Thrown inside one element's conversion only; caught by its caller, which skips the
// element and records the message. Never escapes this file.
struct field_error {
  std::string message;
};

std::string kind_name(const value& v) {
  if (v.is_type()) {
    switch (v.kind()) {
      case crdt::type_kind::map: return "a Y.Map";
      case crdt::type_kind::array: return "a Y.Array";
      case crdt::type_kind::text: return "a Y.Text";
      default: return "a shared type";
    }
  }
  switch (v.as_any().type()) {
    case any::kind::undefined: return "undefined";
    case any::kind::null: return "null";
    case any::kind::boolean: return "a boolean";
    case any::kind::number: return "a number";
    case any::kind::bigint: return "a bigint";
    case any::kind::string: return "a string";
    case any::kind::binary: return "binary";
    case any::kind::array: return "an array";
    case any::kind::object: return "an object";
  }
  return "?";
}

[[noreturn]] void wrong(const std::string& key, const char* expected, const value& got) {
  throw field_error{"field '" + key + "' should be " + expected + " but is " + kind_name(got)};
}

// Field readers on a Y.Map. `required` readers throw when absent; optional ones return the
// fallback when absent (or null), and throw when present with the wrong type.
std::optional<value> field(const crdt::map_ref& m, const std::string& key) {
  auto v = m.get(key);
  if (!v) return std::nullopt;
  if (v->is_any() && (v->as_any().is_null() || v->as_any().is_undefined())) return std::nullopt;
  return v;
}

double number(const crdt::map_ref& m, const std::string& key, std::optional<double> fallback) {
  auto v = field(m, key);
  if (!v) {
    if (!fallback) throw field_error{"required field '" + key + "' is missing"};
    return *fallback;
  }
  if (!v->is_any()) wrong(key, "a number", *v);
  const any& a = v->as_any();
  double d = 0;
  if (a.is_number()) d = a.as_number();
  else if (a.is_bigint()) d = static_cast<double>(a.as_bigint());
  else wrong(key, "a number", *v);
  if (!std::isfinite(d)) throw field_error{"field '" + key + "' is not a finite number"};
  return d;
}

std::string string(const crdt::map_ref& m, const std::string& key, const std::optional<std::string>& fallback) {
  auto v = field(m, key);
  if (!v) {
    if (!fallback) throw field_error{"required field '" + key + "' is missing"};
    return *fallback;
  }
  if (v->is_type() && v->kind() == crdt::type_kind::text) return v->as_text().to_string();
  if (!v->is_any() || !v->as_any().is_string()) wrong(key, "a string", *v);
  return v->as_any().as_string();
}

bool boolean(const crdt::map_ref& m, const std::string& key, bool fallback) {
  auto v = field(m, key);
  if (!v) return fallback;
  if (!v->is_any() || !v->as_any().is_bool()) wrong(key, "a boolean", *v);
  return v->as_any().as_bool();
}

// A Y.Text (rich) or a plain string field.
rich_text rich(const crdt::map_ref& m, const std::string& key) {
  auto v = field(m, key);
  if (!v) return {};
  if (v->is_type() && v->kind() == crdt::type_kind::text) return rich_from_delta(v->as_text().to_delta());
  if (v->is_any() && v->as_any().is_string()) return rich_from_plain(v->as_any().as_string());
  wrong(key, "a Y.Text or a string", *v);
}

// A Y.Array or plain array of finite numbers.
std::vector<double> numbers(const crdt::map_ref& m, const std::string& key) {
  auto v = field(m, key);
  if (!v) throw field_error{"required field '" + key + "' is missing"};
  std::vector<double> out;
  auto push = [&](const any& a) {
    if (!a.is_number() || !std::isfinite(a.as_number()))
      throw field_error{"field '" + key + "' holds a value that is not a finite number"};
    out.push_back(a.as_number());
  };
  if (v->is_type() && v->kind() == crdt::type_kind::array) {
    for (const auto& item : v->as_array().to_vector()) {
      if (!item.is_any()) throw field_error{"field '" + key + "' holds " + kind_name(item) + ", not a number"};
      push(item.as_any());
    }
  } else if (v->is_any() && v->as_any().is_array()) {
    for (const auto& a : v->as_any().as_array()) push(a);
  } else {
    wrong(key, "an array of numbers", *v);
  }
  return out;
}

crdt::map_ref as_map(const value& v, const std::string& what) {
  if (!v.is_type() || v.kind() != crdt::type_kind::map) throw field_error{what + " should be a Y.Map but is " + kind_name(v)};
  return v.as_map();
}

std::vector<value> array_items(const crdt::map_ref& m, const std::string& key) {
  auto v = field(m, key);
  if (!v) return {};
  if (!v->is_type() || v->kind() != crdt::type_kind::array) wrong(key, "a Y.Array", *v);
  return v->as_array().to_vector();
}

bool attr_true(const any::object& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs)
    if (k == key) return v.is_bool() ? v.as_bool() : (v.is_string() ? !v.as_string().empty() : false);
  return false;
}

const any* attr(const any::object& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs)
    if (k == key) return &v;
  return nullptr;
}

board_element element_from(const std::string& id, const crdt::map_ref& m) {
  static const std::pair<const char*, element_kind> kinds[] = {
      {"stroke", element_kind::stroke}, {"rect", element_kind::rect},   {"ellipse", element_kind::ellipse},
      {"diamond", element_kind::diamond}, {"line", element_kind::line}, {"arrow", element_kind::arrow},
      {"text", element_kind::text},     {"sticky", element_kind::sticky}, {"frame", element_kind::frame},
      {"image", element_kind::image}};
  board_element e;
  e.id = id;
  const std::string type = string(m, "type", std::nullopt);
  auto k = std::find_if(std::begin(kinds), std::end(kinds), [&](const auto& p) { return type == p.first; });
  if (k == std::end(kinds)) throw field_error{"unknown element type '" + type + "'"};
  e.kind = k->second;
  const bool has_points = e.kind == element_kind::stroke || e.kind == element_kind::line || e.kind == element_kind::arrow;
  e.x = number(m, "x", std::nullopt);
  e.y = number(m, "y", std::nullopt);
  e.w = number(m, "w", has_points ? std::optional<double>(0) : std::nullopt);
  e.h = number(m, "h", has_points ? std::optional<double>(0) : std::nullopt);
  e.rotation = number(m, "rotation", 0);
  e.index = string(m, "index", "");
  e.stroke = string(m, "stroke", "#1e1e1e");
  e.fill = string(m, "fill", "none");
  e.stroke_width = std::clamp(number(m, "strokeWidth", 2), 0.0, 1000.0);
  e.opacity = std::clamp(number(m, "opacity", 1), 0.0, 1.0);
  const std::string style = string(m, "strokeStyle", "solid");
  e.style = style == "dashed" ? stroke_style::dashed : style == "dotted" ? stroke_style::dotted : stroke_style::solid;
  if (has_points) {
    e.points = numbers(m, "points");
    const size_t step = e.kind == element_kind::stroke ? 3 : 2;
    if (e.points.size() % step != 0)
      throw field_error{"field 'points' has " + std::to_string(e.points.size()) + " numbers, not a multiple of " +
                        std::to_string(step)};
    if (e.points.size() / step < (e.kind == element_kind::stroke ? 1u : 2u))
      throw field_error{"field 'points' has too few points"};
  }
  if (e.kind == element_kind::line || e.kind == element_kind::arrow) {
    const std::string heads = string(m, "arrowheads", e.kind == element_kind::arrow ? "end" : "none");
    e.heads = heads == "start" ? arrowheads::start : heads == "both" ? arrowheads::both
              : heads == "none"  ? arrowheads::none
                                 : arrowheads::end;
    e.start_binding = string(m, "startBinding", "");
    e.end_binding = string(m, "endBinding", "");
  }
  if (e.kind == element_kind::text || e.kind == element_kind::sticky) {
    e.text = rich(m, "text");
    e.font_size = std::clamp(number(m, "fontSize", 18), 1.0, 1000.0);
    const std::string align = string(m, "align", "left");
    e.align = align == "center" ? text_align::center : align == "right" ? text_align::right : text_align::left;
  }
  if (e.kind == element_kind::stroke) e.highlighter = boolean(m, "highlighter", false);
  if (e.kind == element_kind::frame) e.name = string(m, "name", "");
  if (e.kind == element_kind::image) e.src = string(m, "src", std::nullopt);
  return e;
}

goal goal_from(const crdt::map_ref& m, std::vector<std::string>& warnings, size_t number_in_plan) {
  goal g;
  g.id = string(m, "id", "");
  g.title = plain_text(rich(m, "title"));
  g.description = rich(m, "description");
  const std::string status = string(m, "status", "not-started");
  g.status = status == "in-progress" ? goal_status::in_progress
             : status == "done"      ? goal_status::done
             : status == "blocked"   ? goal_status::blocked
                                     : goal_status::not_started;
  g.due = string(m, "due", "");
  g.progress = std::clamp(number(m, "progress", 0), 0.0, 100.0);
  const std::string owner = string(m, "owner", "");
  g.owner = owner == "mentor" ? goal_owner::mentor : owner == "mentee" ? goal_owner::mentee : goal_owner::unknown;
  size_t i = 0;
  for (const auto& item : array_items(m, "milestones")) {
    i++;
    try {
      auto mm = as_map(item, "milestone");
      milestone ms;
      ms.id = string(mm, "id", "");
      ms.title = plain_text(rich(mm, "title"));
      ms.done = boolean(mm, "done", false);
      ms.due = string(mm, "due", "");
      g.milestones.push_back(std::move(ms));
    } catch (const field_error& err) {
      warnings.push_back("goal " + std::to_string(number_in_plan) + " milestone " + std::to_string(i) +
                         " skipped: " + err.message);
    }
  }
  return g;
}

template <class F>
void each_item(crdt::doc& d, const char* root, const char* what, std::vector<std::string>& warnings, F&& fn) {
  auto arr = d.get_array(root);
  for (size_t i = 0; i < arr.size(); i++) {
    try {
      fn(as_map(arr.get(i), what), i + 1);
    } catch (const field_error& err) {
      warnings.push_back(std::string(what) + " " + std::to_string(i + 1) + " skipped: " + err.message);
    }
  }
}

bool has_root(const crdt::doc& d, std::string_view name) {
  auto roots = d.root_names();
  return std::find(roots.begin(), roots.end(), name) != roots.end();
}

}  // namespace

rich_text rich_from_delta(const std::vector<crdt::delta_op>& delta) {
  rich_text out;
  paragraph cur;
  bool open = false;
  for (const auto& op : delta) {
    const auto* s = std::get_if<std::string>(&op.insert);
    if (!s) continue;  // embeds (images, formulas) are not drawn
    rich_run proto;
    proto.bold = attr_true(op.attributes, "bold");
    proto.italic = attr_true(op.attributes, "italic");
    proto.underline = attr_true(op.attributes, "underline");
    proto.strike = attr_true(op.attributes, "strike");
    proto.code = attr_true(op.attributes, "code");
    if (const any* c = attr(op.attributes, "color"); c && c->is_string()) proto.color = c->as_string();
    if (const any* l = attr(op.attributes, "link"); l && l->is_string()) proto.link = l->as_string();
    size_t start = 0;
    while (start <= s->size()) {
      const size_t nl = s->find('\n', start);
      const std::string piece = s->substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!piece.empty()) {
        rich_run r = proto;
        r.text = piece;
        cur.runs.push_back(std::move(r));
        open = true;
      }
      if (nl == std::string::npos) break;
      // The newline carries the block format of the paragraph it ends.
      if (const any* h = attr(op.attributes, "header"); h && h->is_number())
        cur.header = static_cast<int>(std::clamp(h->as_number(), 0.0, 3.0));
      if (const any* l = attr(op.attributes, "list"); l && l->is_string()) {
        const auto& v = l->as_string();
        cur.list = v == "bullet" ? list_kind::bullet : v == "ordered" ? list_kind::ordered
                   : v == "checked" ? list_kind::checked : v == "unchecked" ? list_kind::unchecked
                                                                             : list_kind::none;
      }
      cur.code_block = attr_true(op.attributes, "code-block");
      out.push_back(std::move(cur));
      cur = paragraph{};
      open = false;
      start = nl + 1;
    }
  }
  if (open) out.push_back(std::move(cur));
  return out;
}

result<document_model> model_from_doc(const crdt::doc& cd) {
  // get_map/get_array type a root on first use, which is a write to the doc's root table;
  // only roots that exist are typed, and callers hand us a private copy (see header).
  auto& d = const_cast<crdt::doc&>(cd);
  if (!has_root(cd, "meta")) return error{"not a Tandem document: it has no 'meta' map"};
  auto meta = d.get_map("meta");
  auto kind = meta.get("kind");
  if (!kind) return error{"not a Tandem document: meta.kind is missing"};
  if (!kind->is_any() || !kind->as_any().is_string()) return error{"meta.kind should be a string but is " + kind_name(*kind)};
  const std::string k = kind->as_any().as_string();
  document_model out;
  auto meta_string = [&](const char* key) {
    try {
      return string(meta, key, "");
    } catch (const field_error& err) {
      out.warnings.push_back("meta: " + err.message);
      return std::string();
    }
  };
  if (k == "board") {
    out.kind = document_kind::board;
    out.board.title = meta_string("title");
    out.board.background = meta_string("background");
    if (out.board.background.empty()) out.board.background = "#ffffff";
    if (has_root(cd, "elements")) {
      auto elements = d.get_map("elements");
      for (const auto& id : elements.keys()) {
        try {
          auto v = elements.get(id);
          if (!v) continue;
          out.board.elements.push_back(element_from(id, as_map(*v, "element")));
        } catch (const field_error& err) {
          out.warnings.push_back("element " + id + " skipped: " + err.message);
        }
      }
    }
    return out;
  }
  if (k == "plan") {
    out.kind = document_kind::plan;
    out.plan.title = meta_string("title");
    out.plan.mentor = meta_string("mentor");
    out.plan.mentee = meta_string("mentee");
    if (has_root(cd, "goals"))
      each_item(d, "goals", "goal", out.warnings, [&](const crdt::map_ref& m, size_t n) {
        out.plan.goals.push_back(goal_from(m, out.warnings, n));
      });
    if (has_root(cd, "notes")) out.plan.notes = rich_from_delta(d.get_text("notes").to_delta());
    if (has_root(cd, "checkins"))
      each_item(d, "checkins", "check-in", out.warnings, [&](const crdt::map_ref& m, size_t) {
        checkin c;
        c.date = string(m, "date", "");
        c.summary = rich(m, "summary");
        c.next_steps = rich(m, "nextSteps");
        out.plan.checkins.push_back(std::move(c));
      });
    if (has_root(cd, "feedback"))
      each_item(d, "feedback", "feedback", out.warnings, [&](const crdt::map_ref& m, size_t) {
        feedback_entry f;
        f.author = string(m, "author", "");
        f.role = string(m, "role", "");
        f.text = plain_text(rich(m, "text"));
        f.created_at = static_cast<int64_t>(number(m, "createdAt", 0));
        f.goal_id = string(m, "goalId", "");
        out.plan.feedback.push_back(std::move(f));
      });
    return out;
  }
  return error{"unknown document kind '" + k + "' (expected 'board' or 'plan')"};
}

namespace {
result<export_output> with_warnings(result<export_output> r, const std::vector<std::string>& first) {
  if (!r.ok()) return r;
  auto& w = r.value().warnings;
  w.insert(w.begin(), first.begin(), first.end());
  return r;
}
}  // namespace

result<export_output> export_document(const crdt::doc& d, const export_options& opt) {
  auto m = model_from_doc(d);
  if (!m.ok()) return m.err();
  if (m->kind == document_kind::board) return with_warnings(render_board(m->board, opt), m->warnings);
  return with_warnings(render_plan(m->plan, opt), m->warnings);
}

result<export_output> export_session(const crdt::doc& board, const crdt::doc& plan, const export_options& opt) {
  auto b = model_from_doc(board);
  if (!b.ok()) return b.err();
  auto p = model_from_doc(plan);
  if (!p.ok()) return p.err();
  if (b->kind != document_kind::board) return error{"session export: the first document is not a board"};
  if (p->kind != document_kind::plan) return error{"session export: the second document is not a plan"};
  std::vector<std::string> w = b->warnings;
  w.insert(w.end(), p->warnings.begin(), p->warnings.end());
  return with_warnings(render_session(b->board, p->plan, opt), w);
}

}  // namespace tandem::render
