// iCalendar writer (RFC 5545 sections 3.1 folding, 3.3.11 TEXT escaping, 3.6.1 VEVENT).
#include "tandem/domain/ics.hpp"

#include <cstdio>

#include "tandem/domain/tz.hpp"

namespace tandem::domain {

std::string ics_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 3.3.11); drop them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') break;
        out += c;
    }
  }
  return out;
}

std::string ics_fold(std::string_view line) {
  std::string out;
  std::size_t col = 0;  // octets on the current physical line
  std::size_t i = 0;
  while (i < line.size()) {
    // Length of the UTF-8 sequence starting here (continuation bytes never start one).
    auto b = static_cast<unsigned char>(line[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + n > line.size()) n = line.size() - i;
    if (col + n > 75) {
      out += "\r\n ";
      col = 1;  // the leading space counts toward the 75 octets
    }
    out.append(line.substr(i, n));
    col += n;
    i += n;
  }
  return out;
}

std::string ics_utc(std::int64_t utc) {
  std::string iso = format_utc(utc);  // YYYY-MM-DDTHH:MM:SSZ
  std::string out;
  for (char c : iso)
    if (c != '-' && c != ':') out += c;
  return out;
}

result<std::string> make_ics(const std::vector<ics_event>& events, std::int64_t dtstamp,
                             std::string_view calendar_name) {
  std::string out;
  auto line = [&](std::string_view name, std::string_view value) {
    std::string l(name);
    l += ':';
    l += value;
    out += ics_fold(l);
    out += "\r\n";
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//Tandem//Mentorship sessions//EN");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("X-WR-CALNAME", ics_escape(calendar_name));
  for (const auto& e : events) {
    if (e.uid.empty()) return error{"ICS event without UID"};
    for (char c : e.uid)
      if (static_cast<unsigned char>(c) < 0x20) return error{"ICS UID holds a control character"};
    if (e.end <= e.start) return error{"ICS event '" + e.uid + "' ends before it starts"};
    for (char c : e.url)
      if (static_cast<unsigned char>(c) <= 0x20 || c == '"')
        return error{"ICS event '" + e.uid + "' has an invalid URL"};
    line("BEGIN", "VEVENT");
    line("UID", ics_escape(e.uid));
    line("DTSTAMP", ics_utc(dtstamp));
    line("DTSTART", ics_utc(e.start));
    line("DTEND", ics_utc(e.end));
    line("SEQUENCE", std::to_string(e.sequence));
    line("SUMMARY", ics_escape(e.summary));
    if (!e.description.empty()) line("DESCRIPTION", ics_escape(e.description));
    if (!e.location.empty()) line("LOCATION", ics_escape(e.location));
    if (!e.url.empty()) line("URL", e.url);
    line("STATUS", e.cancelled ? "CANCELLED" : "CONFIRMED");
    line("END", "VEVENT");
  }
  line("END", "VCALENDAR");
  return out;
}

}  // namespace tandem::domain
