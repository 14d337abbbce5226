// Sessions: scheduling in local time, the .ics schedule, start (board from the template),
// end (named versions of board and plan), PDFs, and refused transitions.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "domain_test_util.hpp"
#include "tandem/domain/sessions.hpp"
#include "tandem/domain/tz.hpp"

using namespace tandem;
using namespace tandem::domain;
namespace json = boost::json;

namespace {
struct fixture {
  test::temp_store ts;
  std::unique_ptr<workspace_service> ws;
  std::unique_ptr<session_service> ss;
  fixture() {
    auto w = workspace_service::open(*ts.store);
    REQUIRE(w.ok());
    ws = std::move(*w);
    auto rec = parse_workspace(
        json::parse(R"({"id": "acme-7", "title": "Ada, Bo", "meeting_link": "https://meet.example.org/acme-7",
      "mentor": {"name": "Ada", "time_zone": "Europe/Berlin"}, "mentees": [{"name": "Bo", "time_zone": "America/New_York"}]})"));
    REQUIRE(rec.ok());
    REQUIRE(ws->create_workspace(*rec, 1000).ok());
    ss = std::make_unique<session_service>(*ts.store, *ws);
  }
};
session_request req(const char* text) {
  auto r = parse_session_request(json::parse(text));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  return *r;
}
}  // namespace

TEST_CASE("sessions are numbered, converted from local time to UTC and default to the mentor's zone") {
  fixture f;
  auto s1 = f.ss->schedule("acme-7",
                           req(R"({"date": "2026-11-25", "time": "15:00", "agenda": ["Goals", "Next"]})"));
  REQUIRE(s1.ok());
  CHECK(s1->number == 1);
  CHECK(s1->time_zone == "Europe/Berlin");
  CHECK(format_utc(s1->start_utc) == "2026-11-25T14:00:00Z");  // CET = UTC+1
  CHECK(s1->board == "acme-7/board/1");
  CHECK(s1->status == "scheduled");
  auto s2 =
      f.ss->schedule("acme-7", req(R"({"date": "2026-07-01", "time": "09:30", "time_zone": "America/New_York",
                                            "agenda": "One\nTwo\r\n\nThree", "duration_minutes": 45})"));
  REQUIRE(s2.ok());
  CHECK(s2->number == 2);
  CHECK(format_utc(s2->start_utc) == "2026-07-01T13:30:00Z");  // EDT = UTC-4
  CHECK(s2->agenda == std::vector<std::string>{"One", "Two", "Three"});
  auto list = f.ss->list("acme-7");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].number == 1);
  CHECK(f.ss->schedule("nope", req(R"({"date": "2026-11-25", "time": "15:00"})")).ok() == false);
}

TEST_CASE("sessions request parsing refuses bad dates, times, durations and agendas") {
  const char* bad[] = {R"({"time": "15:00"})",
                       R"({"date": "2026-02-30", "time": "15:00"})",
                       R"({"date": "2026-02-03", "time": "24:00"})",
                       R"({"date": "2026-02-03", "time": "3pm"})",
                       R"({"date": "2026-02-03", "time": "15:00", "duration_minutes": 0})",
                       R"({"date": "2026-02-03", "time": "15:00", "agenda": [1, 2]})",
                       R"("x")"};
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_session_request(json::parse(b)).ok());
  }
}

TEST_CASE("sessions schedule exports as ics with one event per open session") {
  fixture f;
  REQUIRE(
      f.ss->schedule("acme-7", req(R"({"date": "2026-11-25", "time": "15:00", "agenda": ["Goals; risks"]})"))
          .ok());
  REQUIRE(f.ss->schedule("acme-7", req(R"({"date": "2026-12-02", "time": "15:00", "duration_minutes": 30})"))
              .ok());
  auto ics = f.ss->ics("acme-7", 1764000000);
  REQUIRE(ics.ok());
  const std::string& s = *ics;
  CHECK(s.find("UID:acme-7-session-1@tandem\r\n") != std::string::npos);
  CHECK(s.find("UID:acme-7-session-2@tandem\r\n") != std::string::npos);
  CHECK(s.find("DTSTART:20261125T140000Z\r\n") != std::string::npos);
  CHECK(s.find("DTEND:20261202T143000Z\r\n") != std::string::npos);
  CHECK(s.find("SUMMARY:Ada\\, Bo: Session 1\r\n") != std::string::npos);
  CHECK(s.find("Goals\\; risks") != std::string::npos);
  CHECK(s.find("URL:https://meet.example.org/acme-7\r\n") != std::string::npos);
}

TEST_CASE(
    "sessions start creates the board from the template and end saves named versions of board and plan") {
  fixture f;
  REQUIRE(
      f.ss->schedule("acme-7", req(R"({"date": "2026-11-25", "time": "15:00", "agenda": ["Goals"]})")).ok());
  CHECK_FALSE(f.ss->end("acme-7", 1, "ada", 5000).ok());  // not started yet
  auto st = f.ss->start("acme-7", 1, 2000);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.err().message));
  CHECK(st->status == "started");
  CHECK(st->started_at == 2000);
  auto board = load_doc(*f.ts.store, "acme-7/board/1");
  REQUIRE(board.ok());
  CHECK(board->get_map("meta").get("kind")->as_any().as_string() == "board");
  CHECK(board->get_map("elements").contains("agenda-frame"));
  // Starting twice does not add a second template.
  auto info1 = f.ts.store->info("acme-7/board/1");
  REQUIRE(f.ss->start("acme-7", 1, 2500).ok());
  auto info2 = f.ts.store->info("acme-7/board/1");
  CHECK((*info1)->last_seq == (*info2)->last_seq);

  auto end = f.ss->end("acme-7", 1, "ada", 3000);
  REQUIRE_MESSAGE(end.ok(), (end.ok() ? "" : end.err().message));
  CHECK(end->status == "ended");
  REQUIRE(end->versions.size() == 2);
  CHECK(end->versions[0].doc == "acme-7/board/1");
  CHECK(end->versions[1].doc == "acme-7/plan");
  auto vb = f.ts.store->list_versions("acme-7/board/1");
  REQUIRE(vb.ok());
  REQUIRE(vb->size() == 1);
  CHECK((*vb)[0].label == "Session 1 \xE2\x80\x94 2026-11-25");
  CHECK((*vb)[0].author == "ada");
  auto vp = f.ts.store->list_versions("acme-7/plan");
  REQUIRE(vp.ok());
  REQUIRE(vp->size() == 1);
  CHECK_FALSE(f.ss->start("acme-7", 1, 4000).ok());  // ended sessions stay ended

  // PDF stored by the server after rendering.
  std::vector<std::uint8_t> pdf = {'%', 'P', 'D', 'F', '-', '1', '.', '7'};
  REQUIRE(f.ss->store_pdf("acme-7", 1, pdf).ok());
  auto got = f.ss->pdf("acme-7", 1);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK(**got == pdf);
  CHECK((*f.ss->get("acme-7", 1))->has_pdf);
  CHECK_FALSE(f.ss->store_pdf("acme-7", 7, pdf).ok());
  // Ended sessions leave the .ics schedule.
  auto ics = f.ss->ics("acme-7", 0);
  REQUIRE(ics.ok());
  CHECK(ics->find("session-1@") == std::string::npos);
}
