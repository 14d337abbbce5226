// ICS output: RFC 5545 line ends, folding at 75 octets (UTF-8 safe), TEXT escaping, UTC times.
#include <doctest/doctest.h>

#include <sstream>

#include "tandem/domain/ics.hpp"
#include "tandem/domain/tz.hpp"

using namespace tandem::domain;

namespace {
// Unfolds per RFC 5545 3.1: CRLF followed by one space or tab is removed.
std::vector<std::string> unfold(const std::string& ics) {
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\r' && i + 1 < ics.size() && ics[i + 1] == '\n') {
      if (i + 2 < ics.size() && (ics[i + 2] == ' ' || ics[i + 2] == '\t')) {
        i += 2;
        continue;
      }
      lines.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += ics[i];
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}
std::string value_of(const std::vector<std::string>& lines, const std::string& name) {
  for (const auto& l : lines)
    if (l.rfind(name + ":", 0) == 0) return l.substr(name.size() + 1);
  return "<missing>";
}
}  // namespace

TEST_CASE("ics escapes backslash, semicolon, comma and newlines in TEXT values") {
  CHECK(ics_escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf");
  CHECK(ics_escape("plain text") == "plain text");
  CHECK(ics_escape(std::string("bell\x07", 5)) == "bell");
}

TEST_CASE("ics folds long lines at 75 octets without splitting UTF-8 characters") {
  std::string line = "DESCRIPTION:";
  for (int i = 0; i < 60; ++i) line += "ü€";  // 2- and 3-byte sequences
  std::string folded = ics_fold(line);
  std::size_t start = 0;
  while (true) {
    std::size_t end = folded.find("\r\n", start);
    std::string phys = folded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    CHECK(phys.size() <= 75);
    // A physical line never starts with a UTF-8 continuation byte (after the fold space).
    std::size_t first = start == 0 ? 0 : 1;
    if (phys.size() > first) CHECK((static_cast<unsigned char>(phys[first]) & 0xC0) != 0x80);
    if (end == std::string::npos) break;
    CHECK(folded[end + 2] == ' ');
    start = end + 2;
  }
  // Unfolding gives the original line back.
  auto lines = unfold(folded + "\r\n");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == line);
  CHECK(ics_fold("SHORT:x") == "SHORT:x");
}

TEST_CASE("ics calendar has CRLF line ends, UTC DTSTART/DTEND, UID and DTSTAMP") {
  auto berlin = time_zone::load("Europe/Berlin");
  REQUIRE(berlin.ok());
  // 25 Nov 2026 15:00 in Berlin (CET, UTC+1) = 14:00Z.
  std::int64_t start = berlin->local_to_utc(days_from_civil(2026, 11, 25) * 86400 + 15 * 3600);
  ics_event e;
  e.uid = "acme-7-session-3@tandem";
  e.start = start;
  e.end = start + 3600;
  e.summary = "Session 3, Ada & Bo; check-in";
  e.description = "Agenda:\n1. Review goals\n2. Next steps, deadlines; questions";
  e.location = "https://meet.example.org/acme-7";
  e.url = "https://meet.example.org/acme-7";
  auto ics = make_ics({e}, days_from_civil(2026, 11, 20) * 86400 + 8 * 3600 + 30 * 60);
  REQUIRE(ics.ok());
  const std::string& s = *ics;
  // Every line ends in CRLF; no bare LF.
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n') CHECK((i > 0 && s[i - 1] == '\r'));
  CHECK(s.substr(s.size() - 2) == "\r\n");
  auto lines = unfold(s);
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(value_of(lines, "VERSION") == "2.0");
  CHECK(value_of(lines, "UID") == "acme-7-session-3@tandem");
  CHECK(value_of(lines, "DTSTART") == "20261125T140000Z");
  CHECK(value_of(lines, "DTEND") == "20261125T150000Z");
  CHECK(value_of(lines, "DTSTAMP") == "20261120T083000Z");
  CHECK(value_of(lines, "SUMMARY") == "Session 3\\, Ada & Bo\\; check-in");
  CHECK(value_of(lines, "DESCRIPTION") ==
        "Agenda:\\n1. Review goals\\n2. Next steps\\, deadlines\\; questions");
  CHECK(value_of(lines, "PRODID") != "<missing>");
}

TEST_CASE("ics summer date in Berlin converts with the summer offset") {
  auto berlin = time_zone::load("Europe/Berlin");
  REQUIRE(berlin.ok());
  std::int64_t start = berlin->local_to_utc(days_from_civil(2026, 6, 10) * 86400 + 15 * 3600);
  auto ics = make_ics({{"u1", start, start + 1800, "x", "", "", "", 0, false}}, 0);
  REQUIRE(ics.ok());
  CHECK(value_of(unfold(*ics), "DTSTART") == "20260610T130000Z");
  CHECK(value_of(unfold(*ics), "DTEND") == "20260610T133000Z");
}

TEST_CASE("ics refuses events without UID, with end before start or a bad URL") {
  CHECK_FALSE(make_ics({{"", 10, 20, "x", "", "", "", 0, false}}, 0).ok());
  CHECK_FALSE(make_ics({{"u", 20, 20, "x", "", "", "", 0, false}}, 0).ok());
  CHECK_FALSE(make_ics({{"u", 10, 20, "x", "", "", "http://a b", 0, false}}, 0).ok());
  CHECK(make_ics({}, 0).ok());
}
