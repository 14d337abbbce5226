// Domain REST handlers as pure functions (see api.hpp for routes and auth rules).
#include "tandem/domain/api.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "tandem/domain/feedback.hpp"
#include "tandem/domain/json_util.hpp"
#include "tandem/domain/matching.hpp"

namespace tandem::domain {

namespace json = boost::json;

namespace {

constexpr std::size_t k_max_body = 16u << 20;

api_response err(int status, std::string_view msg) {
  return {status, "application/json", json::serialize(json::object{{"error", msg}}), {}};
}
api_response ok_json(const json::value& v, int status = 200) {
  return {status, "application/json", write_json(v), {}};
}
api_response from_error(const error& e, int status = 400) {
  return err(status, e.message);
}

result<json::value> parse_body(std::string_view body, bool allow_empty) {
  if (body.size() > k_max_body) return error{"request body larger than 16 MiB"};
  if (body.empty() && allow_empty) return json::value(json::object{});
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return error{"request body is not valid JSON: " + ec.message()};
  return v;
}

bool is_admin(const caller& c) {
  return c.role == "admin";
}
bool can_read(const caller& c, std::string_view name) {
  if (is_admin(c)) return true;
  if (c.role != "mentor" && c.role != "mentee" && c.role != "viewer") return false;
  return prefix_covers(c.prefix, name);
}
bool can_write(const caller& c, std::string_view name) {
  return can_read(c, name) && c.role != "viewer";
}
bool can_manage(const caller& c, std::string_view ws) {
  return is_admin(c) || (c.role == "mentor" && prefix_covers(c.prefix, ws));
}

result<std::uint32_t> parse_number(std::string_view s) {
  std::uint32_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n == 0 || s.size() > 9)
    return error{"'" + std::string(s) + "' is not a positive number"};
  return n;
}

result<std::int64_t> parse_ms(std::string_view s, std::int64_t dflt) {
  if (s.empty()) return dflt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size())
    return error{"'" + std::string(s) + "' is not a time in ms"};
  return n;
}

api_response binary(std::vector<std::uint8_t> b, std::string type) {
  return {200, std::move(type), std::string(b.begin(), b.end()), {}};
}

}  // namespace

bool prefix_covers(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return false;
  if (prefix == "*") return true;
  if (name.size() < prefix.size() || name.substr(0, prefix.size()) != prefix) return false;
  return name.size() == prefix.size() || name[prefix.size()] == '/';
}

api_response domain_api::match(const caller& c, std::string_view body) const {
  if (!is_admin(c) && c.role != "mentor") return err(403, "matching needs an admin or mentor token");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  auto r = match_json(*v);
  if (!r) return from_error(r.err());
  return ok_json(*r);
}

api_response domain_api::create_workspace(const caller& c, std::string_view body, time_ms now) {
  if (!is_admin(c)) return err(403, "creating a workspace needs an admin token");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  auto w = parse_workspace(*v);
  if (!w) return from_error(w.err());
  auto created = ws_.create_workspace(*w, now);
  if (!created) {
    bool exists = created.err().message.find("already exists") != std::string::npos;
    return from_error(created.err(), exists ? 409 : 500);
  }
  json::array invites;
  std::vector<std::string> people{created->mentor.id};
  for (const auto& m : created->mentees) people.push_back(m.id);
  for (const auto& p : people) {
    auto i = ws_.create_invite(created->id, p, "", now, 0);
    if (!i) return from_error(i.err(), 500);
    invites.push_back(to_json(*i));
  }
  return ok_json(json::object{{"workspace", to_json(*created)}, {"invites", std::move(invites)}}, 201);
}

api_response domain_api::list_workspaces(const caller& c) const {
  auto all = ws_.list_workspaces();
  if (!all) return from_error(all.err(), 500);
  json::array out;
  for (const auto& w : *all)
    if (can_read(c, w.id)) out.push_back(to_json(w));
  return ok_json(json::object{{"workspaces", std::move(out)}});
}

api_response domain_api::get_workspace(const caller& c, std::string_view ws) const {
  if (!can_read(c, ws)) return err(403, "this token does not open workspace '" + std::string(ws) + "'");
  auto w = ws_.get_workspace(ws);
  if (!w) return from_error(w.err(), 500);
  if (!w->has_value()) return err(404, "no workspace '" + std::string(ws) + "'");
  return ok_json(to_json(**w));
}

api_response domain_api::create_invite(const caller& c, std::string_view ws, std::string_view body,
                                       time_ms now) {
  if (!can_manage(c, ws)) return err(403, "invites are issued by the workspace's mentor or an admin");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  if (!v->is_object()) return err(400, "invite request must be an object {person_id} or {viewer_name}");
  const auto& o = v->get_object();
  std::string person, viewer;
  if (const auto* p = o.if_contains("person_id"); p && p->is_string()) person = std::string(p->get_string());
  if (const auto* p = o.if_contains("viewer_name"); p && p->is_string())
    viewer = std::string(p->get_string());
  if (person.empty() == viewer.empty())
    return err(400, "give exactly one of \"person_id\" and \"viewer_name\"");
  time_ms expires = 0;
  if (const auto* e = o.if_contains("expires"); e && !e->is_null()) {
    if (!e->is_int64() && !e->is_uint64()) return err(400, "\"expires\" must be a time in ms");
    expires = e->to_number<time_ms>();
    if (expires <= now) return err(400, "\"expires\" is in the past");
  }
  auto i = ws_.create_invite(ws, person, viewer, now, expires);
  if (!i) {
    bool missing = i.err().message.rfind("no ", 0) == 0;
    return from_error(i.err(), missing ? 404 : 500);
  }
  return ok_json(to_json(*i), 201);
}

api_response domain_api::list_invites(const caller& c, std::string_view ws) const {
  if (!can_manage(c, ws)) return err(403, "invites are listed for the workspace's mentor or an admin");
  auto l = ws_.list_invites(ws);
  if (!l) return from_error(l.err(), 500);
  json::array out;
  for (const auto& i : *l) out.push_back(to_json(i));
  return ok_json(json::object{{"invites", std::move(out)}});
}

api_response domain_api::revoke(const caller& c, std::string_view token_id, time_ms now) {
  auto i = ws_.get_invite(token_id);
  if (!i) return from_error(i.err(), 500);
  if (!i->has_value()) {
    // Tokens not issued as invites can only be revoked by an admin.
    if (!is_admin(c)) return err(404, "no invite '" + std::string(token_id) + "'");
  } else if (!can_manage(c, (*i)->workspace)) {
    return err(403, "revoking needs the workspace's mentor or an admin");
  }
  if (auto st = ws_.revoke(token_id, now); !st) return from_error(st.err());
  return ok_json(json::object{{"token_id", token_id}, {"revoked", true}, {"revoked_at", now}});
}

api_response domain_api::schedule_session(const caller& c, std::string_view ws, std::string_view body) {
  if (!can_write(c, ws)) return err(403, "scheduling needs a mentor or mentee token of this workspace");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  auto req = parse_session_request(*v);
  if (!req) return from_error(req.err());
  auto s = ss_.schedule(ws, *req);
  if (!s) return from_error(s.err(), s.err().message.rfind("no workspace", 0) == 0 ? 404 : 400);
  return ok_json(to_json(*s), 201);
}

api_response domain_api::list_sessions(const caller& c, std::string_view ws) const {
  if (!can_read(c, ws)) return err(403, "this token does not open workspace '" + std::string(ws) + "'");
  auto l = ss_.list(ws);
  if (!l) return from_error(l.err(), 500);
  json::array out;
  for (const auto& s : *l) out.push_back(to_json(s));
  return ok_json(json::object{{"sessions", std::move(out)}});
}

api_response domain_api::sessions_ics(const caller& c, std::string_view ws, std::int64_t now_s) const {
  if (!can_read(c, ws)) return err(403, "this token does not open workspace '" + std::string(ws) + "'");
  auto ics = ss_.ics(ws, now_s);
  if (!ics) return from_error(ics.err(), ics.err().message.rfind("no workspace", 0) == 0 ? 404 : 500);
  api_response r{200, "text/calendar; charset=utf-8", std::move(*ics), {}};
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + std::string(ws) + "-sessions.ics\"");
  return r;
}

api_response domain_api::start_session(const caller& c, std::string_view ws, std::string_view n,
                                       time_ms now) {
  if (!can_write(c, ws))
    return err(403, "starting a session needs a mentor or mentee token of this workspace");
  auto num = parse_number(n);
  if (!num) return from_error(num.err());
  auto s = ss_.start(ws, *num, now);
  if (!s) return from_error(s.err(), s.err().message.rfind("no session", 0) == 0 ? 404 : 409);
  return ok_json(to_json(*s));
}

api_response domain_api::end_session(const caller& c, std::string_view ws, std::string_view n, time_ms now) {
  if (!can_write(c, ws)) return err(403, "ending a session needs a mentor or mentee token of this workspace");
  auto num = parse_number(n);
  if (!num) return from_error(num.err());
  auto s = ss_.end(ws, *num, c.name.empty() ? c.user : c.name, now);
  if (!s) return from_error(s.err(), s.err().message.rfind("no session", 0) == 0 ? 404 : 409);
  return ok_json(to_json(*s));
}

api_response domain_api::session_pdf(const caller& c, std::string_view ws, std::string_view n) const {
  if (!can_read(c, ws)) return err(403, "this token does not open workspace '" + std::string(ws) + "'");
  auto num = parse_number(n);
  if (!num) return from_error(num.err());
  auto p = ss_.pdf(ws, *num);
  if (!p) return from_error(p.err(), 500);
  if (!p->has_value()) return err(404, "no PDF for session " + std::string(n));
  auto r = binary(std::move(**p), "application/pdf");
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + std::string(ws) + "-session-" +
                                                    std::string(n) + ".pdf\"");
  return r;
}

api_response domain_api::list_versions(const caller& c, std::string_view doc) const {
  if (!can_read(c, doc)) return err(403, "this token does not open '" + std::string(doc) + "'");
  version_service vs(store_);
  auto l = vs.list(doc);
  if (!l) return from_error(l.err(), 500);
  json::array out;
  for (const auto& v : *l)
    out.push_back(json::object{{"number", v.number},
                               {"label", v.label},
                               {"author", v.author},
                               {"time", v.time},
                               {"at_seq", v.at_seq},
                               {"size", v.size}});
  return ok_json(json::object{{"doc", doc}, {"versions", std::move(out)}});
}

api_response domain_api::save_version(const caller& c, std::string_view doc, std::string_view body,
                                      time_ms now) {
  if (!can_write(c, doc))
    return err(403, "saving a version needs write access to '" + std::string(doc) + "'");
  auto v = parse_body(body, true);
  if (!v) return from_error(v.err());
  std::string label;
  if (v->is_object())
    if (const auto* l = v->get_object().if_contains("label"); l && l->is_string())
      label = std::string(l->get_string());
  if (label.size() > 200) return err(400, "\"label\" is longer than 200 bytes");
  (void)now;
  version_service vs(store_);
  auto saved = vs.save(doc, label, c.name.empty() ? c.user : c.name);
  if (!saved) return from_error(saved.err(), 500);
  return ok_json(json::object{{"number", saved->number}, {"label", saved->label}, {"time", saved->time}},
                 201);
}

api_response domain_api::get_version(const caller& c, std::string_view doc, std::string_view n,
                                     std::string_view format) const {
  if (!can_read(c, doc)) return err(403, "this token does not open '" + std::string(doc) + "'");
  auto num = parse_number(n);
  if (!num) return from_error(num.err());
  version_service vs(store_);
  if (format == "update") {
    auto st = vs.state(doc, *num);
    if (!st) return from_error(st.err(), 500);
    if (!st->has_value()) return err(404, "no version " + std::string(n) + " of '" + std::string(doc) + "'");
    return binary(std::move(**st), "application/octet-stream");
  }
  if (!format.empty() && format != "json") return err(400, "format must be json or update");
  auto j = vs.json(doc, *num);
  if (!j) return from_error(j.err(), 500);
  if (!j->has_value()) return err(404, "no version " + std::string(n) + " of '" + std::string(doc) + "'");
  return {200, "application/json", std::move(**j), {}};
}

api_response domain_api::restore_version(const caller& c, std::string_view doc, std::string_view n) const {
  if (!can_write(c, doc)) return err(403, "restoring needs write access to '" + std::string(doc) + "'");
  auto num = parse_number(n);
  if (!num) return from_error(num.err());
  version_service vs(store_);
  auto u = vs.restore_update(doc, *num);
  if (!u) return from_error(u.err(), u.err().message.find("has no version") != std::string::npos ? 404 : 500);
  return binary(std::move(*u), "application/octet-stream");
}

api_response domain_api::add_feedback(const caller& c, std::string_view doc, std::string_view body,
                                      time_ms now) const {
  if (!can_write(c, doc) || (c.role != "mentor" && c.role != "mentee"))
    return err(403, "feedback needs a mentor or mentee token for '" + std::string(doc) + "'");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  if (!v->is_object()) return err(400, "feedback must be an object {text, rating?, goal_id?, session?}");
  const auto& o = v->get_object();
  feedback_entry f;
  f.author = c.name.empty() ? c.user : c.name;
  f.role = c.role;
  f.created_at = now;
  if (const auto* t = o.if_contains("text"); t && t->is_string()) f.text = std::string(t->get_string());
  if (const auto* g = o.if_contains("goal_id"); g && g->is_string()) f.goal_id = std::string(g->get_string());
  if (const auto* r = o.if_contains("rating"); r && !r->is_null()) {
    if (!r->is_int64() && !r->is_uint64()) return err(400, "\"rating\" must be a whole number 1-5");
    auto n = r->to_number<std::int64_t>();
    if (n < 1 || n > 5) return err(400, "\"rating\" must be a whole number 1-5");
    f.rating = static_cast<int>(n);
  }
  if (const auto* sn = o.if_contains("session"); sn && !sn->is_null()) {
    if (!sn->is_int64() && !sn->is_uint64()) return err(400, "\"session\" must be a session number");
    auto n = sn->to_number<std::int64_t>();
    if (n < 1 || n > 100000) return err(400, "\"session\" must be a session number");
    f.session = static_cast<std::uint32_t>(n);
  }
  auto d = load_doc(store_, doc);
  if (!d) return from_error(d.err(), 500);
  auto u = domain::add_feedback(*d, f);
  if (!u) return from_error(u.err());
  return binary(std::move(*u), "application/octet-stream");
}

api_response domain_api::add_comment(const caller& c, std::string_view doc, std::string_view body,
                                     time_ms now) const {
  if (!can_write(c, doc)) return err(403, "commenting needs write access to '" + std::string(doc) + "'");
  auto v = parse_body(body, false);
  if (!v) return from_error(v.err());
  if (!v->is_object()) return err(400, "comment must be an object {element_id, text}");
  const auto& o = v->get_object();
  comment_entry ce;
  ce.author = c.name.empty() ? c.user : c.name;
  ce.role = c.role;
  ce.created_at = now;
  if (const auto* t = o.if_contains("text"); t && t->is_string()) ce.text = std::string(t->get_string());
  if (const auto* e = o.if_contains("element_id"); e && e->is_string())
    ce.element_id = std::string(e->get_string());
  auto d = load_doc(store_, doc);
  if (!d) return from_error(d.err(), 500);
  auto u = domain::add_comment(*d, ce);
  if (!u) return from_error(u.err());
  return binary(std::move(*u), "application/octet-stream");
}

api_response domain_api::replay(const caller& c, std::string_view doc, std::string_view from,
                                std::string_view to) const {
  if (!can_read(c, doc)) return err(403, "this token does not open '" + std::string(doc) + "'");
  auto f = parse_ms(from, 0);
  if (!f) return from_error(f.err());
  auto t = parse_ms(to, std::numeric_limits<std::int64_t>::max());
  if (!t) return from_error(t.err());
  auto r = domain::replay(store_, doc, *f, *t);
  if (!r) return from_error(r.err(), r.err().message.rfind("replay:", 0) == 0 ? 400 : 500);
  auto resp = binary(encode_replay(*r), "application/octet-stream");
  resp.headers.emplace_back("X-Tandem-Replay-Updates", std::to_string(r->updates.size()));
  if (r->truncated) resp.headers.emplace_back("X-Tandem-Replay-Truncated", "1");
  if (r->history_compacted) resp.headers.emplace_back("X-Tandem-History-Compacted", "1");
  return resp;
}

}  // namespace tandem::domain
