// iCalendar (RFC 5545) export of scheduled sessions: CRLF line ends, lines folded at 75
// octets (never inside a UTF-8 sequence), TEXT values escaped, DTSTART/DTEND in UTC.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/domain/error.hpp"

namespace tandem::domain {

struct ics_event {
  std::string uid;         // globally unique, e.g. "<workspace>-session-3@tandem"
  std::int64_t start = 0;  // UTC seconds
  std::int64_t end = 0;    // UTC seconds, > start
  std::string summary;
  std::string description;  // may hold newlines
  std::string location;     // e.g. the meeting link
  std::string url;          // optional URI (not escaped: URI value type)
  std::int64_t sequence = 0;
  bool cancelled = false;
};

// Escapes a TEXT value: backslash, semicolon, comma, newline (CR LF / LF -> \n).
[[nodiscard]] std::string ics_escape(std::string_view text);
// Folds one content line (without its CRLF) into lines of at most 75 octets.
[[nodiscard]] std::string ics_fold(std::string_view line);
// "20261125T140000Z"
[[nodiscard]] std::string ics_utc(std::int64_t utc);
// A complete VCALENDAR with one VEVENT per event; `dtstamp` is the UTC creation time.
[[nodiscard]] result<std::string> make_ics(const std::vector<ics_event>& events, std::int64_t dtstamp,
                                           std::string_view calendar_name = "Tandem sessions");

}  // namespace tandem::domain
