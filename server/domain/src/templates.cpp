// Plan and board templates (schemas in DESIGN.md "Documents").
#include "tandem/domain/templates.hpp"

#include "tandem/crdt/doc.hpp"
#include "tandem/domain/ydoc_util.hpp"

namespace tandem::domain {

crdt::bytes make_plan_template(std::string_view title, std::string_view mentor, std::string_view mentee) {
  crdt::doc d;
  return transact_update(d, [&](crdt::transaction& t) {
    auto meta = d.get_map("meta");
    meta.set(t, "kind", "plan");
    meta.set(t, "title", title);
    meta.set(t, "mentor", mentor);
    meta.set(t, "mentee", mentee);
    auto goals = d.get_array("goals");
    auto g = goals.insert_map(t, 0);
    g.set(t, "id", "goal-1");
    g.set_text(t, "title").insert(t, 0, "First goal");
    g.set_text(t, "description");
    g.set(t, "status", "not-started");
    g.set(t, "progress", 0);
    g.set(t, "owner", "mentee");
    g.set_array(t, "milestones");
    auto notes = d.get_text("notes");
    notes.insert(t, 0, "Notes");
    notes.insert(t, 5, "\n", crdt::any::object{{"header", crdt::any(2)}});
    d.get_array("checkins");
    d.get_array("feedback");
  });
}

crdt::bytes make_session_board(std::string_view title, const std::vector<std::string>& agenda,
                               std::int64_t created_at_ms) {
  crdt::doc d;
  return transact_update(d, [&](crdt::transaction& t) {
    auto meta = d.get_map("meta");
    meta.set(t, "kind", "board");
    meta.set(t, "title", title);
    meta.set(t, "createdAt", static_cast<double>(created_at_ms));
    meta.set(t, "background", "#ffffff");
    auto elements = d.get_map("elements");
    auto common = [&](crdt::map_ref e, const char* type, double x, double y, double w, double h,
                      const char* index) {
      e.set(t, "type", type);
      e.set(t, "x", x);
      e.set(t, "y", y);
      e.set(t, "w", w);
      e.set(t, "h", h);
      e.set(t, "rotation", 0);
      e.set(t, "index", index);
      e.set(t, "stroke", "#1f2937");
      e.set(t, "fill", "none");
      e.set(t, "strokeWidth", 2);
      e.set(t, "strokeStyle", "solid");
      e.set(t, "opacity", 1);
      e.set(t, "author", "tandem");
      e.set(t, "createdAt", static_cast<double>(created_at_ms));
      e.set(t, "locked", false);
    };
    auto frame = elements.set_map(t, "agenda-frame");
    common(frame, "frame", 0, 0, 1280, 800, "a0");
    frame.set(t, "name", "Agenda");
    auto text = elements.set_map(t, "agenda-text");
    common(text, "text", 40, 40, 600, 40.0 + 36.0 * static_cast<double>(agenda.size() + 1), "a1");
    text.set(t, "fontSize", 24);
    text.set(t, "align", "left");
    auto body = text.set_text(t, "text");
    std::string heading = "Agenda";
    body.insert(t, 0, heading, crdt::any::object{{"bold", crdt::any(true)}});
    std::string rest;
    for (std::size_t i = 0; i < agenda.size(); ++i) rest += "\n" + std::to_string(i + 1) + ". " + agenda[i];
    // Explicit bold:null, since an insert without attributes inherits the formatting before it.
    if (!rest.empty()) body.insert(t, body.size(), rest, crdt::any::object{{"bold", crdt::any(nullptr)}});
  });
}

}  // namespace tandem::domain
