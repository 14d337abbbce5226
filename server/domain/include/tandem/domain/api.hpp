// The domain's REST surface as pure functions: (caller, path parameters, body) -> status
// and body. The server's router wires each one to its route after verifying the token;
// the few steps that need the server (signing invite tokens, applying a restore update
// through the document's room, rendering the session PDF) are marked "server:" below.
//
// Auth rules (DESIGN.md "Auth"): a caller's prefix must cover the workspace or document
// (whole segments; "*" is admin only); mentor and mentee write, viewer reads; invites and
// revocation are for the workspace's mentor and admins; creating workspaces and matching
// are for admins (matching also for mentors).
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/domain/sessions.hpp"
#include "tandem/domain/versions.hpp"
#include "tandem/domain/workspace.hpp"

namespace tandem::domain {

struct caller {
  std::string user;
  std::string name;
  std::string role;    // admin | mentor | mentee | viewer
  std::string prefix;  // "*" for admin tokens
};

struct api_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Whole-segment prefix check: "acme-7" covers "acme-7" and "acme-7/plan", not "acme-70".
[[nodiscard]] bool prefix_covers(std::string_view prefix, std::string_view name);

class domain_api {
 public:
  // All three must outlive the api. Thread-safe as its services are.
  domain_api(storage::store& s, workspace_service& w, session_service& ss) : store_(s), ws_(w), ss_(ss) {}

  // POST /api/match
  [[nodiscard]] api_response match(const caller& c, std::string_view body) const;
  // POST /api/workspaces -> {workspace, invites: [...]} (one invite per person).
  // server: sign a token per invite (jti = token_id, prefix, role, name) and add the links.
  [[nodiscard]] api_response create_workspace(const caller& c, std::string_view body, time_ms now);
  // GET /api/workspaces (admin: all; others: those their prefix covers)
  [[nodiscard]] api_response list_workspaces(const caller& c) const;
  // GET /api/workspaces/{ws}
  [[nodiscard]] api_response get_workspace(const caller& c, std::string_view ws) const;
  // POST /api/workspaces/{ws}/invites {person_id} or {viewer_name}, optional expires (ms)
  // server: sign the token as for create_workspace.
  [[nodiscard]] api_response create_invite(const caller& c, std::string_view ws, std::string_view body,
                                           time_ms now);
  // GET /api/workspaces/{ws}/invites
  [[nodiscard]] api_response list_invites(const caller& c, std::string_view ws) const;
  // POST /api/invites/{token_id}/revoke
  // server: on_revoke listeners close the token's live connections.
  [[nodiscard]] api_response revoke(const caller& c, std::string_view token_id, time_ms now);
  // POST /api/workspaces/{ws}/sessions {date, time, time_zone?, duration_minutes?, agenda?, title?}
  [[nodiscard]] api_response schedule_session(const caller& c, std::string_view ws, std::string_view body);
  // GET /api/workspaces/{ws}/sessions
  [[nodiscard]] api_response list_sessions(const caller& c, std::string_view ws) const;
  // GET /api/workspaces/{ws}/sessions.ics (text/calendar attachment)
  [[nodiscard]] api_response sessions_ics(const caller& c, std::string_view ws, std::int64_t now_s) const;
  // POST /api/workspaces/{ws}/sessions/{n}/start
  [[nodiscard]] api_response start_session(const caller& c, std::string_view ws, std::string_view n,
                                           time_ms now);
  // POST /api/workspaces/{ws}/sessions/{n}/end
  // server: render the board + plan PDF off the I/O threads, then session_service::store_pdf.
  [[nodiscard]] api_response end_session(const caller& c, std::string_view ws, std::string_view n,
                                         time_ms now);
  // GET /api/workspaces/{ws}/sessions/{n}/pdf (application/pdf)
  [[nodiscard]] api_response session_pdf(const caller& c, std::string_view ws, std::string_view n) const;
  // GET /api/docs/{doc}/versions
  [[nodiscard]] api_response list_versions(const caller& c, std::string_view doc) const;
  // POST /api/docs/{doc}/versions {label?}
  [[nodiscard]] api_response save_version(const caller& c, std::string_view doc, std::string_view body,
                                          time_ms now);
  // GET /api/docs/{doc}/versions/{n}  (JSON content; format "update" gives the v1 bytes)
  [[nodiscard]] api_response get_version(const caller& c, std::string_view doc, std::string_view n,
                                         std::string_view format) const;
  // POST /api/docs/{doc}/versions/{n}/restore -> application/octet-stream: the restore update.
  // server: apply it through the document's room (durable, then broadcast) before answering.
  [[nodiscard]] api_response restore_version(const caller& c, std::string_view doc, std::string_view n) const;
  // POST /api/docs/{doc}/feedback {text, rating?, goal_id?, session?} (mentor or mentee)
  // POST /api/docs/{doc}/comments {element_id, text}
  // Both -> application/octet-stream: the update adding the entry.
  // server: apply it through the document's room, as for restore_version.
  [[nodiscard]] api_response add_feedback(const caller& c, std::string_view doc, std::string_view body,
                                          time_ms now) const;
  [[nodiscard]] api_response add_comment(const caller& c, std::string_view doc, std::string_view body,
                                         time_ms now) const;
  // GET /api/docs/{doc}/replay?from=MS&to=MS -> application/octet-stream (encode_replay)
  [[nodiscard]] api_response replay(const caller& c, std::string_view doc, std::string_view from,
                                    std::string_view to) const;

 private:
  storage::store& store_;
  workspace_service& ws_;
  session_service& ss_;
};

}  // namespace tandem::domain
