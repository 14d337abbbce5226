// Wires the mentorship domain's pure REST handlers (tandem/domain/api.hpp) to routes: token
// check, blocking work off the I/O threads, invite-token signing, updates applied through
// the document's room, revocation closing live connections.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <tandem/domain/api.hpp>
#include <tandem/storage/store.hpp>

#include "domain_bridge.hpp"

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

std::string query(const http::request& req, const char* k) {
  auto it = req.query.find(k);
  return it == req.query.end() ? std::string() : it->second;
}

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
  rroute("POST", "/api/workspaces/{ws}/sessions/{n}/end", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    auto m = prm;
    return to_http(api->end_session(c, m.at("ws"), m.at("n"), now_ms()));
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
  rroute("GET", "/api/docs/{doc+}/replay", [api](const domain::caller& c, [[maybe_unused]] const http::request& req, [[maybe_unused]] const http::params& prm) {
    return to_http(api->replay(c, prm.at("doc"), query(req, "from"), query(req, "to")));
  });

  // Handlers whose result is an update to apply through the room before answering.
  using ujob = std::function<domain::api_response(const domain::caller&, const http::request&, const http::params&)>;
  auto uroute = [&router, &hooks](const char* method, const char* pattern, ujob fn) {
    router.add(method, pattern, [&hooks, fn = std::move(fn)](const http::request& req, const http::params& params, http::responder respond) {
      auto a = hooks.authenticate(req);
      if (auto* r = std::get_if<http::response>(&a)) return respond(std::move(*r));
      auto c = to_caller(std::get<auth::claims>(a));
      const std::string doc = params.at("doc");
      hooks.run_blocking([&hooks, fn, c, req, doc, params, respond = std::move(respond)] {
        auto r = fn(c, req, params);
        if (r.status / 100 != 2) return respond(to_http(std::move(r)));
        hooks.apply_update(doc, std::move(r.body), [respond](status s) {
          if (!s) return respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
          respond(http::json_response(200, R"({"ok":true})"));
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
