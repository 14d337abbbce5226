// Workspaces, invites and revocation over a real store in a temporary directory.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "domain_test_util.hpp"
#include "tandem/domain/workspace.hpp"

using namespace tandem::domain;
namespace json = boost::json;

namespace {
workspace sample() {
  auto w = parse_workspace(json::parse(R"({
    "id": "acme-7", "title": "Ada & Bo", "meeting_link": "https://meet.example.org/acme-7",
    "mentor": {"name": "Ada Lovelace", "time_zone": "Europe/London"},
    "mentees": [{"name": "Bo Chen", "time_zone": "Asia/Shanghai"}, {"id": "cy", "name": "Cy"}]})"));
  REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.err().message));
  return *w;
}
}  // namespace

TEST_CASE("workspace parse derives person ids from names and checks zones and ids") {
  auto w = sample();
  CHECK(w.id == "acme-7");
  CHECK(w.mentor.id == "ada-lovelace");
  REQUIRE(w.mentees.size() == 2);
  CHECK(w.mentees[0].id == "bo-chen");
  CHECK(w.mentees[1].time_zone == "UTC");
  const char* bad[] = {
      R"([])",
      R"({"title": "", "mentor": {"name": "A"}, "mentees": [{"name": "B"}]})",
      R"({"title": "T", "mentees": [{"name": "B"}]})",
      R"({"title": "T", "mentor": {"name": "A"}, "mentees": []})",
      R"({"title": "T", "id": "a/b", "mentor": {"name": "A"}, "mentees": [{"name": "B"}]})",
      R"({"title": "T", "id": "..", "mentor": {"name": "A"}, "mentees": [{"name": "B"}]})",
      R"({"title": "T", "mentor": {"name": "A", "time_zone": "Moon/Base"}, "mentees": [{"name": "B"}]})",
      R"({"title": "T", "mentor": {"name": "A", "id": "x"}, "mentees": [{"name": "B", "id": "x"}]})",
      R"({"title": "T", "mentor": {"name": "A"}, "mentees": [{"name": "B", "id": "Bad Id"}]})",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_workspace(json::parse(b)).ok());
  }
  // Same derived id twice: numbered, not refused.
  auto dup = parse_workspace(
      json::parse(R"({"title": "T", "mentor": {"name": "A"}, "mentees": [{"name": "Bo"}, {"name": "bo"}]})"));
  REQUIRE(dup.ok());
  CHECK(dup->mentees[1].id == "bo-2");
}

TEST_CASE("workspace create stores the record, seeds the plan document once, and refuses a duplicate id") {
  test::temp_store ts;
  auto svc = workspace_service::open(*ts.store);
  REQUIRE(svc.ok());
  auto w = (*svc)->create_workspace(sample(), 1000);
  REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.err().message));
  CHECK(w->created == 1000);
  auto got = (*svc)->get_workspace("acme-7");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->title == "Ada & Bo");
  CHECK((*got)->mentees.size() == 2);
  CHECK((*got)->created == 1000);
  auto plan = ts.store->info("acme-7/plan");
  REQUIRE(plan.ok());
  REQUIRE(plan->has_value());
  CHECK((*plan)->last_seq == 1);
  CHECK((*plan)->kind == "plan");
  CHECK_FALSE((*svc)->create_workspace(sample(), 2000).ok());
  auto list = (*svc)->list_workspaces();
  REQUIRE(list.ok());
  CHECK(list->size() == 1);
  auto none = (*svc)->get_workspace("nope");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("workspace invites carry the person's role and the workspace prefix") {
  test::temp_store ts;
  auto svc = workspace_service::open(*ts.store);
  REQUIRE(svc.ok());
  REQUIRE((*svc)->create_workspace(sample(), 1000).ok());
  auto mentor = (*svc)->create_invite("acme-7", "ada-lovelace", "", 2000, 0);
  REQUIRE(mentor.ok());
  CHECK(mentor->role == "mentor");
  CHECK(mentor->prefix == "acme-7");
  CHECK(mentor->name == "Ada Lovelace");
  CHECK(mentor->token_id.size() == 32);
  auto mentee = (*svc)->create_invite("acme-7", "cy", "", 2001, 0);
  REQUIRE(mentee.ok());
  CHECK(mentee->role == "mentee");
  auto viewer = (*svc)->create_invite("acme-7", "", "Guest", 2002, 0);
  REQUIRE(viewer.ok());
  CHECK(viewer->role == "viewer");
  CHECK(mentor->token_id != mentee->token_id);
  CHECK_FALSE((*svc)->create_invite("acme-7", "nobody", "", 2003, 0).ok());
  CHECK_FALSE((*svc)->create_invite("acme-8", "cy", "", 2003, 0).ok());
  CHECK_FALSE((*svc)->create_invite("acme-7", "", "", 2003, 0).ok());
  auto list = (*svc)->list_invites("acme-7");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK((*list)[0].role == "mentor");
  CHECK((*list)[2].role == "viewer");
  auto one = (*svc)->get_invite(mentee->token_id);
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK((*one)->person_id == "cy");
}

TEST_CASE("workspace revocation is checked in memory, persisted across reopen and announced once") {
  test::temp_store ts;
  std::string a, b;
  {
    auto svc = workspace_service::open(*ts.store);
    REQUIRE(svc.ok());
    REQUIRE((*svc)->create_workspace(sample(), 1000).ok());
    a = (*svc)->create_invite("acme-7", "cy", "", 2000, 0)->token_id;
    b = (*svc)->create_invite("acme-7", "bo-chen", "", 2000, 0)->token_id;
    std::vector<std::string> closed;
    (*svc)->on_revoke([&](const std::string& id) { closed.push_back(id); });
    CHECK_FALSE((*svc)->is_revoked(a));
    REQUIRE((*svc)->revoke(a, 3000).ok());
    REQUIRE((*svc)->revoke(a, 3001).ok());  // idempotent
    CHECK((*svc)->is_revoked(a));
    CHECK_FALSE((*svc)->is_revoked(b));
    CHECK(closed == std::vector<std::string>{a});
    auto inv = (*svc)->get_invite(a);
    REQUIRE(inv.ok());
    CHECK((*inv)->revoked);
    CHECK((*inv)->revoked_at == 3000);
    // Token ids not issued as invites (e.g. `tandem token`) can be revoked too.
    REQUIRE((*svc)->revoke("external-jti", 3002).ok());
    CHECK_FALSE((*svc)->revoke("", 3003).ok());
  }
  ts.reopen();
  auto svc = workspace_service::open(*ts.store);
  REQUIRE(svc.ok());
  CHECK((*svc)->is_revoked(a));
  CHECK((*svc)->is_revoked("external-jti"));
  CHECK_FALSE((*svc)->is_revoked(b));
}

TEST_CASE("workspace revocation written by another service instance on the same store is seen") {
  test::temp_store ts;
  auto server = workspace_service::open(*ts.store);
  auto cli = workspace_service::open(*ts.store);
  REQUIRE(server.ok());
  REQUIRE(cli.ok());
  CHECK_FALSE((*server)->is_revoked("abc"));
  REQUIRE((*cli)->revoke("abc", 5).ok());
  CHECK((*server)->is_revoked("abc"));
  CHECK_FALSE((*server)->is_revoked("abd"));
}
