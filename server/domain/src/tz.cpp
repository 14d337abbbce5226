// TZif reader (RFC 8536, versions 1-4) and POSIX TZ rule evaluation for the footer.
#include "tandem/domain/tz.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace tandem::domain {

namespace {

constexpr std::int64_t k_day = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

class reader {
 public:
  explicit reader(std::string_view b) : b_(b) {}
  bool need(std::size_t n) const { return b_.size() - pos_ >= n; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    return static_cast<std::int64_t>(v);
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(b_[pos_++]); }
  void skip(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct header {
  char version;
  std::uint32_t isut, isstd, leap, time, type, chars;
};

result<header> read_header(reader& r) {
  if (!r.need(44)) return error{"truncated TZif header"};
  char magic[4];
  for (char& c : magic) c = static_cast<char>(r.u8());
  if (std::string_view(magic, 4) != "TZif") return error{"not a TZif file (bad magic)"};
  header h{};
  h.version = static_cast<char>(r.u8());
  r.skip(15);
  h.isut = r.u32();
  h.isstd = r.u32();
  h.leap = r.u32();
  h.time = r.u32();
  h.type = r.u32();
  h.chars = r.u32();
  // Limits well above any real zone; they keep a hostile file from asking for gigabytes.
  if (h.time > 100000 || h.type == 0 || h.type > 256 || h.chars > 100000 || h.leap > 10000 ||
      (h.isut != 0 && h.isut != h.type) || (h.isstd != 0 && h.isstd != h.type))
    return error{"TZif header counts out of range"};
  return h;
}

std::size_t block_size(const header& h, std::size_t time_size) {
  return h.time * time_size + h.time + h.type * 6 + h.chars + h.leap * (time_size + 4) + h.isstd + h.isut;
}

// Parses "[+-]hh[:mm[:ss]]" at s[i]; returns seconds.
bool parse_hms(std::string_view s, std::size_t& i, std::int32_t& out, bool allow_sign, int max_hours) {
  int sign = 1;
  if (allow_sign && i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') sign = -1;
    ++i;
  }
  auto num = [&](int& v) {
    std::size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    return i > start;
  };
  int h = 0, m = 0, sec = 0;
  if (!num(h) || h > max_hours) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!num(m) || m > 59) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!num(sec) || sec > 59) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool parse_abbr(std::string_view s, std::size_t& i, std::string& out) {
  if (i < s.size() && s[i] == '<') {
    std::size_t close = s.find('>', i);
    if (close == std::string_view::npos) return false;
    out = std::string(s.substr(i + 1, close - i - 1));
    i = close + 1;
    return out.size() >= 3;
  }
  std::size_t start = i;
  while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
  out = std::string(s.substr(start, i - start));
  return out.size() >= 3;
}

bool parse_date_rule(std::string_view s, std::size_t& i, posix_rule::date_rule& r) {
  auto num = [&](int& v, int max) {
    std::size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    return i > start && v <= max;
  };
  if (i >= s.size()) return false;
  if (s[i] == 'M') {
    ++i;
    r.kind = 'M';
    if (!num(r.month, 12) || r.month < 1 || i >= s.size() || s[i++] != '.') return false;
    if (!num(r.week, 5) || r.week < 1 || i >= s.size() || s[i++] != '.') return false;
    if (!num(r.weekday, 6)) return false;
  } else if (s[i] == 'J') {
    ++i;
    r.kind = 'J';
    if (!num(r.day, 365) || r.day < 1) return false;
  } else {
    r.kind = 'D';
    if (!num(r.day, 365)) return false;
  }
  r.time = 7200;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!parse_hms(s, i, r.time, true, 167)) return false;
  }
  return true;
}

// Day number (days since epoch) on which `r` falls in `year`.
std::int64_t rule_day(const posix_rule::date_rule& r, int year) {
  std::int64_t jan1 = days_from_civil(year, 1, 1);
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (r.kind == 'J') {
    std::int64_t d = r.day - 1;
    if (leap && r.day >= 60) ++d;  // Jn never counts Feb 29
    return jan1 + d;
  }
  if (r.kind == 'D') return jan1 + r.day;
  std::int64_t first = days_from_civil(year, static_cast<unsigned>(r.month), 1);
  int wd_first = static_cast<int>((weekday_monday0(first) + 1) % 7);  // 0 = Sunday
  std::int64_t d = first + (r.weekday - wd_first + 7) % 7 + 7 * (r.week - 1);
  unsigned next_month = static_cast<unsigned>(r.month % 12 + 1);
  std::int64_t month_end = days_from_civil(r.month == 12 ? year + 1 : year, next_month, 1);
  while (d >= month_end) d -= 7;  // week 5 = last such weekday
  return d;
}

}  // namespace

result<posix_rule> parse_posix_tz(std::string_view s) {
  posix_rule r;
  std::size_t i = 0;
  auto bad = [&](const char* what) {
    return error{std::string("bad POSIX TZ string '") + std::string(s) + "': " + what};
  };
  if (!parse_abbr(s, i, r.std_abbr)) return bad("standard abbreviation");
  std::int32_t off = 0;
  if (!parse_hms(s, i, off, true, 24)) return bad("standard offset");
  r.std_offset = -off;  // POSIX offsets count west of Greenwich
  if (i == s.size()) return r;
  r.has_dst = true;
  if (!parse_abbr(s, i, r.dst_abbr)) return bad("daylight abbreviation");
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    if (!parse_hms(s, i, off, true, 24)) return bad("daylight offset");
    r.dst_offset = -off;
  }
  if (i == s.size()) {
    // No rule: POSIX leaves it implementation-defined; use the US rule like glibc.
    r.start = {'M', 3, 2, 0, 0, 7200};
    r.end = {'M', 11, 1, 0, 0, 7200};
    return r;
  }
  if (s[i++] != ',' || !parse_date_rule(s, i, r.start)) return bad("start rule");
  if (i >= s.size() || s[i++] != ',' || !parse_date_rule(s, i, r.end)) return bad("end rule");
  if (i != s.size()) return bad("trailing characters");
  return r;
}

result<time_zone> time_zone::from_tzif(std::string_view name, std::string_view bytes) {
  reader r(bytes);
  auto h1 = read_header(r);
  if (!h1) return h1.err();
  time_zone tz;
  tz.name_ = std::string(name);
  header h = *h1;
  std::size_t tsize = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    std::size_t skip = block_size(h, 4);
    if (!r.need(skip)) return error{"truncated TZif v1 data block"};
    r.skip(skip);
    auto h2 = read_header(r);
    if (!h2) return h2.err();
    h = *h2;
    tsize = 8;
  }
  if (!r.need(block_size(h, tsize))) return error{"truncated TZif data block"};
  tz.times_.resize(h.time);
  for (auto& t : tz.times_) t = tsize == 8 ? r.i64() : static_cast<std::int32_t>(r.u32());
  tz.idx_.resize(h.time);
  for (auto& x : tz.idx_) {
    x = r.u8();
    if (x >= h.type) return error{"TZif transition type index out of range"};
  }
  for (std::size_t k = 1; k < tz.times_.size(); ++k)
    if (tz.times_[k] <= tz.times_[k - 1]) return error{"TZif transitions not ascending"};
  tz.types_.resize(h.type);
  for (auto& t : tz.types_) {
    t.offset = static_cast<std::int32_t>(r.u32());
    t.dst = r.u8() != 0;
    r.u8();  // abbreviation index: unused
    if (t.offset < -25 * 3600 || t.offset > 26 * 3600) return error{"TZif offset out of range"};
  }
  r.skip(h.chars + h.leap * (tsize + 4) + h.isstd + h.isut);
  if (h.version >= '2') {
    std::string_view rest = r.rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      std::size_t end = rest.find('\n', 1);
      if (end == std::string_view::npos) return error{"TZif footer not terminated"};
      std::string_view footer = rest.substr(1, end - 1);
      if (!footer.empty()) {
        auto rule = parse_posix_tz(footer);
        if (!rule) return rule.err();
        tz.footer_ = *rule;
        tz.has_footer_ = true;
      }
    }
  }
  return tz;
}

result<time_zone> time_zone::load(std::string_view name, const std::string& zoneinfo_dir) {
  if (name.empty() || name.size() > 64) return error{"time zone name must be 1-64 characters"};
  std::size_t seg_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      std::string_view seg = name.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..")
        return error{"invalid time zone name '" + std::string(name) + "'"};
      seg_start = i + 1;
      continue;
    }
    char c = name[i];
    bool okc = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-' || c == '+' || c == '.';
    if (!okc) return error{"invalid time zone name '" + std::string(name) + "'"};
  }
  std::ifstream in(zoneinfo_dir + "/" + std::string(name), std::ios::binary);
  if (!in) return error{"unknown time zone '" + std::string(name) + "'"};
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (bytes.size() > (1u << 20)) return error{"time zone file too large: '" + std::string(name) + "'"};
  auto tz = from_tzif(name, bytes);
  if (!tz) return error{"time zone '" + std::string(name) + "': " + tz.err().message};
  return tz;
}

time_zone::lookup time_zone::find(std::int64_t utc) const {
  if (times_.empty() || utc >= times_.back()) {
    if (has_footer_) {
      const posix_rule& p = footer_;
      if (!p.has_dst) return {p.std_offset, false};
      // Use the local year; checking neighbouring years covers rules near New Year.
      int year = civil_from_days(floor_div(utc + p.std_offset, k_day)).year;
      auto in_dst = [&](int y) {
        std::int64_t start = rule_day(p.start, y) * k_day + p.start.time - p.std_offset;
        std::int64_t end = rule_day(p.end, y) * k_day + p.end.time - p.dst_offset;
        if (start < end) return utc >= start && utc < end;
        // Southern hemisphere: DST spans New Year.
        return !(utc >= end && utc < start);
      };
      bool dst = in_dst(year);
      return dst ? lookup{p.dst_offset, true} : lookup{p.std_offset, false};
    }
    if (times_.empty()) return {types_[0].offset, types_[0].dst};
    const auto& t = types_[idx_.back()];
    return {t.offset, t.dst};
  }
  if (utc < times_.front()) {
    // RFC 8536: before the first transition, local time type 0 applies.
    return {types_[0].offset, types_[0].dst};
  }
  auto it = std::upper_bound(times_.begin(), times_.end(), utc);
  std::size_t k = static_cast<std::size_t>(it - times_.begin()) - 1;
  const auto& t = types_[idx_[k]];
  return {t.offset, t.dst};
}

std::int32_t time_zone::offset_at(std::int64_t utc) const {
  return find(utc).offset;
}
bool time_zone::is_dst_at(std::int64_t utc) const {
  return find(utc).dst;
}

std::int64_t time_zone::local_to_utc(std::int64_t local) const {
  // Offsets in effect a little more than a day either side; a wall time maps to UTC with
  // whichever of them is consistent.
  std::int32_t before = offset_at(local - 30 * 3600);
  std::int32_t after = offset_at(local + 30 * 3600);
  bool before_ok = offset_at(local - before) == before;
  bool after_ok = offset_at(local - after) == after;
  if (before_ok && after_ok) return std::min(local - before, local - after);
  if (before_ok) return local - before;
  if (after_ok) return local - after;
  return local - before;  // in a gap: keep the earlier offset, which lands after the jump
}

result<std::shared_ptr<const time_zone>> locate_zone(std::string_view name) {
  static std::mutex mu;  // guards cache
  static std::map<std::string, std::shared_ptr<const time_zone>, std::less<>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  auto tz = time_zone::load(name);
  if (!tz) return tz.err();
  auto p = std::make_shared<const time_zone>(std::move(tz).value());
  if (cache.size() < 1000) cache.emplace(std::string(name), p);
  return p;
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

civil_date civil_from_days(std::int64_t days) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

int weekday_monday0(std::int64_t days) {
  // 1970-01-01 was a Thursday (index 3 counting from Monday).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

result<std::int64_t> parse_date(std::string_view s) {
  auto bad = error{"invalid date '" + std::string(s) + "' (want YYYY-MM-DD)"};
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad;
  int v[3] = {0, 0, 0};
  std::size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (std::size_t i = 0; i < lens[k]; ++i) {
      char c = s[starts[k] + i];
      if (c < '0' || c > '9') return bad;
      v[k] = v[k] * 10 + (c - '0');
    }
  using namespace std::chrono;
  year_month_day ymd{year{v[0]}, month{static_cast<unsigned>(v[1])}, day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok() || v[0] < 1900 || v[0] > 2200) return bad;
  return days_from_civil(v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2]));
}

std::string format_date(std::int64_t days) {
  civil_date c = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string format_utc(std::int64_t utc) {
  std::int64_t days = floor_div(utc, k_day);
  std::int64_t sec = utc - days * k_day;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(days).c_str(),
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
  return buf;
}

result<std::int32_t> parse_hhmm(std::string_view s) {
  auto bad = error{"invalid time '" + std::string(s) + "' (want HH:MM, 00:00-24:00)"};
  if (s.size() != 5 || s[2] != ':') return bad;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return bad;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return bad;
  return h * 3600 + m * 60;
}

}  // namespace tandem::domain
