// Templates (DESIGN.md schemas), version restore as new CRDT operations (with the old
// history kept, concurrent peers converging, random documents), version service over a
// store, and replay of the update log between two times.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "domain_test_util.hpp"
#include "random_doc.hpp"
#include "tandem/crdt/lib0.hpp"
#include "tandem/domain/templates.hpp"
#include "tandem/domain/versions.hpp"
#include "tandem/domain/ydoc_util.hpp"

using namespace tandem;
using namespace tandem::domain;
namespace json = boost::json;

namespace {

// Content of the schema roots, typed (an empty root and an absent one read the same, as in
// yjs), with text as a delta so formatting counts.
std::string content(crdt::doc& d) {
  std::string out =
      "{\"meta\":" + d.get_map("meta").to_json() + ",\"elements\":" + d.get_map("elements").to_json();
  for (const char* a : {"goals", "checkins", "feedback"})
    out += std::string(",\"") + a + "\":" + d.get_array(a).to_json();
  out += ",\"notes\":[";
  bool first = true;
  for (const auto& op : d.get_text("notes").to_delta()) {
    if (!first) out += ",";
    first = false;
    const auto* s = std::get_if<std::string>(&op.insert);
    out += "{\"insert\":" + (s ? crdt::any(*s).to_json() : std::string("\"<embed>\"")) +
           ",\"attributes\":" + crdt::any(op.attributes).to_json() + "}";
  }
  return out + "]}";
}
json::value doc_json(crdt::doc& d) {
  return json::parse(content(d));
}

crdt::doc from_update(crdt::bytes_view u) {
  crdt::doc d;
  auto r = d.apply_update(u);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  return d;
}

}  // namespace

TEST_CASE("templates plan document follows the DESIGN.md plan schema") {
  auto d = from_update(make_plan_template("Ada & Bo", "Ada", "Bo"));
  auto j = doc_json(d);
  INFO(d.to_json());
  const auto& meta = j.at("meta").as_object();
  CHECK(meta.at("kind").as_string() == "plan");
  CHECK(meta.at("title").as_string() == "Ada & Bo");
  CHECK(meta.at("mentor").as_string() == "Ada");
  CHECK(meta.at("mentee").as_string() == "Bo");
  const auto& goals = j.at("goals").as_array();
  REQUIRE(goals.size() == 1);
  const auto& g = goals[0].as_object();
  for (const char* k : {"id", "title", "description", "status", "progress", "owner", "milestones"})
    CHECK_MESSAGE(g.contains(k), k);
  CHECK(g.at("status").as_string() == "not-started");
  CHECK(d.get_array("goals").get(0).as_map().get("title")->kind() == crdt::type_kind::text);
  CHECK(d.get_array("goals").get(0).as_map().get("milestones")->kind() == crdt::type_kind::array);
  CHECK(d.get_text("notes").to_string() == "Notes\n");
  auto delta = d.get_text("notes").to_delta();
  REQUIRE(delta.size() == 2);
  CHECK(delta[1].attributes == crdt::any::object{{"header", crdt::any(2)}});
}

TEST_CASE("templates session board has meta and an agenda frame with the agenda text") {
  auto d = from_update(make_session_board("Session 3", {"Review goals", "Next steps"}, 1764000000000));
  INFO(d.to_json());
  auto meta = d.get_map("meta");
  CHECK(meta.get("kind")->as_any().as_string() == "board");
  CHECK(meta.get("title")->as_any().as_string() == "Session 3");
  CHECK(meta.get("createdAt")->as_any().as_number() == 1764000000000.0);
  auto elements = d.get_map("elements");
  auto frame = elements.get("agenda-frame");
  REQUIRE(frame.has_value());
  CHECK(frame->as_map().get("type")->as_any().as_string() == "frame");
  CHECK(frame->as_map().get("name")->as_any().as_string() == "Agenda");
  auto text = elements.get("agenda-text");
  REQUIRE(text.has_value());
  CHECK(text->as_map().get("type")->as_any().as_string() == "text");
  auto body = text->as_map().get("text")->as_text();
  CHECK(body.to_string() == "Agenda\n1. Review goals\n2. Next steps");
  auto delta = body.to_delta();
  REQUIRE(delta.size() == 2);  // bold heading, then plain lines (no inherited bold)
  CHECK(delta[0].attributes == crdt::any::object{{"bold", crdt::any(true)}});
  CHECK(delta[1].attributes.empty());
}

TEST_CASE("versions restore turns the current plan back into the version, keeping the history") {
  crdt::doc a(crdt::doc_options{1001, true});
  REQUIRE(a.apply_update(make_plan_template("Plan", "Ada", "Bo")).ok());
  transact_update(a, [&](crdt::transaction& t) {
    a.get_text("notes").insert(t, 0, "Keep this. ");
    a.get_array("goals").get(0).as_map().set(t, "progress", 30);
  });
  crdt::bytes version = a.encode_state_as_update();
  crdt::doc version_doc = from_update(version);
  auto want = doc_json(version_doc);

  // Edits after the version: title, progress, a new goal, a deleted milestone list, notes,
  // formatting, a new root entry.
  transact_update(a, [&](crdt::transaction& t) {
    a.get_map("meta").set(t, "title", "Renamed");
    a.get_map("meta").set(t, "extra", "x");
    auto g0 = a.get_array("goals").get(0).as_map();
    g0.set(t, "progress", 80);
    g0.get("title")->as_text().insert(t, 0, "Big ");
    g0.remove(t, "milestones");
    auto g1 = a.get_array("goals").insert_map(t, 1);
    g1.set(t, "id", "goal-2");
    a.get_text("notes").format(t, 0, 4, {{"bold", crdt::any(true)}});
    a.get_text("notes").insert(t, a.get_text("notes").size(), "more");
    a.get_array("checkins").push_back(t, crdt::any("2026-11-25"));
  });
  crdt::bytes before_restore = a.encode_state_as_update();
  REQUIRE(doc_json(a) != want);

  auto u = apply_restore(a, version);
  REQUIRE_MESSAGE(u.ok(), (u.ok() ? "" : u.err().message));
  CHECK(doc_json(a) == want);
  a.check_invariants();

  // A peer holding the old history (everything before the restore) receives only the
  // restore update and lands on the version too.
  crdt::doc b = from_update(before_restore);
  REQUIRE(b.apply_update(*u).ok());
  CHECK(doc_json(b) == want);

  // The history is kept: the document still contains every client's operations (its
  // state vector did not go back) and the restore itself is a new change.
  CHECK(a.encode_state_vector() != crdt::doc().encode_state_vector());
  auto sv_before = from_update(before_restore).encode_state_vector();
  CHECK(a.encode_state_vector() != sv_before);

  // Restoring again changes nothing.
  auto again = apply_restore(a, version);
  REQUIRE(again.ok());
  crdt::doc c = from_update(a.encode_state_as_update());
  if (!again->empty()) REQUIRE(c.apply_update(*again).ok());
  CHECK(doc_json(c) == want);
}

TEST_CASE("versions restore keeps a concurrent edit to an untouched part and both peers converge") {
  crdt::doc a(crdt::doc_options{2001, true});
  REQUIRE(a.apply_update(make_plan_template("Plan", "Ada", "Bo")).ok());
  crdt::bytes version = a.encode_state_as_update();
  transact_update(a, [&](crdt::transaction& t) { a.get_map("meta").set(t, "title", "Changed"); });
  crdt::doc b = from_update(a.encode_state_as_update());
  // b edits notes while a restores.
  auto ub = transact_update(b, [&](crdt::transaction& t) { b.get_text("notes").insert(t, 0, "Peer: "); });
  auto ua = apply_restore(a, version);
  REQUIRE(ua.ok());
  REQUIRE(a.apply_update(ub).ok());
  REQUIRE(b.apply_update(*ua).ok());
  CHECK(a.to_json() == b.to_json());
  CHECK(a.get_map("meta").get("title")->as_any().as_string() == "Plan");
  CHECK(a.get_text("notes").to_string() == "Peer: Notes\n");
}

TEST_CASE("versions restore matches the version on random documents") {
  std::uint32_t seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  for (int iter = 0; iter < 60; ++iter) {
    INFO("iteration " << iter);
    crdt::doc a(crdt::doc_options{static_cast<std::uint64_t>(10 + iter), true});
    test::random_edits(a, rng, 15);
    crdt::bytes version = a.encode_state_as_update();
    test::random_edits(a, rng, 15);
    crdt::bytes old = a.encode_state_as_update();
    auto u = apply_restore(a, version);
    REQUIRE(u.ok());
    crdt::doc vd = from_update(version);
    auto want = content(vd);
    CHECK(content(a) == want);
    crdt::doc b = from_update(old);
    if (!u->empty()) REQUIRE(b.apply_update(*u).ok());
    CHECK(content(b) == want);
  }
}

TEST_CASE("versions service saves, lists, shows and restores a stored document") {
  test::temp_store ts;
  auto& s = *ts.store;
  crdt::doc d(crdt::doc_options{3001, true});
  auto append = [&](const crdt::bytes& u) {
    auto r = s.append("ws/plan", u).get();
    REQUIRE(r.ok());
  };
  auto tmpl = make_plan_template("T", "M", "E");
  append(tmpl);
  REQUIRE(d.apply_update(tmpl).ok());
  append(transact_update(d, [&](crdt::transaction& t) { d.get_text("notes").insert(t, 0, "v1 "); }));
  version_service vs(s);
  auto v1 = vs.save("ws/plan", "Session 1 \xE2\x80\x94 2026-11-25", "ada");
  REQUIRE_MESSAGE(v1.ok(), (v1.ok() ? "" : v1.err().message));
  CHECK(v1->number == 1);
  append(transact_update(d, [&](crdt::transaction& t) { d.get_text("notes").insert(t, 0, "v2 "); }));
  auto list = vs.list("ws/plan");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].label == "Session 1 \xE2\x80\x94 2026-11-25");
  auto view = vs.json("ws/plan", 1);
  REQUIRE(view.ok());
  REQUIRE(view->has_value());
  CHECK(json::parse(**view).at("notes").as_string() == "v1 Notes\n");
  auto u = vs.restore_update("ws/plan", 1);
  REQUIRE(u.ok());
  append(*u);
  auto now = load_doc(s, "ws/plan");
  REQUIRE(now.ok());
  CHECK(now->get_text("notes").to_string() == "v1 Notes\n");
  CHECK_FALSE(vs.restore_update("ws/plan", 9).ok());
  auto missing = vs.json("ws/plan", 9);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("versions replay returns the base before 'from' and the updates in the time range, in order") {
  test::temp_store ts;
  auto& s = *ts.store;
  crdt::doc d(crdt::doc_options{4001, true});
  std::vector<crdt::bytes> ups;
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  auto edit = [&](const char* s2) {
    auto u = transact_update(d, [&](crdt::transaction& t) { d.get_text("t").insert(t, d.get_text("t").size(), s2); });
    REQUIRE(s.append("b/1", u).get().ok());
    ups.push_back(u);
  };
  edit("a");
  edit("b");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto mid = now_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  edit("c");
  edit("d");
  auto r = replay(s, "b/1", mid, now_ms() + 1000);
  REQUIRE(r.ok());
  REQUIRE(r->updates.size() == 2);
  CHECK(r->updates[0].seq < r->updates[1].seq);
  CHECK(r->updates[0].time <= r->updates[1].time);
  CHECK(r->updates[0].data == ups[2]);
  CHECK(r->updates[1].data == ups[3]);
  CHECK_FALSE(r->history_compacted);
  CHECK(from_update(r->base).get_text("t").to_string() == "ab");
  // Framing round trip with the lib0 decoder.
  auto framed = encode_replay(*r);
  crdt::lib0::decoder dec(framed);
  CHECK(dec.read_var_uint8_array() == r->base);
  for (const auto& e : r->updates) {
    CHECK(dec.read_var_uint() == e.seq);
    CHECK(dec.read_var_uint() == static_cast<std::uint64_t>(e.time));
    CHECK(dec.read_var_uint8_array() == e.data);
  }
  CHECK(dec.done());
  auto limited = replay(s, "b/1", 0, now_ms() + 1000, 3);
  REQUIRE(limited.ok());
  CHECK(limited->updates.size() == 3);
  CHECK(limited->truncated);
  CHECK_FALSE(replay(s, "b/1", 10, 5).ok());
  auto unknown = replay(s, "nope/1", 0, 10);
  REQUIRE(unknown.ok());
  CHECK(unknown->updates.empty());
}

TEST_CASE("versions restore of a text rewrites only the changed middle, keeping formatting around it") {
  crdt::doc a(crdt::doc_options{5001, true});
  std::string long_text(1000, 'x');
  transact_update(a, [&](crdt::transaction& t) {
    a.get_text("notes").insert(t, 0, "Title", {{"bold", crdt::any(true)}});
    a.get_text("notes").insert(t, 5, long_text, {{"bold", crdt::any(nullptr)}});
  });
  crdt::bytes version = a.encode_state_as_update();
  transact_update(a, [&](crdt::transaction& t) {
    a.get_text("notes").insert(t, 505, "inserted");
    a.get_text("notes").remove(t, 1000, 3);
  });
  auto u = apply_restore(a, version);
  REQUIRE(u.ok());
  crdt::doc vd = from_update(version);
  CHECK(content(a) == content(vd));
  // A full rewrite would carry the 1005 characters again; the middle-only one does not.
  CHECK(u->size() < 200);
  auto delta = a.get_text("notes").to_delta();
  REQUIRE(delta.size() == 2);
  CHECK(delta[0].attributes == crdt::any::object{{"bold", crdt::any(true)}});
}
