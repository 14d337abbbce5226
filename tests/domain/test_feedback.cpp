// Feedback in plans and comments on board elements: the entries land in the documents with
// the schema's field names, and bad targets are refused.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "domain_test_util.hpp"
#include "tandem/domain/api.hpp"
#include "tandem/domain/feedback.hpp"
#include "tandem/domain/templates.hpp"

using namespace tandem;
using namespace tandem::domain;
namespace json = boost::json;

TEST_CASE("feedback is appended to the plan with author, role, text, createdAt, goalId and rating") {
  crdt::doc plan;
  REQUIRE(plan.apply_update(make_plan_template("P", "Ada", "Bo")).ok());
  auto u = add_feedback(plan, {"Bo", "mentee", "Great session", 1000, "goal-1", 5, 3});
  REQUIRE_MESSAGE(u.ok(), (u.ok() ? "" : u.err().message));
  auto j = json::parse(plan.get_array("feedback").to_json());
  REQUIRE(j.as_array().size() == 1);
  const auto& e = j.as_array()[0].as_object();
  CHECK(e.at("author").as_string() == "Bo");
  CHECK(e.at("role").as_string() == "mentee");
  CHECK(e.at("text").as_string() == "Great session");
  CHECK(e.at("createdAt").to_number<double>() == 1000);
  CHECK(e.at("goalId").as_string() == "goal-1");
  CHECK(e.at("rating").to_number<double>() == 5);
  CHECK(e.at("session").to_number<double>() == 3);
  CHECK_FALSE(add_feedback(plan, {"Bo", "mentee", "x", 1, "goal-404", 0, 0}).ok());
  CHECK_FALSE(add_feedback(plan, {"Bo", "viewer", "x", 1, "", 0, 0}).ok());
  CHECK_FALSE(add_feedback(plan, {"Bo", "mentee", "", 1, "", 0, 0}).ok());
  CHECK_FALSE(add_feedback(plan, {"Bo", "mentee", "x", 1, "", 6, 0}).ok());
  crdt::doc board;
  REQUIRE(board.apply_update(make_session_board("S", {}, 0)).ok());
  CHECK_FALSE(add_feedback(board, {"Bo", "mentee", "x", 1, "", 0, 0}).ok());
}

TEST_CASE("comments attach to an existing board element as a list") {
  crdt::doc board;
  REQUIRE(board.apply_update(make_session_board("S", {"a"}, 0)).ok());
  REQUIRE(add_comment(board, {"agenda-frame", "Ada", "Start here", 10, ""}).ok());
  auto u2 = add_comment(board, {"agenda-frame", "Bo", "ok", 20, "mentee"});
  REQUIRE(u2.ok());
  auto j = json::parse(board.get_map("elements").get("agenda-frame")->as_map().get("comments")->to_json());
  REQUIRE(j.as_array().size() == 2);
  CHECK_FALSE(j.as_array()[0].as_object().contains("role"));
  CHECK(j.as_array()[1].at("role").as_string() == "mentee");
  CHECK(j.as_array()[1].at("author").as_string() == "Bo");
  CHECK(j.as_array()[1].at("text").as_string() == "ok");
  CHECK_FALSE(add_comment(board, {"nope", "Ada", "x", 1, "mentor"}).ok());
  crdt::doc plan;
  REQUIRE(plan.apply_update(make_plan_template("P", "A", "B")).ok());
  CHECK_FALSE(add_comment(plan, {"agenda-frame", "Ada", "x", 1, "mentor"}).ok());
}

TEST_CASE("feedback api returns an update for the room and enforces roles") {
  test::temp_store ts;
  auto w = workspace_service::open(*ts.store);
  REQUIRE(w.ok());
  session_service ss(*ts.store, **w);
  domain_api api(*ts.store, **w, ss);
  caller admin{"root", "Admin", "admin", "*"}, bo{"bo", "Bo", "mentee", "acme-7"},
      guest{"g", "G", "viewer", "acme-7"};
  REQUIRE(api.create_workspace(
                 admin,
                 R"({"id": "acme-7", "title": "T", "mentor": {"name": "Ada"}, "mentees": [{"name": "Bo"}]})",
                 1)
              .status == 201);
  CHECK(api.add_feedback(guest, "acme-7/plan", R"({"text": "hi"})", 2).status == 403);
  CHECK(api.add_feedback(admin, "acme-7/plan", R"({"text": "hi"})", 2).status == 403);
  CHECK(api.add_feedback(bo, "acme-7/plan", R"({"text": "hi", "rating": 9})", 2).status == 400);
  auto r = api.add_feedback(bo, "acme-7/plan", R"({"text": "Thanks!", "rating": 4, "goal_id": "goal-1"})", 2);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.content_type == "application/octet-stream");
  // The update applies on top of the stored plan and carries the entry.
  auto plan = load_doc(*ts.store, "acme-7/plan");
  REQUIRE(plan.ok());
  REQUIRE(plan->apply_update(crdt::bytes(r.body.begin(), r.body.end())).ok());
  CHECK_FALSE(plan->has_pending());
  auto j = json::parse(plan->get_array("feedback").to_json());
  REQUIRE(j.as_array().size() == 1);
  CHECK(j.as_array()[0].at("author").as_string() == "Bo");
  CHECK(j.as_array()[0].at("role").as_string() == "mentee");
  CHECK(api.add_comment(bo, "acme-7/plan", R"({"element_id": "x", "text": "t"})", 3).status == 400);
}
