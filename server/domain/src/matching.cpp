// Matching: pair scores from tags, languages and availability overlap in UTC; the exact
// capacity-limited assignment by the Hungarian method over expanded mentor slots.
#include "tandem/domain/matching.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "tandem/domain/json_util.hpp"
#include "tandem/domain/tz.hpp"

namespace tandem::domain {

namespace json = boost::json;

namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::size_t k_max_people = 500;
constexpr std::size_t k_max_tags = 100;
constexpr std::size_t k_max_slots = 100;
constexpr std::size_t k_max_string = 200;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  // trim
  auto b = out.find_first_not_of(" \t");
  auto e = out.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

std::vector<interval> merge(std::vector<interval> v) {
  std::sort(v.begin(), v.end(), [](const interval& a, const interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  std::vector<interval> out;
  for (const auto& iv : v) {
    if (iv.end <= iv.start) continue;
    if (!out.empty() && iv.start <= out.back().end)
      out.back().end = std::max(out.back().end, iv.end);
    else
      out.push_back(iv);
  }
  return out;
}

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

const char* k_day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string describe_interval(const interval& iv) {
  std::int64_t d0 = iv.start / k_day;
  auto hm = [](std::int64_t t) {
    std::int64_t s = t % k_day;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60));
    return std::string(buf);
  };
  std::string out = std::string(k_day_names[weekday_monday0(d0)]) + " " + hm(iv.start) + "-";
  std::int64_t d1 = (iv.end - 1) / k_day;
  if (d1 != d0) out += std::string(k_day_names[weekday_monday0(d1)]) + " ";
  out += (iv.end % k_day == 0) ? std::string("24:00") : hm(iv.end);
  return out;
}

}  // namespace

result<std::vector<interval>> availability_in_week(const std::vector<weekly_slot>& slots,
                                                   const std::string& zone, std::int64_t week_start_day) {
  auto tz = locate_zone(zone);
  if (!tz) return tz.err();
  const std::int64_t lo = week_start_day * k_day, hi = lo + 7 * k_day;
  std::vector<interval> out;
  // Local dates one day either side of the UTC week cover every zone offset (|offset| < 26 h
  // would need two; real zones stay within -12..+14 h).
  for (std::int64_t d = week_start_day - 2; d <= week_start_day + 8; ++d) {
    int wd = weekday_monday0(d);
    for (const auto& s : slots) {
      if (s.day != wd) continue;
      std::int64_t ls = d * k_day + s.start;
      std::int64_t le = s.end > s.start ? d * k_day + s.end : (d + 1) * k_day + s.end;
      std::int64_t us = (*tz)->local_to_utc(ls), ue = (*tz)->local_to_utc(le);
      us = std::max(us, lo);
      ue = std::min(ue, hi);
      if (ue > us) out.push_back({us, ue});
    }
  }
  return merge(std::move(out));
}

std::vector<interval> intersect(const std::vector<interval>& a, const std::vector<interval>& b) {
  std::vector<interval> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::int64_t s = std::max(a[i].start, b[j].start), e = std::min(a[i].end, b[j].end);
    if (e > s) out.push_back({s, e});
    if (a[i].end < b[j].end)
      ++i;
    else
      ++j;
  }
  return out;
}

namespace {

// The score of one pair from precomputed availability; the explanation text is built only
// when asked for (solve_match scores every pair but explains only the assigned ones).
pair_score score_prepared(const profile& mentor, const profile& mentee, const std::vector<interval>& av_m,
                          const std::vector<interval>& av_e, const match_options& opt, bool explain) {
  pair_score ps;
  std::set<std::string> a(mentor.tags.begin(), mentor.tags.end()), b(mentee.tags.begin(), mentee.tags.end());
  std::set<std::string> uni = a;
  uni.insert(b.begin(), b.end());
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(ps.shared_tags));
  ps.jaccard =
      uni.empty() ? 0.0 : static_cast<double>(ps.shared_tags.size()) / static_cast<double>(uni.size());

  std::set<std::string> la(mentor.languages.begin(), mentor.languages.end()),
      lb(mentee.languages.begin(), mentee.languages.end());
  std::set_intersection(la.begin(), la.end(), lb.begin(), lb.end(), std::back_inserter(ps.shared_languages));

  ps.overlap = intersect(av_m, av_e);
  std::int64_t secs = 0;
  for (const auto& iv : ps.overlap) secs += iv.end - iv.start;
  ps.overlap_hours = static_cast<double>(secs) / 3600.0;

  double lang = ps.shared_languages.empty() ? 0.0 : 1.0;
  double avail = opt.target_overlap_hours > 0 ? std::min(ps.overlap_hours / opt.target_overlap_hours, 1.0)
                                              : (secs > 0 ? 1.0 : 0.0);
  double wsum = opt.w_tags + opt.w_language + opt.w_availability;
  double score =
      100.0 * (opt.w_tags * ps.jaccard + opt.w_language * lang + opt.w_availability * avail) / wsum;
  ps.score_milli = std::llround(score * 1000.0);
  ps.score = static_cast<double>(ps.score_milli) / 1000.0;

  if (opt.require_shared_language && ps.shared_languages.empty()) {
    ps.allowed = false;
    ps.reason = "no shared language";
  } else if (ps.score < opt.min_score) {
    ps.allowed = false;
    ps.reason = "score " + fmt(ps.score, 1) + " below the minimum " + fmt(opt.min_score, 1);
  }

  if (!explain) return ps;
  std::string e;
  if (ps.shared_tags.empty()) {
    e = "No shared interests";
  } else {
    e = "Shared interests: ";
    for (std::size_t k = 0; k < ps.shared_tags.size(); ++k) e += (k ? ", " : "") + ps.shared_tags[k];
  }
  e += " (tag overlap " + fmt(ps.jaccard, 2) + "). ";
  if (ps.shared_languages.empty()) {
    e += "No shared language. ";
  } else {
    e += "Shared language: ";
    for (std::size_t k = 0; k < ps.shared_languages.size(); ++k)
      e += (k ? ", " : "") + ps.shared_languages[k];
    e += ". ";
  }
  e += fmt(ps.overlap_hours, 1) + " h/week of overlapping availability in the week of " +
       format_date(opt.week_start_day);
  if (!ps.overlap.empty()) {
    e += " (";
    for (std::size_t k = 0; k < ps.overlap.size() && k < 4; ++k)
      e += (k ? ", " : "") + describe_interval(ps.overlap[k]);
    if (ps.overlap.size() > 4) e += ", ...";
    e += " UTC)";
  }
  e += ". Score " + fmt(ps.score, 1) + " of 100.";
  ps.explanation = std::move(e);
  return ps;
}

}  // namespace

result<pair_score> score_pair(const profile& mentor, const profile& mentee, const match_options& opt) {
  auto av_m = availability_in_week(mentor.availability, mentor.time_zone, opt.week_start_day);
  if (!av_m) return error{"mentor '" + mentor.id + "': " + av_m.err().message};
  auto av_e = availability_in_week(mentee.availability, mentee.time_zone, opt.week_start_day);
  if (!av_e) return error{"mentee '" + mentee.id + "': " + av_e.err().message};
  return score_prepared(mentor, mentee, *av_m, *av_e, opt, true);
}

std::vector<int> solve_assignment(const std::vector<std::vector<std::int64_t>>& weight,
                                  const std::vector<int>& capacity) {
  const std::size_t n = weight.size();
  const std::size_t groups = capacity.size();
  std::vector<int> out(n, -1);
  if (n == 0) return out;
  // Expand each group into min(capacity, n) identical columns, then add n "unassigned"
  // columns of gain 0 so every row has somewhere to go.
  std::vector<std::size_t> col_group;
  for (std::size_t j = 0; j < groups; ++j)
    for (int c = 0; c < capacity[j] && static_cast<std::size_t>(c) < n; ++c) col_group.push_back(j);
  const std::size_t real_cols = col_group.size();
  const std::size_t m = real_cols + n;

  // Lexicographic objective folded into one integer gain (see README): weight first, then
  // the number of assigned rows, then lower group indices. tie < K, sum of (K + tie) over
  // rows < M2, so a lower level never outweighs one unit of the level above.
  const std::int64_t g = static_cast<std::int64_t>(groups);
  const std::int64_t K = static_cast<std::int64_t>(n) * g + 1;
  const std::int64_t M2 = (static_cast<std::int64_t>(n) + 1) * K;
  std::int64_t max_gain_sum = 0;
  auto gain = [&](std::size_t i, std::size_t j) -> std::int64_t {
    std::int64_t w = weight[i][j];
    return w * M2 + K + (g - 1 - static_cast<std::int64_t>(j));
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t best = 0;
    for (std::size_t j = 0; j < groups; ++j)
      if (weight[i][j] >= 0) best = std::max(best, gain(i, j));
    max_gain_sum += best;
  }
  const std::int64_t forbidden = max_gain_sum + 1;                 // worse than leaving every row unassigned
  auto cost = [&](std::size_t i, std::size_t c) -> std::int64_t {  // 0-based
    if (c >= real_cols) return 0;
    std::size_t j = col_group[c];
    return weight[i][j] < 0 ? forbidden : -gain(i, j);
  };

  // Hungarian method with potentials (rows 1..n, columns 1..m, n <= m), minimising cost.
  const std::int64_t inf = std::numeric_limits<std::int64_t>::max() / 4;
  std::vector<std::int64_t> u(n + 1, 0), v(m + 1, 0);
  std::vector<std::size_t> p(m + 1, 0), way(m + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<std::int64_t> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      std::size_t i0 = p[j0], j1 = 0;
      std::int64_t delta = inf;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        std::int64_t cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (std::size_t c = 1; c <= m; ++c) {
    if (p[c] == 0 || c - 1 >= real_cols) continue;
    std::size_t i = p[c] - 1, j = col_group[c - 1];
    if (weight[i][j] >= 0) out[i] = static_cast<int>(j);
  }
  return out;
}

namespace {

result<std::vector<std::string>> get_strings(const json::object& o, std::string_view key,
                                             const std::string& where) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  if (!it->value().is_array())
    return error{where + ": \"" + std::string(key) + "\" must be an array of strings"};
  const auto& a = it->value().get_array();
  if (a.size() > k_max_tags) return error{where + ": too many entries in \"" + std::string(key) + "\""};
  for (const auto& x : a) {
    if (!x.is_string() || x.get_string().size() > k_max_string)
      return error{where + ": \"" + std::string(key) + "\" must hold strings of at most 200 bytes"};
    std::string t = lower(x.get_string());
    if (!t.empty()) out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

result<int> parse_day(const json::value& v, const std::string& where) {
  if (v.is_string()) {
    std::string s = lower(v.get_string());
    static const char* names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char* full[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                  "friday", "saturday", "sunday"};
    for (int d = 0; d < 7; ++d)
      if (s == names[d] || s == full[d]) return d;
  }
  return error{where + ": \"day\" must be one of mon, tue, wed, thu, fri, sat, sun"};
}

result<profile> parse_profile(const json::value& v, bool mentor, std::size_t index) {
  std::string where = std::string(mentor ? "mentors" : "mentees") + "[" + std::to_string(index) + "]";
  if (!v.is_object()) return error{where + ": must be an object"};
  const auto& o = v.get_object();
  profile p;
  auto id = string_field(o, "id", true, k_max_string, where);
  if (!id) return id.err();
  if (id->empty()) return error{where + ": \"id\" must not be empty"};
  p.id = *id;
  where += " ('" + p.id + "')";
  auto name = string_field(o, "name", false, k_max_string, where);
  if (!name) return name.err();
  p.name = name->empty() ? p.id : *name;
  auto tags = get_strings(o, mentor ? "expertise" : "goals", where);
  if (!tags) return tags.err();
  p.tags = std::move(*tags);
  auto langs = get_strings(o, "languages", where);
  if (!langs) return langs.err();
  p.languages = std::move(*langs);
  auto tz = string_field(o, o.contains("timezone") ? "timezone" : "time_zone", true, k_max_string, where);
  if (!tz) return tz.err();
  if (auto z = locate_zone(*tz); !z) return error{where + ": " + z.err().message};
  p.time_zone = *tz;
  if (auto it = o.find("availability"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return error{where + ": \"availability\" must be an array"};
    const auto& a = it->value().get_array();
    if (a.size() > k_max_slots) return error{where + ": too many availability slots"};
    for (std::size_t k = 0; k < a.size(); ++k) {
      std::string sw = where + ".availability[" + std::to_string(k) + "]";
      if (!a[k].is_object()) return error{sw + ": must be an object {day, start, end}"};
      const auto& so = a[k].get_object();
      weekly_slot s;
      auto dit = so.find("day");
      if (dit == so.end()) return error{sw + ": missing \"day\""};
      auto d = parse_day(dit->value(), sw);
      if (!d) return d.err();
      s.day = *d;
      auto st = string_field(so, "start", true, k_max_string, sw);
      if (!st) return st.err();
      auto en = string_field(so, "end", true, k_max_string, sw);
      if (!en) return en.err();
      auto a1 = parse_hhmm(*st);
      if (!a1) return error{sw + ": " + a1.err().message};
      auto a2 = parse_hhmm(*en);
      if (!a2) return error{sw + ": " + a2.err().message};
      s.start = *a1;
      s.end = *a2;
      if (s.start == 86400) return error{sw + ": a slot cannot start at 24:00"};
      p.availability.push_back(s);
    }
  }
  if (mentor) {
    if (auto it = o.find("capacity"); it != o.end() && !it->value().is_null()) {
      if (!it->value().is_int64() && !it->value().is_uint64())
        return error{where + ": \"capacity\" must be a whole number"};
      auto c = it->value().to_number<std::int64_t>();
      if (c < 0 || c > 1000) return error{where + ": \"capacity\" must be 0..1000"};
      p.capacity = static_cast<int>(c);
    }
  }
  return p;
}

result<double> get_number(const json::object& o, std::string_view key, double dflt, double lo, double hi,
                          const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return dflt;
  if (!it->value().is_number()) return error{where + ": \"" + std::string(key) + "\" must be a number"};
  double d = it->value().to_number<double>();
  if (!(d >= lo && d <= hi))
    return error{where + ": \"" + std::string(key) + "\" must be in " + fmt(lo, 0) + ".." + fmt(hi, 0)};
  return d;
}

}  // namespace

result<match_problem> parse_match_problem(const json::value& v) {
  if (!v.is_object()) return error{"match request must be a JSON object"};
  const auto& o = v.get_object();
  match_problem p;
  for (bool mentor : {true, false}) {
    const char* key = mentor ? "mentors" : "mentees";
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_array())
      return error{std::string("\"") + key + "\" must be an array"};
    const auto& a = it->value().get_array();
    if (a.size() > k_max_people) return error{std::string("at most 500 ") + key};
    std::set<std::string> ids;
    for (std::size_t k = 0; k < a.size(); ++k) {
      auto pr = parse_profile(a[k], mentor, k);
      if (!pr) return pr.err();
      if (!ids.insert(pr->id).second) return error{std::string(key) + ": duplicate id '" + pr->id + "'"};
      (mentor ? p.mentors : p.mentees).push_back(std::move(*pr));
    }
  }
  json::object empty;
  const json::object* opts = &empty;
  if (auto it = o.find("options"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return error{"\"options\" must be an object"};
    opts = &it->value().get_object();
  }
  auto& op = p.options;
  std::string w = "options";
  if (auto it = opts->find("weights"); it != opts->end() && !it->value().is_null()) {
    if (!it->value().is_object()) return error{"options.weights must be an object"};
    const auto& wo = it->value().get_object();
    auto a = get_number(wo, "tags", op.w_tags, 0, 1000, "options.weights");
    if (!a) return a.err();
    auto b = get_number(wo, "language", op.w_language, 0, 1000, "options.weights");
    if (!b) return b.err();
    auto c = get_number(wo, "availability", op.w_availability, 0, 1000, "options.weights");
    if (!c) return c.err();
    op.w_tags = *a;
    op.w_language = *b;
    op.w_availability = *c;
    if (op.w_tags + op.w_language + op.w_availability <= 0) return error{"options.weights must not all be 0"};
  }
  if (auto it = opts->find("require_shared_language"); it != opts->end() && !it->value().is_null()) {
    if (!it->value().is_bool()) return error{"options.require_shared_language must be true or false"};
    op.require_shared_language = it->value().get_bool();
  }
  auto t = get_number(*opts, "target_overlap_hours", op.target_overlap_hours, 0, 168, w);
  if (!t) return t.err();
  op.target_overlap_hours = *t;
  auto ms = get_number(*opts, "min_score", op.min_score, 0, 100, w);
  if (!ms) return ms.err();
  op.min_score = *ms;
  std::int64_t day = 0;
  if (auto it = opts->find("reference_week"); it != opts->end() && !it->value().is_null()) {
    if (!it->value().is_string()) return error{"options.reference_week must be a date YYYY-MM-DD"};
    auto d = parse_date(it->value().get_string());
    if (!d) return error{"options.reference_week: " + d.err().message};
    day = *d;
  } else {
    // Default: the current week. Callers wanting reproducible output pass reference_week.
    day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()).time_since_epoch().count();
  }
  op.week_start_day = day - weekday_monday0(day);
  return p;
}

result<match_result> solve_match(const match_problem& p) {
  const std::size_t n = p.mentees.size(), g = p.mentors.size();
  std::vector<std::vector<interval>> av_m(g), av_e(n);
  for (std::size_t j = 0; j < g; ++j) {
    auto a =
        availability_in_week(p.mentors[j].availability, p.mentors[j].time_zone, p.options.week_start_day);
    if (!a) return error{"mentor '" + p.mentors[j].id + "': " + a.err().message};
    av_m[j] = std::move(*a);
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto a =
        availability_in_week(p.mentees[i].availability, p.mentees[i].time_zone, p.options.week_start_day);
    if (!a) return error{"mentee '" + p.mentees[i].id + "': " + a.err().message};
    av_e[i] = std::move(*a);
  }
  std::vector<std::vector<std::int64_t>> weight(n, std::vector<std::int64_t>(g, -1));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < g; ++j) {
      auto s = score_prepared(p.mentors[j], p.mentees[i], av_m[j], av_e[i], p.options, false);
      if (s.allowed) weight[i][j] = s.score_milli;
    }
  std::vector<int> cap(g);
  for (std::size_t j = 0; j < g; ++j) cap[j] = p.mentors[j].capacity;
  auto a = solve_assignment(weight, cap);
  match_result r;
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] < 0) {
      r.unmatched.push_back(i);
      bool any = false;
      for (std::size_t j = 0; j < g; ++j) any = any || (weight[i][j] >= 0 && cap[j] > 0);
      r.unmatched_reason.push_back(
          any ? "every suitable mentor is at capacity with a better overall fit"
              : "no mentor is eligible (shared language, minimum score or capacity 0)");
      continue;
    }
    auto j = static_cast<std::size_t>(a[i]);
    r.total_milli += weight[i][j];
    r.pairs.push_back({i, j, score_prepared(p.mentors[j], p.mentees[i], av_m[j], av_e[i], p.options, true)});
  }
  return r;
}

json::value match_result_to_json(const match_problem& p, const match_result& r) {
  json::object out;
  out["reference_week"] = format_date(p.options.week_start_day);
  out["total_score"] = static_cast<double>(r.total_milli) / 1000.0;
  json::array pairs;
  std::vector<int> load(p.mentors.size(), 0);
  for (const auto& a : r.pairs) {
    ++load[a.mentor];
    json::object o;
    o["mentee"] = p.mentees[a.mentee].id;
    o["mentor"] = p.mentors[a.mentor].id;
    o["score"] = a.detail.score;
    json::array tags;
    for (const auto& t : a.detail.shared_tags) tags.emplace_back(t);
    o["shared_tags"] = std::move(tags);
    o["tag_overlap"] = std::round(a.detail.jaccard * 1000.0) / 1000.0;
    json::array langs;
    for (const auto& l : a.detail.shared_languages) langs.emplace_back(l);
    o["shared_languages"] = std::move(langs);
    o["overlap_hours"] = std::round(a.detail.overlap_hours * 1000.0) / 1000.0;
    json::array ov;
    for (const auto& iv : a.detail.overlap)
      ov.push_back(json::object{{"start", format_utc(iv.start)}, {"end", format_utc(iv.end)}});
    o["overlap"] = std::move(ov);
    o["explanation"] = a.detail.explanation;
    pairs.push_back(std::move(o));
  }
  out["assignments"] = std::move(pairs);
  json::array un;
  for (std::size_t k = 0; k < r.unmatched.size(); ++k)
    un.push_back(json::object{{"mentee", p.mentees[r.unmatched[k]].id},
                              {"reason", k < r.unmatched_reason.size() ? r.unmatched_reason[k] : ""}});
  out["unmatched"] = std::move(un);
  json::object loads;
  for (std::size_t j = 0; j < p.mentors.size(); ++j)
    loads[p.mentors[j].id] = json::object{{"assigned", load[j]}, {"capacity", p.mentors[j].capacity}};
  out["mentor_load"] = std::move(loads);
  return out;
}

result<json::value> match_json(const json::value& request) {
  auto p = parse_match_problem(request);
  if (!p) return p.err();
  auto r = solve_match(*p);
  if (!r) return r.err();
  return match_result_to_json(*p, *r);
}

}  // namespace tandem::domain
