// Workspace, invite and revocation records in the store's key/value area:
//   ws/<id>            workspace JSON
//   invite/<token_id>  invite JSON (the per-workspace list is a scan filtered by workspace)
//   revoked/<token_id> {"at": ms}
#include "tandem/domain/workspace.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <random>

#include "tandem/domain/templates.hpp"
#include "tandem/domain/json_util.hpp"
#include "tandem/domain/tz.hpp"

namespace tandem::domain {

namespace json = boost::json;

std::string storage_message(const storage::error& e) {
  return std::string("storage ") + storage::to_string(e.code) + ": " + e.message;
}

status put_json(storage::store& s, std::string_view key, const json::value& v) {
  std::string text = json::serialize(v);
  auto r =
      s.kv_put(key, storage::bytes_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  if (!r) return error{storage_message(r.err())};
  return ok_status();
}

result<std::optional<json::value>> get_json(const storage::store& s, std::string_view key) {
  auto r = s.kv_get(key);
  if (!r) return error{storage_message(r.err())};
  if (!r->has_value()) return std::optional<json::value>{};
  const auto& b = **r;
  boost::system::error_code ec;
  json::value v = json::parse(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), ec);
  if (ec) return error{"record '" + std::string(key) + "' is not valid JSON: " + ec.message()};
  return std::optional<json::value>(std::move(v));
}

bool valid_workspace_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id == "." || id == "..") return false;
  if (id.find("..") != std::string_view::npos) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '~' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string random_token_id() {
  std::random_device rd;
  std::string out;
  char buf[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    out += buf;
  }
  return out;
}

namespace {

bool valid_person_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::string slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "person" : out;
}

json::value person_json(const person& p) {
  return json::object{{"id", p.id}, {"name", p.name}, {"time_zone", p.time_zone}};
}

result<person> parse_person(const json::value& v, const std::string& where) {
  if (!v.is_object()) return error{where + ": must be an object {name, time_zone}"};
  const auto& o = v.get_object();
  person p;
  auto name = string_field(o, "name", true, 200, where);
  if (!name) return name.err();
  if (name->empty()) return error{where + ": \"name\" must not be empty"};
  p.name = *name;
  auto id = string_field(o, "id", false, 64, where);
  if (!id) return id.err();
  p.id = id->empty() ? slug(p.name) : *id;
  if (!valid_person_id(p.id)) return error{where + ": \"id\" must be 1-64 of [a-z0-9._-]"};
  auto tz = string_field(o, "time_zone", false, 64, where);
  if (!tz) return tz.err();
  p.time_zone = tz->empty() ? "UTC" : *tz;
  if (auto z = locate_zone(p.time_zone); !z) return error{where + ": " + z.err().message};
  return p;
}

result<workspace> workspace_from_record(const json::value& v) {
  auto w = parse_workspace(v);
  if (!w) return w.err();
  if (const auto* c = v.as_object().if_contains("created"); c && c->is_number())
    w->created = c->to_number<time_ms>();
  return w;
}

result<invite> invite_from_record(const json::value& v) {
  if (!v.is_object()) return error{"invite record is not an object"};
  const auto& o = v.get_object();
  invite i;
  auto s = [&](const char* k) -> std::string {
    const auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  auto n = [&](const char* k) -> time_ms {
    const auto* x = o.if_contains(k);
    return x && x->is_number() ? x->to_number<time_ms>() : 0;
  };
  i.token_id = s("token_id");
  i.workspace = s("workspace");
  i.person_id = s("person_id");
  i.name = s("name");
  i.role = s("role");
  i.prefix = s("prefix");
  i.created = n("created");
  i.expires = n("expires");
  if (i.token_id.empty() || i.workspace.empty()) return error{"invite record lacks token_id or workspace"};
  return i;
}

}  // namespace

json::value to_json(const workspace& w) {
  json::array mentees;
  for (const auto& m : w.mentees) mentees.push_back(person_json(m));
  return json::object{{"id", w.id},
                      {"title", w.title},
                      {"mentor", person_json(w.mentor)},
                      {"mentees", std::move(mentees)},
                      {"meeting_link", w.meeting_link},
                      {"created", w.created},
                      {"plan", w.id + "/plan"}};
}

json::value to_json(const invite& i) {
  return json::object{{"token_id", i.token_id},   {"workspace", i.workspace},
                      {"person_id", i.person_id}, {"name", i.name},
                      {"role", i.role},           {"prefix", i.prefix},
                      {"created", i.created},     {"expires", i.expires},
                      {"revoked", i.revoked},     {"revoked_at", i.revoked_at}};
}

result<workspace> parse_workspace(const json::value& v) {
  if (!v.is_object()) return error{"workspace must be a JSON object"};
  const auto& o = v.get_object();
  workspace w;
  auto title = string_field(o, "title", true, 200, "workspace");
  if (!title) return title.err();
  if (title->empty()) return error{"workspace: \"title\" must not be empty"};
  w.title = *title;
  auto id = string_field(o, "id", false, 64, "workspace");
  if (!id) return id.err();
  w.id = id->empty() ? slug(w.title) : *id;
  if (!valid_workspace_id(w.id))
    return error{"workspace: \"id\" must be 1-64 of [A-Za-z0-9._~-] without \"..\""};
  auto link = string_field(o, "meeting_link", false, 2000, "workspace");
  if (!link) return link.err();
  w.meeting_link = *link;
  const auto* mentor = o.if_contains("mentor");
  if (!mentor) return error{"workspace: missing \"mentor\""};
  auto m = parse_person(*mentor, "workspace.mentor");
  if (!m) return m.err();
  w.mentor = *m;
  const auto* mentees = o.if_contains("mentees");
  if (!mentees || !mentees->is_array() || mentees->get_array().empty())
    return error{"workspace: \"mentees\" must be a non-empty array"};
  if (mentees->get_array().size() > 100) return error{"workspace: at most 100 mentees"};
  std::set<std::string> ids{w.mentor.id};
  for (std::size_t k = 0; k < mentees->get_array().size(); ++k) {
    auto p = parse_person(mentees->get_array()[k], "workspace.mentees[" + std::to_string(k) + "]");
    if (!p) return p.err();
    // Derived ids may collide ("Ann B" and "Ann-B"): number them; explicit ones must be unique.
    if (!ids.insert(p->id).second) {
      const auto& mo = mentees->get_array()[k].get_object();
      if (mo.contains("id")) return error{"workspace: duplicate person id '" + p->id + "'"};
      std::string base = p->id;
      for (int n = 2; !ids.insert(p->id = base + "-" + std::to_string(n)).second; ++n) {
      }
    }
    w.mentees.push_back(std::move(*p));
  }
  return w;
}

result<std::unique_ptr<workspace_service>> workspace_service::open(storage::store& store) {
  std::unique_ptr<workspace_service> s(new workspace_service(store));
  auto list = store.kv_list("revoked/");
  if (!list) return error{storage_message(list.err())};
  for (auto& [key, value] : *list) s->revoked_.insert(key.substr(8));
  return s;
}

result<workspace> workspace_service::create_workspace(workspace w, time_ms now) {
  if (!valid_workspace_id(w.id)) return error{"invalid workspace id '" + w.id + "'"};
  std::string key = "ws/" + w.id;
  auto existing = store_.kv_get(key);
  if (!existing) return error{storage_message(existing.err())};
  if (existing->has_value()) return error{"workspace '" + w.id + "' already exists"};
  w.created = now;
  if (auto st = put_json(store_, key, to_json(w)); !st) return st.err();
  // The plan document gets its template once; an existing plan (re-created workspace) is kept.
  std::string plan = w.id + "/plan";
  auto info = store_.info(plan);
  if (!info) return error{storage_message(info.err())};
  if (!info->has_value() || (*info)->last_seq == 0) {
    std::string mentees;
    for (const auto& m : w.mentees) mentees += (mentees.empty() ? "" : ", ") + m.name;
    auto update = make_plan_template(w.title, w.mentor.name, mentees);
    auto seq = store_.append(plan, std::move(update)).get();
    if (!seq) return error{storage_message(seq.err())};
    if (auto r = store_.set_doc_info(plan, "plan", w.title); !r) return error{storage_message(r.err())};
  }
  return w;
}

result<std::optional<workspace>> workspace_service::get_workspace(std::string_view id) const {
  if (!valid_workspace_id(id)) return std::optional<workspace>{};
  auto v = get_json(store_, "ws/" + std::string(id));
  if (!v) return v.err();
  if (!v->has_value()) return std::optional<workspace>{};
  auto w = workspace_from_record(**v);
  if (!w) return error{"workspace record '" + std::string(id) + "' is damaged: " + w.err().message};
  return std::optional<workspace>(std::move(*w));
}

result<std::vector<workspace>> workspace_service::list_workspaces() const {
  auto list = store_.kv_list("ws/");
  if (!list) return error{storage_message(list.err())};
  std::vector<workspace> out;
  for (const auto& [key, value] : *list) {
    boost::system::error_code ec;
    auto v = json::parse(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()), ec);
    if (ec) return error{"workspace record '" + key + "' is not valid JSON"};
    auto w = workspace_from_record(v);
    if (!w) return error{"workspace record '" + key + "' is damaged: " + w.err().message};
    out.push_back(std::move(*w));
  }
  return out;
}

result<workspace> workspace_service::update_workspace(const workspace& w) {
  auto cur = get_workspace(w.id);
  if (!cur) return cur.err();
  if (!cur->has_value()) return error{"no workspace '" + w.id + "'"};
  workspace next = **cur;
  next.title = w.title;
  next.mentees = w.mentees;
  next.meeting_link = w.meeting_link;
  if (auto st = put_json(store_, "ws/" + w.id, to_json(next)); !st) return st.err();
  return next;
}

result<invite> workspace_service::create_invite(std::string_view workspace_id, std::string_view person_id,
                                                std::string_view viewer_name, time_ms now, time_ms expires) {
  auto w = get_workspace(workspace_id);
  if (!w) return w.err();
  if (!w->has_value()) return error{"no workspace '" + std::string(workspace_id) + "'"};
  const workspace& ws = **w;
  invite i;
  i.workspace = ws.id;
  i.prefix = ws.id;
  i.created = now;
  i.expires = expires;
  if (person_id.empty()) {
    if (viewer_name.empty() || viewer_name.size() > 200)
      return error{"a viewer invite needs a name (1-200 bytes)"};
    i.role = "viewer";
    i.name = std::string(viewer_name);
  } else if (person_id == ws.mentor.id) {
    i.role = "mentor";
    i.person_id = ws.mentor.id;
    i.name = ws.mentor.name;
  } else {
    for (const auto& m : ws.mentees)
      if (m.id == person_id) {
        i.role = "mentee";
        i.person_id = m.id;
        i.name = m.name;
      }
    if (i.role.empty())
      return error{"no person '" + std::string(person_id) + "' in workspace '" + ws.id + "'"};
  }
  i.token_id = random_token_id();
  if (auto st = put_json(store_, "invite/" + i.token_id, to_json(i)); !st) return st.err();
  return i;
}

result<std::optional<invite>> workspace_service::get_invite(std::string_view token_id) const {
  if (token_id.empty() || token_id.size() > 128) return std::optional<invite>{};
  auto v = get_json(store_, "invite/" + std::string(token_id));
  if (!v) return v.err();
  if (!v->has_value()) return std::optional<invite>{};
  auto i = invite_from_record(**v);
  if (!i) return i.err();
  if (is_revoked(i->token_id)) {
    i->revoked = true;
    if (auto r = get_json(store_, "revoked/" + i->token_id); r && r->has_value())
      if (const auto* at = (*r)->as_object().if_contains("at"); at && at->is_number())
        i->revoked_at = at->to_number<time_ms>();
  }
  return std::optional<invite>(std::move(*i));
}

result<std::vector<invite>> workspace_service::list_invites(std::string_view workspace_id) const {
  auto list = store_.kv_list("invite/");
  if (!list) return error{storage_message(list.err())};
  std::vector<invite> out;
  for (const auto& [key, value] : *list) {
    boost::system::error_code ec;
    auto v = json::parse(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()), ec);
    if (ec) return error{"invite record '" + key + "' is not valid JSON"};
    auto i = invite_from_record(v);
    if (!i) return error{"invite record '" + key + "': " + i.err().message};
    if (i->workspace != workspace_id) continue;
    i->revoked = is_revoked(i->token_id);
    out.push_back(std::move(*i));
  }
  std::sort(out.begin(), out.end(), [](const invite& a, const invite& b) {
    return a.created != b.created ? a.created < b.created : a.token_id < b.token_id;
  });
  return out;
}

status workspace_service::revoke(std::string_view token_id, time_ms now) {
  if (token_id.empty() || token_id.size() > 128) return error{"token id must be 1-128 bytes"};
  if (is_revoked(token_id)) return ok_status();
  if (auto st = put_json(store_, "revoked/" + std::string(token_id), json::object{{"at", now}}); !st)
    return st.err();
  std::vector<std::function<void(const std::string&)>> listeners;
  {
    std::unique_lock lock(mu_);
    revoked_.insert(std::string(token_id));
    listeners = listeners_;
  }
  std::string id(token_id);
  for (auto& fn : listeners) fn(id);
  return ok_status();
}

bool workspace_service::is_revoked(std::string_view token_id) const {
  {
    std::shared_lock lock(mu_);
    if (revoked_.find(token_id) != revoked_.end()) return true;
  }
  // Not cached: ask the store, so a revocation written by another process (the CLI, a
  // second node) counts too. One short LMDB read transaction.
  if (token_id.empty() || token_id.size() > 128) return false;
  auto r = store_.kv_get("revoked/" + std::string(token_id));
  if (!r) return true;  // fail closed: a store error must not let a revoked token in
  if (!r->has_value()) return false;
  std::unique_lock lock(mu_);
  revoked_.insert(std::string(token_id));
  return true;
}

void workspace_service::on_revoke(std::function<void(const std::string&)> fn) {
  std::unique_lock lock(mu_);
  listeners_.push_back(std::move(fn));
}

}  // namespace tandem::domain
