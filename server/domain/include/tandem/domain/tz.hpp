// IANA time zones read from the system tz database (TZif files, RFC 8536) because
// libstdc++ 12 ships no std::chrono::locate_zone. Pure lookups after loading; a loaded
// time_zone is immutable and safe to share between threads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/domain/error.hpp"

namespace tandem::domain {

// The rule a POSIX TZ string (the TZif footer) gives for instants past the last
// transition, e.g. "CET-1CEST,M3.5.0,M10.5.0/3".
struct posix_rule {
  struct date_rule {
    char kind = 'M';  // 'J' (Julian 1..365, no Feb 29), 'D' (0..365), 'M' (month.week.day)
    int month = 0, week = 0, weekday = 0, day = 0;
    std::int32_t time = 7200;  // seconds after local midnight (may be negative or > 24h)
  };
  std::int32_t std_offset = 0;  // seconds east of UTC
  std::string std_abbr;
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  std::string dst_abbr;
  date_rule start, end;
};

[[nodiscard]] result<posix_rule> parse_posix_tz(std::string_view s);

class time_zone {
 public:
  // Loads `name` (e.g. "Europe/Berlin", "UTC") from `zoneinfo_dir`. Names are checked
  // ([A-Za-z0-9_+-] segments, no "..") before touching the file system.
  [[nodiscard]] static result<time_zone> load(std::string_view name,
                                              const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses TZif bytes directly (tests and callers with their own database).
  [[nodiscard]] static result<time_zone> from_tzif(std::string_view name, std::string_view bytes);

  [[nodiscard]] const std::string& name() const { return name_; }
  // UTC offset in seconds east of UTC in effect at the UTC instant `utc` (Unix seconds).
  [[nodiscard]] std::int32_t offset_at(std::int64_t utc) const;
  [[nodiscard]] bool is_dst_at(std::int64_t utc) const;
  // Wall-clock seconds (local time written as if it were UTC) to the UTC instant.
  // A wall time skipped by a forward jump is moved forward by the gap (02:30 on the
  // spring-forward night in Berlin becomes 03:30 CEST); a repeated wall time takes its
  // first occurrence.
  [[nodiscard]] std::int64_t local_to_utc(std::int64_t local) const;

 private:
  struct type_info {
    std::int32_t offset;
    bool dst;
  };
  struct lookup {
    std::int32_t offset;
    bool dst;
  };
  [[nodiscard]] lookup find(std::int64_t utc) const;

  std::string name_;
  std::vector<std::int64_t> times_;  // transition instants, ascending
  std::vector<std::uint8_t> idx_;    // type index per transition
  std::vector<type_info> types_;
  bool has_footer_ = false;
  posix_rule footer_;
};

// Shared, process-wide cache of loaded zones (guarded by an internal mutex).
[[nodiscard]] result<std::shared_ptr<const time_zone>> locate_zone(std::string_view name);

// Civil-date helpers (proleptic Gregorian, Unix epoch).
[[nodiscard]] std::int64_t days_from_civil(int y, unsigned m, unsigned d);
struct civil_date {
  int year;
  unsigned month, day;
};
[[nodiscard]] civil_date civil_from_days(std::int64_t days);
// 0 = Monday ... 6 = Sunday.
[[nodiscard]] int weekday_monday0(std::int64_t days);
// "YYYY-MM-DD" -> days since epoch; validates the calendar date.
[[nodiscard]] result<std::int64_t> parse_date(std::string_view s);
[[nodiscard]] std::string format_date(std::int64_t days);
// "2026-03-16T14:00:00Z"
[[nodiscard]] std::string format_utc(std::int64_t utc);
// "HH:MM" (00:00..24:00) -> seconds after midnight.
[[nodiscard]] result<std::int32_t> parse_hhmm(std::string_view s);

}  // namespace tandem::domain
