// Wires the mentorship domain's pure REST handlers (tandem/domain/api.hpp) to routes: token
// check, blocking work off the I/O threads, invite-token signing, updates applied through
// the document's room, revocation closing live connections.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <tandem/domain/api.hpp>
#include <tandem/storage/store.hpp>

#include "domain_bridge.hpp"
#include "export_job.hpp"
#include "uploads.hpp"

namespace tandem::server {

storage::store* raw_storage(doc_store& s);

namespace {

struct domain_state {
  std::unique_ptr<domain::workspace_service> workspaces;
  std::unique_ptr<domain::session_service> sessions;
  std::unique_ptr<domain::domain_api> api;
};

domain::time_ms now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

http::response to_http(domain::api_response r) {
  http::response out;
  out.status = r.status;
  out.content_type = std::move(r.content_type);
  out.body = std::move(r.body);
  out.headers = std::move(r.headers);
  return out;
}

domain::caller to_caller(const auth::claims& c) {
  return domain::caller{c.user, c.name, std::string(auth::to_string(c.role_)), c.prefix};
}

std::string iso_utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string query(const http::request& req, const char* k) {
  auto it = req.query.find(k);
  return it == req.query.end() ? std::string() : it->second;
}

// Runs the update-producing requests of one document one at a time, each until its update
// has gone through the room. Each reads the stored document, so the next one must see the
// previous one's change: two first comments on an element would otherwise both create its
// comment list, and every list but one would be lost.
class per_doc_queue : public std::enable_shared_from_this<per_doc_queue> {
 public:
  // `job(done)` must call `done()` exactly once, when it has finished.
  using job = std::function<void(std::function<void()> done)>;

  void run(const std::string& doc, job j) {
    {
      std::lock_guard lock(mu_);
      auto& q = queues_[doc];
      q.push_back(std::move(j));
      if (q.size() > 1) return;  // the running job starts this one when it is done
    }
    start(doc);
  }

 private:
  void start(const std::string& doc) {
    job j;
    {
      std::lock_guard lock(mu_);
      j = queues_.at(doc).front();
    }
    j([self = shared_from_this(), doc] { self->finish(doc); });
  }
  void finish(const std::string& doc) {
    {
      std::lock_guard lock(mu_);
      auto it = queues_.find(doc);
      it->second.pop_front();
      if (it->second.empty()) {
        queues_.erase(it);
        return;
      }
    }
    start(doc);
  }

  std::mutex mu_;
  std::unordered_map<std::string, std::deque<job>> queues_;
};

}  // namespace

std::shared_ptr<void> install_domain_routes(doc_store& store, http::router& router, domain_hooks& hooks) {
  storage::store* raw = raw_storage(store);
  if (raw == nullptr) return nullptr;  // memory store: no domain records
  auto ws = domain::workspace_service::open(*raw);
  if (!ws) {
    spdlog::error("domain: cannot open workspaces: {}", ws.err().message);
    return nullptr;
  }
  auto st = std::make_shared<domain_state>();
  st->workspaces = std::move(ws.value());
  st->sessions = std::make_unique<domain::session_service>(*raw, *st->workspaces);
  st->api = std::make_unique<domain::domain_api>(*raw, *st->workspaces, *st->sessions);
  domain::workspace_service* wsp = st->workspaces.get();
  hooks.is_revoked = [wsp](const std::string& id) { return !id.empty() && wsp->is_revoked(id); };
  hooks.fetch_image = uploads::make_fetcher(*raw, [](std::string_view w) { return domain::valid_workspace_id(w); });
  // Automatic versions: when a document's room unloads idle and the document has changed
  // since its last version (or has none yet), save one labelled "auto <UTC ISO time>" by "tandem".
  hooks.on_idle_unload = [raw](const std::string& doc) {
    auto info = raw->info(doc);
    if (!info || !info->has_value() || (*info)->last_seq == 0) return;
    domain::version_service vs(*raw);
    auto l = vs.list(doc);
    if (!l) return;
    storage::seq_t last_at = 0;
    for (const auto& v : *l) last_at = std::max(last_at, v.at_seq);
    if ((*info)->last_seq <= last_at) return;
    auto saved = vs.save(doc, "auto " + iso_utc_now(), "tandem");
    if (!saved) spdlog::warn("automatic version of {}: {}", doc, saved.err().message);
    else spdlog::debug("automatic version {} of {}", saved->number, doc);
  };
  auto close_conns = hooks.close_token_connections;
  st->workspaces->on_revoke([close_conns](const std::string& id) {
    if (close_conns) close_conns(id);
  });

  domain::domain_api* api = st->api.get();

  // Adds a signed token (and the invite link) to each invite object.
  auto sign_invite = [&hooks](boost::json::object& inv) {
    auth::claims c;
    auto s = [&](const char* k) { auto* v = inv.if_contains(k); return v && v->is_string() ? std::string(v->as_string()) : std::string(); };
    c.user = s("person_id").empty() ? "viewer-" + s("token_id").substr(0, 8) : s("person_id");
    c.name = s("name");
    auto role = auth::parse_role(s("role"));
    c.role_ = role ? *role : auth::role::viewer;
    c.prefix = s("prefix");
    c.token_id = s("token_id");
    const auto* exp = inv.if_contains("expires");
    const std::int64_t expires_ms = exp && exp->is_int64() ? exp->as_int64() : 0;
    c.expires_at = expires_ms > 0 ? expires_ms / 1000 : now_ms() / 1000 + 90LL * 86400;  // default 90 days
    const std::string token = hooks.sign(c);
    inv["token"] = token;
    inv["link"] = "/w/" + s("workspace") + "?token=" + token;
  };

  router.add("POST", "/api/match", [&hooks, api](const http::request& req, const http::params&, http::responder respond) {
    auto a = hooks.authenticate(req);
    if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
    auto c = to_caller(std::get<auth::claims>(a));
    hooks.run_blocking([api, c, body = req.body, respond = std::move(respond)] { respond(to_http(api->match(c, body))); });
  });

  // Generic registration with request access.
  using rjob = std::function<http::response(const domain::caller&, const http::request&, const http::params&)>;
  auto rroute = [&router, &hooks](const char* method, const char* pattern, rjob fn) {
    router.add(method, pattern, [&hooks, fn = std::move(fn)](const http::request& req, const http::params& prm, http::responder respond) {
      auto a = hooks.authenticate(req);
      if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
      auto c = to_caller(std::get<auth::claims>(a));
      hooks.run_blocking([fn, c, req, prm, respond = std::move(respond)] { respond(fn(c, req, prm)); });
    });
  };

  rroute("POST", "/api/workspaces", [api, sign_invite](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto r = api->create_workspace(c, req.body, now_ms());
    if (r.status / 100 == 2) {
      boost::system::error_code ec;
      auto v = boost::json::parse(r.body, ec);
      if (!ec && v.is_object()) {
        if (auto* invs = v.as_object().if_contains("invites"); invs && invs->is_array())
          for (auto& i : invs->as_array())
            if (i.is_object()) sign_invite(i.as_object());
        r.body = boost::json::serialize(v);
      }
    }
    return to_http(std::move(r));
  });
  rroute("GET", "/api/workspaces", [api](const domain::caller& c, const http::request&, const http::params&) { return to_http(api->list_workspaces(c)); });
  rroute("GET", "/api/workspaces/{ws}", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->get_workspace(c, prm.at("ws")));
  });
  rroute("POST", "/api/workspaces/{ws}/invites", [api, sign_invite](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto r = api->create_invite(c, prm.at("ws"), req.body, now_ms());
    if (r.status / 100 == 2) {
      boost::system::error_code ec;
      auto v = boost::json::parse(r.body, ec);
      if (!ec && v.is_object()) {
        sign_invite(v.as_object());
        r.body = boost::json::serialize(v);
      }
    }
    return to_http(std::move(r));
  });
  rroute("GET", "/api/workspaces/{ws}/invites", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->list_invites(c, prm.at("ws")));
  });
  rroute("POST", "/api/invites/{id}/revoke", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->revoke(c, prm.at("id"), now_ms()));
  });
  rroute("POST", "/api/workspaces/{ws}/sessions", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->schedule_session(c, prm.at("ws"), req.body));
  });
  rroute("GET", "/api/workspaces/{ws}/sessions", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->list_sessions(c, prm.at("ws")));
  });
  rroute("GET", "/api/workspaces/{ws}/sessions.ics", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->sessions_ics(c, prm.at("ws"), now_ms() / 1000));
  });
  rroute("POST", "/api/workspaces/{ws}/sessions/{n}/start", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto m = prm;
    return to_http(api->start_session(c, m.at("ws"), m.at("n"), now_ms()));
  });
  // Ending a session saves the versions (domain), then renders the session PDF (board pages,
  // then the plan) from the rooms' current states on the blocking pool and stores it, so the
  // answer already says has_pdf and GET .../pdf serves it. A render failure is logged and
  // leaves has_pdf false; the session stays ended.
  domain::session_service* ssp = st->sessions.get();
  router.add("POST", "/api/workspaces/{ws}/sessions/{n}/end", [&hooks, api, ssp](const http::request& req, const http::params& prm, http::responder respond) {
    auto a = hooks.authenticate(req);
    if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
    auto c = to_caller(std::get<auth::claims>(a));
    hooks.run_blocking([&hooks, api, ssp, c, ws = prm.at("ws"), n = prm.at("n"), respond = std::move(respond)] {
      auto r = api->end_session(c, ws, n, now_ms());
      if (r.status / 100 != 2) return respond(to_http(std::move(r)));
      boost::system::error_code ec;
      auto v = boost::json::parse(r.body, ec);
      if (ec || !v.is_object()) return respond(to_http(std::move(r)));
      auto& o = v.as_object();
      const auto* board = o.if_contains("board");
      const auto* num = o.if_contains("number");
      const auto* has = o.if_contains("has_pdf");
      if (!board || !board->is_string() || !num || !num->is_number() || (has && has->is_bool() && has->as_bool()))
        return respond(to_http(std::move(r)));
      const std::string board_doc(board->as_string());
      const auto number = static_cast<std::uint32_t>(num->to_number<std::int64_t>());
      auto fallback = std::make_shared<domain::api_response>(std::move(r));
      auto finish = [&hooks, ssp, ws, number, fallback, respond, v](std::string bstate, std::string pstate) mutable {
        hooks.run_blocking([&hooks, ssp, ws, number, fallback, respond, v, bstate = std::move(bstate), pstate = std::move(pstate)]() mutable {
          auto pdf = render_session_pdf(bstate, pstate, hooks.fetch_image);
          if (!pdf) {
            spdlog::warn("session {}/{}: PDF not rendered: {}", ws, number, pdf.err().message);
            return respond(to_http(std::move(*fallback)));
          }
          if (auto stored = ssp->store_pdf(ws, number, pdf.value()); !stored) {
            spdlog::warn("session {}/{}: PDF not stored: {}", ws, number, stored.err().message);
            return respond(to_http(std::move(*fallback)));
          }
          v.as_object()["has_pdf"] = true;
          respond(http::json_response(200, boost::json::serialize(v)));
        });
      };
      hooks.get_state(board_doc, [&hooks, ws, number, fallback, respond, finish](result<std::string> b) mutable {
        if (!b) {
          spdlog::warn("session {}/{}: board state unavailable: {}", ws, number, b.err().message);
          return respond(to_http(std::move(*fallback)));
        }
        hooks.get_state(ws + "/plan", [ws, number, fallback, respond, finish, bstate = std::move(b.value())](result<std::string> p) mutable {
          if (!p) {
            spdlog::warn("session {}/{}: plan state unavailable: {}", ws, number, p.err().message);
            return respond(to_http(std::move(*fallback)));
          }
          finish(std::move(bstate), std::move(p.value()));
        });
      });
    });
  });
  rroute("GET", "/api/workspaces/{ws}/sessions/{n}/pdf", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto m = prm;
    return to_http(api->session_pdf(c, m.at("ws"), m.at("n")));
  });
  rroute("GET", "/api/docs/{doc+}/versions", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->list_versions(c, prm.at("doc")));
  });
  rroute("POST", "/api/docs/{doc+}/versions", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->save_version(c, prm.at("doc"), req.body, now_ms()));
  });
  rroute("GET", "/api/docs/{doc+}/versions/{n}", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto m = prm;
    return to_http(api->get_version(c, m.at("doc"), m.at("n"), query(req, "format")));
  });
  // A version rendered like the live document's export.pdf|.png (same query options); the
  // name in the PDF's metadata says which version it is.
  for (const bool png : {false, true}) {
    rroute("GET", png ? "/api/docs/{doc+}/versions/{n}/png" : "/api/docs/{doc+}/versions/{n}/pdf",
           [api, png, &hooks](const domain::caller& c, const http::request& req, const http::params& prm) {
             auto v = api->get_version(c, prm.at("doc"), prm.at("n"), "update");
             if (v.status != 200) return to_http(std::move(v));
             return run_export(v.body, std::nullopt, req.query, png, prm.at("doc") + "-v" + prm.at("n"),
                               hooks.fetch_image);
           });
  }
  rroute("GET", "/api/docs/{doc+}/replay", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->replay(c, prm.at("doc"), query(req, "from"), query(req, "to")));
  });

  // Uploaded images. POST /api/uploads[?workspace=WS] (default: the workspace of the token's
  // prefix) with PNG or JPEG bytes from a mentor/mentee token of that workspace; stored in the
  // kv area under upload/<ws>/<sha256>, answered with {"src":"/uploads/<ws>/<sha256>.png"}.
  // GET /uploads/<ws>/<file> serves them to any token of the workspace.
  router.add("POST", "/api/uploads", [&hooks, raw](const http::request& req, const http::params&, http::responder respond) {
    auto a = hooks.authenticate(req);
    if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
    const auto& c = std::get<auth::claims>(a);
    std::string ws = query(req, "workspace");
    if (ws.empty() && c.prefix != "*") ws = c.prefix.substr(0, c.prefix.find('/'));
    if (ws.empty()) return respond(http::json_error(400, "name the workspace: POST /api/uploads?workspace=WS"));
    if (!domain::valid_workspace_id(ws)) return respond(http::json_error(400, "invalid workspace id"));
    if (!auth::prefix_covers(c, ws) || !auth::can_write(c.role_))
      return respond(http::json_error(403, "uploading needs a mentor or mentee token of workspace '" + ws + "'"));
    if (req.body.empty()) return respond(http::json_error(400, "empty body: send the PNG or JPEG bytes"));
    if (req.body.size() > uploads::max_bytes) return respond(http::json_error(413, "images are limited to 10 MiB"));
    const auto kind = uploads::sniff(req.body);
    if (kind == uploads::image_kind::unknown)
      return respond(http::json_error(415, "only PNG and JPEG images can be uploaded"));
    hooks.run_blocking([raw, ws, kind, body = req.body, respond = std::move(respond)] {
      const std::string hash = uploads::sha256_hex(body);
      auto put = raw->kv_put(uploads::kv_key(ws, hash),
                             storage::bytes_view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
      if (!put) {
        spdlog::error("upload to {}: {}", ws, put.err().message);
        return respond(http::json_error(500, "the upload could not be stored"));
      }
      boost::json::object o;
      o["src"] = uploads::src_for(ws, hash, kind);
      respond(http::json_response(201, boost::json::serialize(o)));
    });
  });
  router.add("GET", "/uploads/{ws}/{file}", [&hooks, raw](const http::request& req, const http::params& prm, http::responder respond) {
    auto a = hooks.authenticate(req);
    if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
    const auto& c = std::get<auth::claims>(a);
    const std::string ws = prm.at("ws");
    auto p = uploads::parse_src("/uploads/" + ws + "/" + prm.at("file"), [](std::string_view w) { return domain::valid_workspace_id(w); });
    if (!p) return respond(http::json_error(404, "no such upload"));
    if (!auth::prefix_covers(c, ws)) return respond(http::json_error(403, "this token does not open workspace '" + ws + "'"));
    hooks.run_blocking([raw, key = uploads::kv_key(p->ws, p->hash), respond = std::move(respond)] {
      auto r = raw->kv_get(key);
      if (!r) return respond(http::json_error(500, "the upload could not be read"));
      if (!r->has_value()) return respond(http::json_error(404, "no such upload"));
      http::response out;
      out.body.assign((*r)->begin(), (*r)->end());
      out.content_type = std::string(uploads::mime(uploads::sniff(out.body)));
      out.headers.emplace_back("Cache-Control", "private, max-age=31536000, immutable");
      respond(std::move(out));
    });
  });

  // Handlers whose result is an update to apply through the room before answering.
  using ujob = std::function<domain::api_response(const domain::caller&, const http::request&, const http::params&)>;
  auto queue = std::make_shared<per_doc_queue>();
  auto uroute = [&router, &hooks, queue](const char* method, const char* pattern, ujob fn) {
    router.add(method, pattern, [&hooks, queue, fn = std::move(fn)](const http::request& req, const http::params& params, http::responder respond) {
      auto a = hooks.authenticate(req);
      if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
      auto c = to_caller(std::get<auth::claims>(a));
      const std::string doc = params.at("doc");
      queue->run(doc, [&hooks, fn, c, req, doc, params, respond = std::move(respond)](std::function<void()> done) {
        hooks.run_blocking([&hooks, fn, c, req, doc, params, respond, done] {
          auto r = fn(c, req, params);
          if (r.status / 100 != 2) {
            respond(to_http(std::move(r)));
            return done();
          }
          hooks.apply_update(doc, std::move(r.body), [respond, done](status s) {
            if (!s) respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
            else respond(http::json_response(200, R"({"ok":true})"));
            done();
          });
        });
      });
    });
  };
  uroute("POST", "/api/docs/{doc+}/versions/{n}/restore", [api](const domain::caller& c, const http::request&, [[maybe_unused]] const http::params& prm) {
    return api->restore_version(c, prm.at("doc"), prm.at("n"));
  });
  uroute("POST", "/api/docs/{doc+}/feedback", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return api->add_feedback(c, prm.at("doc"), req.body, now_ms());
  });
  uroute("POST", "/api/docs/{doc+}/comments", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return api->add_comment(c, prm.at("doc"), req.body, now_ms());
  });
  return st;
}

}  // namespace tandem::server
