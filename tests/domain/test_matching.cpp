// Matching: the score of a pair (tags, language, availability in UTC across DST), the exact
// assignment (cases where greedy fails, capacities, ties, unequal sizes) cross-checked by
// brute force, and the JSON request/response of POST /api/match.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <functional>
#include <random>

#include "tandem/domain/matching.hpp"
#include "tandem/domain/tz.hpp"

using namespace tandem::domain;
namespace json = boost::json;

namespace {

profile person(std::string id, std::vector<std::string> tags, std::vector<std::string> langs,
               std::string zone, std::vector<weekly_slot> slots, int capacity = 1) {
  profile p;
  p.id = p.name = std::move(id);
  p.tags = std::move(tags);
  p.languages = std::move(langs);
  p.time_zone = std::move(zone);
  p.availability = std::move(slots);
  p.capacity = capacity;
  return p;
}
weekly_slot slot(int day, int h0, int h1) {
  return {day, h0 * 3600, h1 * 3600};
}

match_options week_of(const char* date) {
  match_options o;
  auto d = parse_date(date);
  REQUIRE(d.ok());
  o.week_start_day = *d - weekday_monday0(*d);
  return o;
}

double overlap_hours(const profile& a, const profile& b, const char* date) {
  auto s = score_pair(a, b, week_of(date));
  REQUIRE(s.ok());
  return s->overlap_hours;
}

// Lexicographic objective the solver promises: total weight, then assigned rows, then
// the preference for lower group indices.
struct objective {
  std::int64_t total = 0, count = 0, pref = 0;
  auto operator<=>(const objective&) const = default;
};

objective evaluate(const std::vector<std::vector<std::int64_t>>& w, const std::vector<int>& cap,
                   const std::vector<int>& a) {
  objective o;
  std::vector<int> used(cap.size(), 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] < 0) continue;
    auto j = static_cast<std::size_t>(a[i]);
    REQUIRE(w[i][j] >= 0);  // never a forbidden pair
    ++used[j];
    o.total += w[i][j];
    o.count += 1;
    o.pref += static_cast<std::int64_t>(cap.size()) - 1 - a[i];
  }
  for (std::size_t j = 0; j < cap.size(); ++j) REQUIRE(used[j] <= cap[j]);  // capacity respected
  return o;
}

objective brute_force(const std::vector<std::vector<std::int64_t>>& w, const std::vector<int>& cap) {
  std::vector<int> a(w.size(), -1);
  std::vector<int> used(cap.size(), 0);
  objective best{-1, -1, -1};
  std::function<void(std::size_t)> rec = [&](std::size_t i) {
    if (i == w.size()) {
      best = std::max(best, evaluate(w, cap, a));
      return;
    }
    a[i] = -1;
    rec(i + 1);
    for (std::size_t j = 0; j < cap.size(); ++j) {
      if (w[i][j] < 0 || used[j] >= cap[j]) continue;
      a[i] = static_cast<int>(j);
      ++used[j];
      rec(i + 1);
      --used[j];
    }
    a[i] = -1;
  };
  rec(0);
  return best;
}

}  // namespace

TEST_CASE(
    "matching availability overlap follows DST: Berlin vs New York in the March weeks only one side has "
    "switched") {
  auto mentor = person("m", {}, {"en"}, "Europe/Berlin", {slot(0, 15, 17)});    // Mon 15-17 Berlin
  auto mentee = person("e", {}, {"en"}, "America/New_York", {slot(0, 9, 11)});  // Mon 9-11 New York
  // February: CET (UTC+1) vs EST (UTC-5): 14-16Z and 14-16Z -> 2 h.
  CHECK(overlap_hours(mentor, mentee, "2026-02-16") == doctest::Approx(2.0));
  // 16 March 2026: New York already on EDT (since 8 March), Berlin still CET (until 29 March):
  // 14-16Z vs 13-15Z -> 1 h.
  CHECK(overlap_hours(mentor, mentee, "2026-03-16") == doctest::Approx(1.0));
  // April: CEST vs EDT: 13-15Z both -> 2 h.
  CHECK(overlap_hours(mentor, mentee, "2026-04-13") == doctest::Approx(2.0));
  // Autumn: Europe back on CET on 25 October, US on EST only from 1 November 2026:
  // 14-16Z vs 13-15Z -> 1 h in the week of 26 October.
  CHECK(overlap_hours(mentor, mentee, "2026-10-26") == doctest::Approx(1.0));
}

TEST_CASE("matching availability wraps across midnight and across the edge of the UTC week") {
  // Tokyo Mon 08-10 JST = Sun 23:00 - Mon 01:00 UTC; London (GMT in February) Sun 23:00-00:30.
  auto mentor = person("m", {}, {"en"}, "Asia/Tokyo", {slot(0, 8, 10)});
  auto mentee = person("e", {}, {"en"}, "Europe/London", {{6, 23 * 3600, 30 * 60}});
  // Overlap Sun 23:00 - Mon 00:30 UTC = 1.5 h, counted once within the UTC week.
  CHECK(overlap_hours(mentor, mentee, "2026-02-18") == doctest::Approx(1.5));
}

TEST_CASE("matching pair score combines tag overlap, shared language and availability as documented") {
  auto mentor = person("m", {"career", "design", "rust"}, {"de", "en"}, "Europe/Berlin", {slot(0, 15, 17)});
  auto mentee = person("e", {"career", "rust"}, {"en", "fr"}, "America/New_York", {slot(0, 9, 11)});
  auto s = score_pair(mentor, mentee, week_of("2026-03-16"));
  REQUIRE(s.ok());
  CHECK(s->allowed);
  CHECK(s->jaccard == doctest::Approx(2.0 / 3.0));
  CHECK(s->shared_tags == std::vector<std::string>{"career", "rust"});
  CHECK(s->shared_languages == std::vector<std::string>{"en"});
  // 100 * (0.5 * 2/3 + 0.2 * 1 + 0.3 * min(1 h / 2 h, 1)) = 68.333
  CHECK(s->score_milli == 68333);
  CHECK(s->explanation.find("career, rust") != std::string::npos);
  CHECK(s->explanation.find("1.0 h/week") != std::string::npos);
  REQUIRE(s->overlap.size() == 1);
  CHECK(format_utc(s->overlap[0].start) == "2026-03-16T14:00:00Z");
  CHECK(format_utc(s->overlap[0].end) == "2026-03-16T15:00:00Z");
}

TEST_CASE("matching forbids pairs without a shared language unless the option allows them") {
  auto mentor = person("m", {"go"}, {"de"}, "UTC", {slot(1, 9, 12)});
  auto mentee = person("e", {"go"}, {"ja"}, "UTC", {slot(1, 9, 12)});
  auto o = week_of("2026-05-05");
  auto s = score_pair(mentor, mentee, o);
  REQUIRE(s.ok());
  CHECK_FALSE(s->allowed);
  CHECK(s->reason == "no shared language");
  o.require_shared_language = false;
  s = score_pair(mentor, mentee, o);
  REQUIRE(s.ok());
  CHECK(s->allowed);
  CHECK(s->score_milli == 80000);  // 100 * (0.5 * 1 + 0.2 * 0 + 0.3 * 1)
}

TEST_CASE("matching assignment beats greedy on a case where the locally best pair is wrong") {
  // Greedy takes (0,0)=90 then (1,1)=10 -> 100; optimum is (0,1)+(1,0) = 80+85 = 165.
  std::vector<std::vector<std::int64_t>> w = {{90, 80}, {85, 10}};
  auto a = solve_assignment(w, {1, 1});
  CHECK(a == std::vector<int>{1, 0});
}

TEST_CASE("matching assignment respects capacities and leaves the surplus unassigned") {
  std::vector<std::vector<std::int64_t>> w = {{50, 10}, {60, 20}, {70, 30}, {40, 35}};
  auto a = solve_assignment(w, {2, 1});
  // Best: group 0 takes two rows, group 1 one row; total 60+70+35 = 165.
  CHECK(evaluate(w, {2, 1}, a).total == 165);
  CHECK(a == std::vector<int>{-1, 0, 0, 1});
  // Capacity 0 takes nobody.
  auto b = solve_assignment(w, {0, 1});
  CHECK(std::count(b.begin(), b.end(), 0) == 0);
  CHECK(std::count(b.begin(), b.end(), 1) == 1);
}

TEST_CASE("matching ties are broken deterministically in favour of earlier mentors") {
  std::vector<std::vector<std::int64_t>> w = {{70, 70, 70}};
  CHECK(solve_assignment(w, {1, 1, 1}) == std::vector<int>{0});
  std::vector<std::vector<std::int64_t>> w2 = {{70, 70}, {70, 70}, {70, 70}};
  auto a = solve_assignment(w2, {1, 2});
  CHECK(evaluate(w2, {1, 2}, a).count == 3);
  CHECK(solve_assignment(w2, {1, 2}) == a);  // same input, same answer
  // A zero-score but allowed pair is still preferred to leaving someone out.
  std::vector<std::vector<std::int64_t>> w3 = {{0, -1}};
  CHECK(solve_assignment(w3, {1, 1}) == std::vector<int>{0});
  // A forbidden pair is never used even if it is the only option.
  std::vector<std::vector<std::int64_t>> w4 = {{-1}, {-1}};
  CHECK(solve_assignment(w4, {5}) == std::vector<int>{-1, -1});
}

TEST_CASE("matching assignment equals brute force on random small instances") {
  std::uint32_t seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  for (int iter = 0; iter < 400; ++iter) {
    std::size_t n = std::uniform_int_distribution<std::size_t>(0, 6)(rng);
    std::size_t g = std::uniform_int_distribution<std::size_t>(0, 4)(rng);
    std::vector<int> cap(g);
    for (auto& c : cap) c = std::uniform_int_distribution<int>(0, 3)(rng);
    // Few distinct values so ties are common.
    std::vector<std::vector<std::int64_t>> w(n, std::vector<std::int64_t>(g));
    for (auto& row : w)
      for (auto& x : row) {
        int r = std::uniform_int_distribution<int>(0, 9)(rng);
        x = r == 0 ? -1 : (r - 1) * 12500;
      }
    INFO("iteration " << iter << " n=" << n << " groups=" << g);
    auto a = solve_assignment(w, cap);
    REQUIRE(a.size() == n);
    auto got = evaluate(w, cap, a);
    auto want = brute_force(w, cap);
    CHECK(got.total == want.total);
    CHECK(got.count == want.count);
    CHECK(got.pref == want.pref);
  }
}

TEST_CASE("matching JSON request yields an optimal assignment with an explanation per pair") {
  auto req = json::parse(R"({
    "options": {"reference_week": "2026-03-18"},
    "mentors": [
      {"id": "ada", "expertise": ["Rust", "career"], "languages": ["en"], "time_zone": "Europe/Berlin",
       "availability": [{"day": "mon", "start": "15:00", "end": "17:00"}], "capacity": 1},
      {"id": "bob", "expertise": ["rust"], "languages": ["en", "de"], "time_zone": "America/New_York",
       "availability": [{"day": "mon", "start": "09:00", "end": "11:00"}], "capacity": 1}
    ],
    "mentees": [
      {"id": "cy", "goals": ["rust"], "languages": ["EN"], "time_zone": "America/New_York",
       "availability": [{"day": "monday", "start": "09:00", "end": "11:00"}]},
      {"id": "di", "goals": ["rust", "career"], "languages": ["de", "en"], "time_zone": "Europe/Berlin",
       "availability": [{"day": "mon", "start": "15:00", "end": "17:00"}]},
      {"id": "ed", "goals": ["cooking"], "languages": ["fi"], "time_zone": "Europe/Helsinki"}
    ]})");
  auto r = match_json(req);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  const auto& o = r->as_object();
  CHECK(o.at("reference_week").as_string() == "2026-03-16");
  const auto& as = o.at("assignments").as_array();
  REQUIRE(as.size() == 2);
  // cy-bob: J=1, lang, 2 h -> 100; di-ada: J=1, lang, 2 h -> 100. Crossing would score less.
  CHECK(as[0].at("mentee").as_string() == "cy");
  CHECK(as[0].at("mentor").as_string() == "bob");
  CHECK(as[1].at("mentee").as_string() == "di");
  CHECK(as[1].at("mentor").as_string() == "ada");
  CHECK(o.at("total_score").to_number<double>() == doctest::Approx(200.0));
  CHECK(!as[0].at("explanation").as_string().empty());
  const auto& un = o.at("unmatched").as_array();
  REQUIRE(un.size() == 1);
  CHECK(un[0].at("mentee").as_string() == "ed");
}

TEST_CASE("matching JSON refuses malformed requests with a clear message") {
  const char* bad[] = {
      "[]",
      "{}",
      R"({"mentors": [], "mentees": 3})",
      R"({"mentors": [{"id": "a", "time_zone": "Nowhere/Land"}], "mentees": []})",
      R"({"mentors": [{"id": "a", "time_zone": "UTC"}, {"id": "a", "time_zone": "UTC"}], "mentees": []})",
      R"({"mentors": [{"id": "a", "time_zone": "UTC", "capacity": -1}], "mentees": []})",
      R"({"mentors": [{"id": "a", "time_zone": "UTC", "availability": [{"day": "funday", "start": "09:00", "end": "10:00"}]}], "mentees": []})",
      R"({"mentors": [{"id": "a", "time_zone": "UTC", "availability": [{"day": "mon", "start": "9", "end": "10:00"}]}], "mentees": []})",
      R"({"mentors": [{"time_zone": "UTC"}], "mentees": []})",
      R"({"mentors": [], "mentees": [], "options": {"reference_week": "2026-13-01"}})",
      R"({"mentors": [], "mentees": [], "options": {"weights": {"tags": 0, "language": 0, "availability": 0}}})",
  };
  for (const char* b : bad) {
    INFO(b);
    auto r = match_json(json::parse(b));
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(!r.err().message.empty());
  }
  auto empty = match_json(
      json::parse(R"({"mentors": [], "mentees": [], "options": {"reference_week": "2026-01-01"}})"));
  REQUIRE(empty.ok());
  CHECK(empty->at("assignments").as_array().empty());
}

TEST_CASE("matching JSON parser survives random and mutated requests") {
  std::string good = R"({"options": {"reference_week": "2026-03-18", "weights": {"tags": 1}},
    "mentors": [{"id": "a", "expertise": ["x"], "languages": ["en"], "time_zone": "Europe/Berlin", "capacity": 2,
                 "availability": [{"day": "mon", "start": "15:00", "end": "17:00"}]}],
    "mentees": [{"id": "b", "goals": ["x"], "languages": ["en"], "time_zone": "America/New_York",
                 "availability": [{"day": "sun", "start": "22:00", "end": "02:00"}]}]})";
  REQUIRE(match_json(json::parse(good)).ok());
  std::uint32_t seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  const std::string alphabet = "{}[]:,\"0123456789abcdefghijklmnopqrstuvwxyz-+.eE \\/";
  int valid_json = 0;
  for (int k = 0; k < 5000; ++k) {
    std::string m = good;
    int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = std::uniform_int_distribution<std::size_t>(0, m.size() - 1)(rng);
      char c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
      switch (rng() % 3) {
        case 0:
          m[pos] = c;
          break;
        case 1:
          m.insert(pos, 1, c);
          break;
        default:
          m.erase(pos, 1);
      }
    }
    boost::system::error_code ec;
    auto v = json::parse(m, ec);
    if (ec) continue;
    ++valid_json;
    auto r = match_json(v);
    if (!r.ok()) CHECK(!r.err().message.empty());
  }
  CHECK(valid_json > 0);
}

TEST_CASE("matching availability on the DST switch nights follows the documented gap and repeat rules") {
  // Berlin Sun 02:00-04:00 local vs a UTC mentee Sun 00:00-05:00.
  auto mentor = person("m", {}, {"en"}, "Europe/Berlin", {slot(6, 2, 4)});
  auto mentee = person("e", {}, {"en"}, "UTC", {slot(6, 0, 5)});
  // 29 March 2026: 02:00 does not exist (moves forward to 03:00 CEST = 01:00Z); 04:00 CEST =
  // 02:00Z -> 1 h.
  CHECK(overlap_hours(mentor, mentee, "2026-03-23") == doctest::Approx(1.0));
  // 25 October 2026: 02:00 happens twice, the first (CEST) = 00:00Z; 04:00 CET = 03:00Z -> 3 h.
  CHECK(overlap_hours(mentor, mentee, "2026-10-19") == doctest::Approx(3.0));
  // An ordinary Sunday in winter: 01:00Z-03:00Z -> 2 h.
  CHECK(overlap_hours(mentor, mentee, "2026-01-12") == doctest::Approx(2.0));
}
