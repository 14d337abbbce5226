// Session records, start/end transitions and the .ics schedule.
#include "tandem/domain/sessions.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "tandem/domain/ics.hpp"
#include "tandem/domain/templates.hpp"
#include "tandem/domain/tz.hpp"

namespace tandem::domain {

namespace json = boost::json;

namespace {

std::string key_of(std::string_view ws, std::uint32_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06u", n);
  return "session/" + std::string(ws) + "/" + buf;
}
std::string pdf_key(std::string_view ws, std::uint32_t n) {
  return "session-pdf/" + std::string(ws) + "/" + std::to_string(n);
}

result<session> session_from_json(const json::value& v) {
  if (!v.is_object()) return error{"session record is not an object"};
  const auto& o = v.get_object();
  session s;
  auto str = [&](const char* k) {
    const auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  auto num = [&](const char* k) -> std::int64_t {
    const auto* x = o.if_contains(k);
    return x && x->is_number() ? x->to_number<std::int64_t>() : 0;
  };
  s.workspace = str("workspace");
  s.number = static_cast<std::uint32_t>(num("number"));
  s.title = str("title");
  s.date = str("date");
  s.time = str("time");
  s.time_zone = str("time_zone");
  s.duration_minutes = static_cast<int>(num("duration_minutes"));
  s.start_utc = num("start_utc");
  s.status = str("status");
  s.started_at = num("started_at");
  s.ended_at = num("ended_at");
  s.board = str("board");
  if (const auto* a = o.if_contains("agenda"); a && a->is_array())
    for (const auto& x : a->get_array())
      if (x.is_string()) s.agenda.emplace_back(x.get_string());
  if (const auto* a = o.if_contains("versions"); a && a->is_array())
    for (const auto& x : a->get_array()) {
      if (!x.is_object()) continue;
      saved_version sv;
      const auto& xo = x.get_object();
      if (const auto* d = xo.if_contains("doc"); d && d->is_string()) sv.doc = std::string(d->get_string());
      if (const auto* d = xo.if_contains("number"); d && d->is_number())
        sv.number = static_cast<std::uint32_t>(d->to_number<std::int64_t>());
      if (const auto* d = xo.if_contains("label"); d && d->is_string())
        sv.label = std::string(d->get_string());
      s.versions.push_back(std::move(sv));
    }
  if (const auto* p = o.if_contains("has_pdf"); p && p->is_bool()) s.has_pdf = p->get_bool();
  if (s.workspace.empty() || s.number == 0) return error{"session record lacks workspace or number"};
  return s;
}

}  // namespace

std::string session_version_label(std::uint32_t number, std::string_view date) {
  return "Session " + std::to_string(number) + " \xE2\x80\x94 " + std::string(date);  // U+2014 em dash
}

json::value to_json(const session& s) {
  json::array agenda;
  for (const auto& a : s.agenda) agenda.emplace_back(a);
  json::array versions;
  for (const auto& v : s.versions)
    versions.push_back(json::object{{"doc", v.doc}, {"number", v.number}, {"label", v.label}});
  return json::object{{"workspace", s.workspace},
                      {"number", s.number},
                      {"title", s.title},
                      {"date", s.date},
                      {"time", s.time},
                      {"time_zone", s.time_zone},
                      {"duration_minutes", s.duration_minutes},
                      {"agenda", std::move(agenda)},
                      {"start_utc", s.start_utc},
                      {"start", format_utc(s.start_utc)},
                      {"status", s.status},
                      {"started_at", s.started_at},
                      {"ended_at", s.ended_at},
                      {"board", s.board},
                      {"versions", std::move(versions)},
                      {"has_pdf", s.has_pdf}};
}

result<session_request> parse_session_request(const json::value& v) {
  if (!v.is_object()) return error{"session must be a JSON object {date, time, time_zone?, agenda?}"};
  const auto& o = v.get_object();
  session_request r;
  auto str = [&](const char* k, std::string& out, std::size_t max, bool required) -> status {
    const auto* x = o.if_contains(k);
    if (!x || x->is_null()) {
      if (required) return error{std::string("session: missing \"") + k + "\""};
      return ok_status();
    }
    if (!x->is_string()) return error{std::string("session: \"") + k + "\" must be a string"};
    if (x->get_string().size() > max) return error{std::string("session: \"") + k + "\" is too long"};
    out = std::string(x->get_string());
    return ok_status();
  };
  if (auto s = str("title", r.title, 200, false); !s) return s.err();
  if (auto s = str("date", r.date, 10, true); !s) return s.err();
  if (auto s = str("time", r.time, 5, true); !s) return s.err();
  if (auto s = str("time_zone", r.time_zone, 64, false); !s) return s.err();
  if (const auto* d = o.if_contains("duration_minutes"); d && !d->is_null()) {
    if (!d->is_int64() && !d->is_uint64())
      return error{"session: \"duration_minutes\" must be a whole number"};
    auto m = d->to_number<std::int64_t>();
    if (m < 5 || m > 720) return error{"session: \"duration_minutes\" must be 5..720"};
    r.duration_minutes = static_cast<int>(m);
  }
  if (const auto* a = o.if_contains("agenda"); a && !a->is_null()) {
    if (a->is_string()) {
      // One item per line.
      std::string_view text = a->get_string();
      std::size_t start = 0;
      while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string item(text.substr(start, end - start));
        if (!item.empty() && item.back() == '\r') item.pop_back();
        if (!item.empty()) r.agenda.push_back(item);
        start = end + 1;
      }
    } else if (a->is_array()) {
      for (const auto& x : a->get_array()) {
        if (!x.is_string()) return error{"session: \"agenda\" must hold strings"};
        r.agenda.emplace_back(x.get_string());
      }
    } else {
      return error{"session: \"agenda\" must be an array of strings or a text"};
    }
    if (r.agenda.size() > 50) return error{"session: at most 50 agenda items"};
    for (const auto& item : r.agenda)
      if (item.size() > 500) return error{"session: an agenda item is longer than 500 bytes"};
  }
  if (auto d = parse_date(r.date); !d) return error{"session: " + d.err().message};
  if (auto t = parse_hhmm(r.time); !t || *t >= 86400) return error{"session: invalid time '" + r.time + "'"};
  return r;
}

status session_service::put(const session& s) {
  auto st = put_json(store_, key_of(s.workspace, s.number), to_json(s));
  return st;
}

result<session> session_service::schedule(std::string_view ws, const session_request& req) {
  auto w = workspaces_.get_workspace(ws);
  if (!w) return w.err();
  if (!w->has_value()) return error{"no workspace '" + std::string(ws) + "'"};
  session s;
  s.workspace = std::string(ws);
  s.date = req.date;
  s.time = req.time;
  s.time_zone = req.time_zone.empty() ? (*w)->mentor.time_zone : req.time_zone;
  s.duration_minutes = req.duration_minutes;
  s.agenda = req.agenda;
  auto day = parse_date(req.date);
  if (!day) return day.err();
  auto secs = parse_hhmm(req.time);
  if (!secs || *secs >= 86400) return error{"invalid time '" + req.time + "'"};
  auto tz = locate_zone(s.time_zone);
  if (!tz) return tz.err();
  s.start_utc = (*tz)->local_to_utc(*day * 86400 + *secs);
  s.status = "scheduled";
  std::lock_guard lock(mu_);
  auto existing = store_.kv_list("session/" + std::string(ws) + "/");
  if (!existing) return error{storage_message(existing.err())};
  if (existing->size() >= 100000) return error{"workspace '" + std::string(ws) + "' has too many sessions"};
  std::uint32_t last = 0;
  for (const auto& kv : *existing) {
    std::string num = kv.first.substr(kv.first.rfind('/') + 1);
    last = std::max(last, static_cast<std::uint32_t>(std::strtoul(num.c_str(), nullptr, 10)));
  }
  s.number = last + 1;
  s.title = req.title.empty() ? "Session " + std::to_string(s.number) : req.title;
  s.board = std::string(ws) + "/board/" + std::to_string(s.number);
  if (auto st = put(s); !st) return st.err();
  return s;
}

result<std::optional<session>> session_service::get(std::string_view ws, std::uint32_t number) const {
  if (!valid_workspace_id(ws)) return std::optional<session>{};
  auto v = get_json(store_, key_of(ws, number));
  if (!v) return v.err();
  if (!v->has_value()) return std::optional<session>{};
  auto s = session_from_json(**v);
  if (!s) return error{"session record " + key_of(ws, number) + ": " + s.err().message};
  return std::optional<session>(std::move(*s));
}

result<std::vector<session>> session_service::list(std::string_view ws) const {
  std::vector<session> out;
  if (!valid_workspace_id(ws)) return out;
  auto l = store_.kv_list("session/" + std::string(ws) + "/");
  if (!l) return error{storage_message(l.err())};
  for (const auto& [key, value] : *l) {
    boost::system::error_code ec;
    auto v = json::parse(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()), ec);
    if (ec) return error{"session record " + key + " is not valid JSON"};
    auto s = session_from_json(v);
    if (!s) return error{"session record " + key + ": " + s.err().message};
    out.push_back(std::move(*s));
  }
  return out;  // keys are zero-padded, so this is session-number order
}

namespace {
// A session that must exist: its record, or an error naming it.
result<session> existing(const session_service& svc, std::string_view ws, std::uint32_t number) {
  auto cur = svc.get(ws, number);
  if (!cur) return cur.err();
  if (!cur->has_value()) return error{"no session " + std::to_string(number) + " in '" + std::string(ws) + "'"};
  return std::move(**cur);
}
}  // namespace

result<session> session_service::start(std::string_view ws, std::uint32_t number, time_ms now) {
  std::lock_guard lock(mu_);
  auto cur = existing(*this, ws, number);
  if (!cur) return cur.err();
  session s = std::move(*cur);
  if (s.status == "ended") return error{"session " + std::to_string(number) + " has already ended"};
  if (s.status == "started") return s;
  auto info = store_.info(s.board);
  if (!info) return error{storage_message(info.err())};
  if (!info->has_value() || (*info)->last_seq == 0) {
    auto update = make_session_board(s.title, s.agenda, now);
    auto seq = store_.append(s.board, std::move(update)).get();
    if (!seq) return error{storage_message(seq.err())};
    if (auto r = store_.set_doc_info(s.board, "board", s.title); !r) return error{storage_message(r.err())};
  }
  s.status = "started";
  s.started_at = now;
  if (auto st = put(s); !st) return st.err();
  return s;
}

result<session> session_service::end(std::string_view ws, std::uint32_t number, std::string_view author,
                                     time_ms now) {
  std::lock_guard lock(mu_);
  auto cur = existing(*this, ws, number);
  if (!cur) return cur.err();
  session s = std::move(*cur);
  if (s.status == "ended") return s;
  if (s.status != "started") return error{"session " + std::to_string(number) + " has not started"};
  std::string label = session_version_label(s.number, s.date);
  s.versions.clear();
  for (const std::string& doc : {s.board, std::string(ws) + "/plan"}) {
    auto v = versions_.save(doc, label, author);
    if (!v) return error{"saving a version of '" + doc + "': " + v.err().message};
    s.versions.push_back({doc, v->number, label});
  }
  s.status = "ended";
  s.ended_at = now;
  if (auto st = put(s); !st) return st.err();
  return s;
}

status session_service::store_pdf(std::string_view ws, std::uint32_t number,
                                  const std::vector<std::uint8_t>& pdf) {
  std::lock_guard lock(mu_);
  auto cur = get(ws, number);
  if (!cur) return cur.err();
  if (!cur->has_value())
    return error{"no session " + std::to_string(number) + " in '" + std::string(ws) + "'"};
  if (auto r = store_.kv_put(pdf_key(ws, number), pdf); !r) return error{storage_message(r.err())};
  session s = **cur;
  s.has_pdf = true;
  return put(s);
}

result<std::optional<std::vector<std::uint8_t>>> session_service::pdf(std::string_view ws,
                                                                      std::uint32_t number) const {
  if (!valid_workspace_id(ws)) return std::optional<std::vector<std::uint8_t>>{};
  auto r = store_.kv_get(pdf_key(ws, number));
  if (!r) return error{storage_message(r.err())};
  return std::move(*r);
}

result<std::string> session_service::ics(std::string_view ws, std::int64_t now_utc_seconds) const {
  auto w = workspaces_.get_workspace(ws);
  if (!w) return w.err();
  if (!w->has_value()) return error{"no workspace '" + std::string(ws) + "'"};
  auto all = list(ws);
  if (!all) return all.err();
  std::vector<ics_event> events;
  for (const auto& s : *all) {
    if (s.status == "ended") continue;
    ics_event e;
    e.uid = std::string(ws) + "-session-" + std::to_string(s.number) + "@tandem";
    e.start = s.start_utc;
    e.end = s.start_utc + 60LL * s.duration_minutes;
    e.summary = (*w)->title + ": " + s.title;
    std::string desc;
    if (!s.agenda.empty()) {
      desc = "Agenda:";
      for (std::size_t i = 0; i < s.agenda.size(); ++i)
        desc += "\n" + std::to_string(i + 1) + ". " + s.agenda[i];
    }
    if (!(*w)->meeting_link.empty())
      desc += (desc.empty() ? "" : "\n\n") + std::string("Join: ") + (*w)->meeting_link;
    e.description = desc;
    e.location = (*w)->meeting_link;
    bool url_ok = !(*w)->meeting_link.empty();
    for (char c : (*w)->meeting_link)
      if (static_cast<unsigned char>(c) <= 0x20 || c == '"') url_ok = false;
    if (url_ok) e.url = (*w)->meeting_link;
    events.push_back(std::move(e));
  }
  return make_ics(events, now_utc_seconds, (*w)->title);
}

}  // namespace tandem::domain
