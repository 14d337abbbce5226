// Feedback entries in plans and comments on board elements, as CRDT changes.
#include "tandem/domain/feedback.hpp"

#include "tandem/domain/ydoc_util.hpp"

namespace tandem::domain {

namespace {

std::string meta_kind(crdt::doc& d) {
  auto k = d.get_map("meta").get("kind");
  if (!k || !k->is_any() || !k->as_any().is_string()) return "";
  return k->as_any().as_string();
}

}  // namespace

result<crdt::bytes> add_feedback(crdt::doc& plan, const feedback_entry& f) {
  if (meta_kind(plan) != "plan") return error{"feedback goes into a plan document (meta.kind \"plan\")"};
  if (f.text.empty() || f.text.size() > 4000) return error{"feedback text must be 1-4000 bytes"};
  if (f.author.empty() || f.author.size() > 200) return error{"feedback needs an author (1-200 bytes)"};
  if (f.role != "mentor" && f.role != "mentee") return error{"feedback role must be mentor or mentee"};
  if (f.rating < 0 || f.rating > 5) return error{"rating must be 1-5 (or absent)"};
  if (!f.goal_id.empty()) {
    bool found = false;
    auto goals = plan.get_array("goals");
    for (const auto& g : goals.to_vector()) {
      if (!g.is_type() || g.kind() != crdt::type_kind::map) continue;
      auto id = g.as_map().get("id");
      if (id && id->is_any() && id->as_any().is_string() && id->as_any().as_string() == f.goal_id)
        found = true;
    }
    if (!found) return error{"no goal '" + f.goal_id + "' in this plan"};
  }
  return transact_update(plan, [&](crdt::transaction& t) {
    auto arr = plan.get_array("feedback");
    auto e = arr.insert_map(t, arr.size());
    e.set(t, "author", f.author);
    e.set(t, "role", f.role);
    e.set(t, "text", f.text);
    e.set(t, "createdAt", static_cast<double>(f.created_at));
    if (!f.goal_id.empty()) e.set(t, "goalId", f.goal_id);
    if (f.rating > 0) e.set(t, "rating", f.rating);
    if (f.session > 0) e.set(t, "session", static_cast<double>(f.session));
  });
}

result<crdt::bytes> add_comment(crdt::doc& board, const comment_entry& c) {
  if (meta_kind(board) != "board") return error{"comments go onto a board document (meta.kind \"board\")"};
  if (c.text.empty() || c.text.size() > 4000) return error{"comment text must be 1-4000 bytes"};
  if (c.author.empty() || c.author.size() > 200) return error{"a comment needs an author (1-200 bytes)"};
  auto el = board.get_map("elements").get(c.element_id);
  if (!el || !el->is_type() || el->kind() != crdt::type_kind::map)
    return error{"no element '" + c.element_id + "' on this board"};
  auto element = el->as_map();
  auto existing = element.get("comments");
  if (existing && !(existing->is_type() && existing->kind() == crdt::type_kind::array))
    return error{"element '" + c.element_id + "' has a 'comments' field that is not a list"};
  return transact_update(board, [&](crdt::transaction& t) {
    auto list = existing ? existing->as_array() : element.set_array(t, "comments");
    auto m = list.insert_map(t, list.size());
    m.set(t, "author", c.author);
    m.set(t, "text", c.text);
    m.set(t, "createdAt", static_cast<double>(c.created_at));
    if (!c.role.empty()) m.set(t, "role", c.role);
  });
}

}  // namespace tandem::domain
