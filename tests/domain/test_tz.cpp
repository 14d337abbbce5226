// Time zones from the system tz database: offsets checked against glibc's own reading of
// the same files (an independent implementation), DST gaps and repeats, bad input.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "tandem/domain/tz.hpp"

using namespace tandem::domain;

namespace {
long glibc_offset(const char* zone, std::int64_t utc) {
  setenv("TZ", zone, 1);
  tzset();
  std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}
std::int64_t utc_of(int y, unsigned m, unsigned d, int hh, int mm) {
  return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
}
}  // namespace

TEST_CASE("tz offsets agree with glibc localtime_r for random instants in many zones") {
  const char* zones[] = {"Europe/Berlin",     "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                         "America/Sao_Paulo", "Pacific/Auckland", "Asia/Tokyo",       "UTC",
                         "America/St_Johns",  "Europe/London",    "Pacific/Chatham",  "Africa/Casablanca"};
  std::uint32_t seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937_64 rng(seed);
  // 1990 .. 2060: covers explicit transitions and the POSIX footer rule past them.
  std::uniform_int_distribution<std::int64_t> dist(631152000, 2871763200);
  for (const char* z : zones) {
    auto tz = time_zone::load(z);
    REQUIRE_MESSAGE(tz.ok(), z);
    for (int k = 0; k < 2000; ++k) {
      std::int64_t t = dist(rng);
      INFO(z << " at " << format_utc(t));
      CHECK(tz->offset_at(t) == glibc_offset(z, t));
    }
  }
  unsetenv("TZ");
  tzset();
}

TEST_CASE("tz Berlin and New York switch to summer time on their own March Sundays") {
  auto berlin = time_zone::load("Europe/Berlin");
  auto ny = time_zone::load("America/New_York");
  REQUIRE(berlin.ok());
  REQUIRE(ny.ok());
  // 2026: US starts 8 March 02:00 EST (07:00Z), EU 29 March 01:00Z.
  CHECK(ny->offset_at(utc_of(2026, 3, 8, 6, 59)) == -5 * 3600);
  CHECK(ny->offset_at(utc_of(2026, 3, 8, 7, 0)) == -4 * 3600);
  CHECK(berlin->offset_at(utc_of(2026, 3, 29, 0, 59)) == 3600);
  CHECK(berlin->offset_at(utc_of(2026, 3, 29, 1, 0)) == 7200);
  CHECK(berlin->is_dst_at(utc_of(2026, 7, 1, 0, 0)));
  CHECK_FALSE(berlin->is_dst_at(utc_of(2026, 12, 1, 0, 0)));
  // Far future: only the footer rule applies (last Sunday of March 2071 is the 29th).
  CHECK(berlin->offset_at(utc_of(2071, 3, 29, 0, 59)) == 3600);
  CHECK(berlin->offset_at(utc_of(2071, 3, 29, 1, 0)) == 7200);
}

TEST_CASE("tz local_to_utc moves a skipped wall time forward and takes the first of a repeated one") {
  auto berlin = time_zone::load("Europe/Berlin");
  REQUIRE(berlin.ok());
  // 2026-03-29 02:30 does not exist in Berlin: becomes 03:30 CEST = 01:30Z.
  CHECK(berlin->local_to_utc(utc_of(2026, 3, 29, 2, 30)) == utc_of(2026, 3, 29, 1, 30));
  // 2026-10-25 02:30 happens twice: first as CEST (00:30Z).
  CHECK(berlin->local_to_utc(utc_of(2026, 10, 25, 2, 30)) == utc_of(2026, 10, 25, 0, 30));
  // Ordinary times.
  CHECK(berlin->local_to_utc(utc_of(2026, 1, 15, 9, 0)) == utc_of(2026, 1, 15, 8, 0));
  CHECK(berlin->local_to_utc(utc_of(2026, 7, 15, 9, 0)) == utc_of(2026, 7, 15, 7, 0));
  auto sydney = time_zone::load("Australia/Sydney");
  REQUIRE(sydney.ok());
  CHECK(sydney->local_to_utc(utc_of(2026, 1, 15, 9, 0)) == utc_of(2026, 1, 14, 22, 0));
  CHECK(sydney->local_to_utc(utc_of(2026, 7, 15, 9, 0)) == utc_of(2026, 7, 14, 23, 0));
}

TEST_CASE("tz refuses unknown names, path tricks and malformed TZif bytes") {
  CHECK_FALSE(time_zone::load("Mars/Olympus_Mons").ok());
  CHECK_FALSE(time_zone::load("../../etc/passwd").ok());
  CHECK_FALSE(time_zone::load("Europe//Berlin").ok());
  CHECK_FALSE(time_zone::load("").ok());
  CHECK_FALSE(time_zone::load("Europe/Ber lin").ok());
  CHECK_FALSE(time_zone::from_tzif("x", "").ok());
  CHECK_FALSE(time_zone::from_tzif("x", "TZif2").ok());
  CHECK_FALSE(time_zone::from_tzif("x", std::string(44, 'A')).ok());
  // Truncations of a real file never crash and are refused (or parse a v1 prefix).
  auto file = time_zone::load("Europe/Berlin");
  REQUIRE(file.ok());
  std::string hdr = "TZif2";
  hdr += std::string(15, '\0');
  for (int k = 0; k < 6; ++k) hdr += std::string("\xff\xff\xff\xff", 4);
  CHECK_FALSE(time_zone::from_tzif("x", hdr).ok());
}

TEST_CASE("tz POSIX TZ strings parse, including quoted names and southern rules") {
  auto r = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(r.ok());
  CHECK(r->std_offset == 3600);
  CHECK(r->dst_offset == 7200);
  CHECK(r->end.time == 3 * 3600);
  auto q = parse_posix_tz("<+0330>-3:30");
  REQUIRE(q.ok());
  CHECK(q->std_offset == 3 * 3600 + 1800);
  CHECK_FALSE(q->has_dst);
  CHECK(parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3").ok());
  CHECK_FALSE(parse_posix_tz("CET-1CEST,M13.5.0,M10.5.0").ok());
  CHECK_FALSE(parse_posix_tz("X").ok());
  CHECK_FALSE(parse_posix_tz("CET-1CEST,M3.5.0").ok());
}

TEST_CASE("tz date helpers validate calendar dates") {
  CHECK(parse_date("2026-11-25").ok());
  CHECK(weekday_monday0(*parse_date("2026-11-25")) == 2);  // a Wednesday
  CHECK_FALSE(parse_date("2026-02-29").ok());
  CHECK(parse_date("2028-02-29").ok());
  CHECK_FALSE(parse_date("2026-1-5").ok());
  CHECK(format_date(*parse_date("2026-03-16")) == "2026-03-16");
  CHECK(format_utc(utc_of(2026, 3, 16, 14, 5)) == "2026-03-16T14:05:00Z");
  CHECK(*parse_hhmm("24:00") == 86400);
  CHECK_FALSE(parse_hhmm("24:01").ok());
  CHECK_FALSE(parse_hhmm("9:00").ok());
}

TEST_CASE("tz mutated and truncated TZif files are refused or parsed, never read out of bounds") {
  std::ifstream in("/usr/share/zoneinfo/America/New_York", std::ios::binary);
  REQUIRE(in);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::uint32_t seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  int parsed = 0;
  for (std::size_t cut = 0; cut < file.size(); cut += 7) {
    auto tz = time_zone::from_tzif("cut", std::string_view(file).substr(0, cut));
    if (tz.ok()) {
      ++parsed;
      (void)tz->offset_at(1700000000);
    }
  }
  for (int k = 0; k < 3000; ++k) {
    std::string m = file;
    int flips = std::uniform_int_distribution<int>(1, 8)(rng);
    for (int f = 0; f < flips; ++f)
      m[std::uniform_int_distribution<std::size_t>(0, m.size() - 1)(rng)] = static_cast<char>(rng());
    auto tz = time_zone::from_tzif("mutated", m);
    if (tz.ok()) {
      for (std::int64_t t : {-5000000000LL, 0LL, 1700000000LL, 4000000000LL}) {
        (void)tz->offset_at(t);
        (void)tz->local_to_utc(t);
      }
    }
  }
  CHECK(time_zone::from_tzif("whole", file).ok());
  CHECK(parsed < static_cast<int>(file.size() / 7));  // most prefixes are refused
}
