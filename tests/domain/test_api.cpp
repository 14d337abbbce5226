// Domain REST handlers: auth rules (prefix by whole segments, roles), status codes, and the
// session flow through the handlers.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cmath>

#include "domain_test_util.hpp"
#include "tandem/domain/api.hpp"
#include "tandem/domain/json_util.hpp"

using namespace tandem;
using namespace tandem::domain;
namespace json = boost::json;

TEST_CASE("api prefix covers whole path segments only") {
  CHECK(prefix_covers("acme-7", "acme-7"));
  CHECK(prefix_covers("acme-7", "acme-7/plan"));
  CHECK(prefix_covers("acme-7", "acme-7/board/3"));
  CHECK_FALSE(prefix_covers("acme-7", "acme-70/plan"));
  CHECK_FALSE(prefix_covers("acme-7", "acme"));
  CHECK_FALSE(prefix_covers("", "acme-7"));
  CHECK(prefix_covers("*", "anything/at/all"));
}

namespace {
struct fixture {
  test::temp_store ts;
  std::unique_ptr<workspace_service> ws;
  std::unique_ptr<session_service> ss;
  std::unique_ptr<domain_api> api;
  caller admin{"root", "Admin", "admin", "*"};
  caller mentor{"ada", "Ada", "mentor", "acme-7"};
  caller mentee{"bo", "Bo", "mentee", "acme-7"};
  caller viewer{"guest", "Guest", "viewer", "acme-7"};
  caller other{"zed", "Zed", "mentor", "acme-70"};
  fixture() {
    auto w = workspace_service::open(*ts.store);
    REQUIRE(w.ok());
    ws = std::move(w).value();
    ss = std::make_unique<session_service>(*ts.store, *ws);
    api = std::make_unique<domain_api>(*ts.store, *ws, *ss);
  }
};
json::value body(const api_response& r) {
  return json::parse(r.body);
}
const char* k_ws =
    R"({"id": "acme-7", "title": "Ada & Bo", "mentor": {"id": "ada", "name": "Ada", "time_zone": "Europe/Berlin"},
                      "mentees": [{"id": "bo", "name": "Bo", "time_zone": "America/New_York"}]})";
}  // namespace

TEST_CASE("api workspace creation is admin-only and returns one invite per person") {
  fixture f;
  CHECK(f.api->create_workspace(f.mentor, k_ws, 1).status == 403);
  auto r = f.api->create_workspace(f.admin, k_ws, 1);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  auto b = body(r);
  CHECK(b.at("workspace").at("id").as_string() == "acme-7");
  const auto& inv = b.at("invites").as_array();
  REQUIRE(inv.size() == 2);
  CHECK(inv[0].at("role").as_string() == "mentor");
  CHECK(inv[1].at("role").as_string() == "mentee");
  CHECK(f.api->create_workspace(f.admin, k_ws, 2).status == 409);
  CHECK(f.api->create_workspace(f.admin, "{", 2).status == 400);
  CHECK(f.api->get_workspace(f.mentee, "acme-7").status == 200);
  CHECK(f.api->get_workspace(f.other, "acme-7").status == 403);
  CHECK(f.api->get_workspace(f.admin, "nope").status == 404);
  CHECK(body(f.api->list_workspaces(f.other)).at("workspaces").as_array().empty());
  CHECK(body(f.api->list_workspaces(f.viewer)).at("workspaces").as_array().size() == 1);
}

TEST_CASE("api invites and revocation are for the workspace's mentor or an admin") {
  fixture f;
  REQUIRE(f.api->create_workspace(f.admin, k_ws, 1).status == 201);
  CHECK(f.api->create_invite(f.mentee, "acme-7", R"({"viewer_name": "G"})", 2).status == 403);
  CHECK(f.api->create_invite(f.other, "acme-7", R"({"viewer_name": "G"})", 2).status == 403);
  CHECK(f.api->create_invite(f.mentor, "acme-7", R"({"viewer_name": "G", "person_id": "bo"})", 2).status ==
        400);
  CHECK(f.api->create_invite(f.mentor, "acme-7", R"({"person_id": "nobody"})", 2).status == 404);
  CHECK(f.api->create_invite(f.mentor, "acme-7", R"({"viewer_name": "G", "expires": 1})", 2).status == 400);
  auto r = f.api->create_invite(f.mentor, "acme-7", R"({"viewer_name": "Guest"})", 2);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  std::string id(body(r).at("token_id").as_string());
  CHECK(body(f.api->list_invites(f.mentor, "acme-7")).at("invites").as_array().size() == 3);
  CHECK(f.api->list_invites(f.viewer, "acme-7").status == 403);
  CHECK(f.api->revoke(f.mentee, id, 3).status == 403);
  CHECK(f.api->revoke(f.mentor, "unknown", 3).status == 404);
  CHECK_FALSE(f.ws->is_revoked(id));
  CHECK(f.api->revoke(f.mentor, id, 3).status == 200);
  CHECK(f.ws->is_revoked(id));
  CHECK(f.api->revoke(f.admin, "issued-by-cli", 3).status == 200);
  CHECK(f.ws->is_revoked("issued-by-cli"));
}

TEST_CASE("api session flow: schedule, ics, start, end, versions, restore, replay; viewers only read") {
  fixture f;
  REQUIRE(f.api->create_workspace(f.admin, k_ws, 1).status == 201);
  CHECK(f.api->schedule_session(f.viewer, "acme-7", R"({"date": "2026-11-25", "time": "15:00"})").status ==
        403);
  auto s = f.api->schedule_session(f.mentee, "acme-7",
                                   R"({"date": "2026-11-25", "time": "15:00", "agenda": ["Goals"]})");
  REQUIRE_MESSAGE(s.status == 201, s.body);
  CHECK(f.api->schedule_session(f.mentee, "acme-7", R"({"date": "2026-11-31", "time": "15:00"})").status ==
        400);
  auto ics = f.api->sessions_ics(f.viewer, "acme-7", 0);
  CHECK(ics.status == 200);
  CHECK(ics.content_type.rfind("text/calendar", 0) == 0);
  CHECK(f.api->start_session(f.viewer, "acme-7", "1", 10).status == 403);
  CHECK(f.api->start_session(f.mentor, "acme-7", "x", 10).status == 400);
  CHECK(f.api->start_session(f.mentor, "acme-7", "9", 10).status == 404);
  CHECK(f.api->end_session(f.mentor, "acme-7", "1", 10).status == 409);  // not started
  REQUIRE(f.api->start_session(f.mentor, "acme-7", "1", 10).status == 200);
  auto e = f.api->end_session(f.mentor, "acme-7", "1", 20);
  REQUIRE_MESSAGE(e.status == 200, e.body);
  CHECK(body(e).at("versions").as_array().size() == 2);
  CHECK(
      body(f.api->list_sessions(f.viewer, "acme-7")).at("sessions").as_array()[0].at("status").as_string() ==
      "ended");
  CHECK(f.api->session_pdf(f.viewer, "acme-7", "1").status == 404);  // not rendered yet

  auto versions = f.api->list_versions(f.viewer, "acme-7/board/1");
  REQUIRE(versions.status == 200);
  auto vbody = body(versions);
  const auto& vl = vbody.at("versions").as_array();
  REQUIRE(vl.size() == 1);
  CHECK(vl[0].at("label").as_string() == "Session 1 \xE2\x80\x94 2026-11-25");
  CHECK(vl[0].at("author").as_string() == "Ada");
  CHECK(f.api->list_versions(f.other, "acme-7/board/1").status == 403);
  auto view = f.api->get_version(f.viewer, "acme-7/board/1", "1", "");
  REQUIRE(view.status == 200);
  CHECK(body(view).at("meta").at("kind").as_string() == "board");
  CHECK(f.api->get_version(f.viewer, "acme-7/board/1", "1", "update").content_type ==
        "application/octet-stream");
  CHECK(f.api->get_version(f.viewer, "acme-7/board/1", "2", "").status == 404);
  CHECK(f.api->restore_version(f.viewer, "acme-7/board/1", "1").status == 403);
  CHECK(f.api->restore_version(f.mentee, "acme-7/board/1", "1").status == 200);
  CHECK(f.api->restore_version(f.mentee, "acme-7/board/1", "5").status == 404);
  CHECK(f.api->save_version(f.viewer, "acme-7/plan", "", 30).status == 403);
  auto sv = f.api->save_version(f.mentee, "acme-7/plan", R"({"label": "Before goals rework"})", 30);
  REQUIRE_MESSAGE(sv.status == 201, sv.body);
  CHECK(body(sv).at("number").as_int64() == 2);
  auto rp = f.api->replay(f.viewer, "acme-7/board/1", "", "");
  CHECK(rp.status == 200);
  CHECK(f.api->replay(f.viewer, "acme-7/board/1", "abc", "").status == 400);
  CHECK(f.api->replay(f.other, "acme-7/board/1", "", "").status == 403);
}

TEST_CASE("api match is for admins and mentors and reports bad requests as 400") {
  fixture f;
  CHECK(f.api->match(f.mentee, "{}").status == 403);
  CHECK(f.api->match(f.admin, "{}").status == 400);
  auto r = f.api->match(f.mentor,
                        R"({"mentors": [], "mentees": [], "options": {"reference_week": "2026-01-05"}})");
  CHECK(r.status == 200);
}

TEST_CASE("api JSON writer prints numbers like JavaScript and stays valid JSON") {
  json::value v = json::object{
      {"a", 60.0}, {"b", 68.333}, {"c", 0.1}, {"d", -2.5}, {"e", json::array{1, 2.0, "x"}}, {"f", 3}};
  CHECK(write_json(v) == R"({"a":60,"b":68.333,"c":0.1,"d":-2.5,"e":[1,2,"x"],"f":3})");
  CHECK(json::parse(write_json(v, true)) == json::parse(write_json(v)));
  CHECK(write_json(json::value(std::nan(""))) == "null");
}
