// Workspaces (one mentorship: mentor, mentees, meeting link), invites (a token id issued to
// one person with a role and the workspace prefix) and the revocation list, stored as JSON
// in the store's key/value area. Token signing stays in the server (server/auth.hpp): the
// server signs a token carrying the invite's token_id and asks is_revoked(token_id) on
// every request. Thread-safe: the store is, and the revocation cache has its own mutex.
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/domain/error.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::domain {

using time_ms = std::int64_t;

struct person {
  std::string id;         // [a-z0-9._-], unique within the workspace
  std::string name;       // display name
  std::string time_zone;  // IANA name
};

struct workspace {
  std::string id;  // doc-name segment: [A-Za-z0-9._~-]{1,64}; its docs are "<id>/..."
  std::string title;
  person mentor;
  std::vector<person> mentees;
  std::string meeting_link;
  time_ms created = 0;
};

struct invite {
  std::string token_id;  // "jti": 32 hex digits, random
  std::string workspace;
  std::string person_id;  // "" for a viewer invite not tied to a person
  std::string name;       // display name carried into the token
  std::string role;       // mentor | mentee | viewer
  std::string prefix;     // document prefix the token opens (the workspace id)
  time_ms created = 0;
  time_ms expires = 0;  // 0 = no expiry recorded here (the token carries its own)
  bool revoked = false;
  time_ms revoked_at = 0;
};

[[nodiscard]] boost::json::value to_json(const workspace& w);
[[nodiscard]] boost::json::value to_json(const invite& i);
// Parses a create-workspace request: {id?, title, mentor: {id?, name, time_zone},
// mentees: [{id?, name, time_zone}], meeting_link?}. Missing ids are derived from names.
[[nodiscard]] result<workspace> parse_workspace(const boost::json::value& v);
[[nodiscard]] bool valid_workspace_id(std::string_view id);
// 32 lowercase hex digits from std::random_device.
[[nodiscard]] std::string random_token_id();

class workspace_service {
 public:
  // Loads the revocation list into memory; `store` must outlive the service.
  [[nodiscard]] static result<std::unique_ptr<workspace_service>> open(storage::store& store);

  // Creates the workspace record and, if the document does not exist yet, "<id>/plan" from
  // the plan template. Fails if the id is taken.
  [[nodiscard]] result<workspace> create_workspace(workspace w, time_ms now);
  [[nodiscard]] result<std::optional<workspace>> get_workspace(std::string_view id) const;
  [[nodiscard]] result<std::vector<workspace>> list_workspaces() const;
  // Replaces title, mentees and meeting link (id, mentor and creation time are kept).
  [[nodiscard]] result<workspace> update_workspace(const workspace& w);

  // Issues an invite for `person_id` (must be the mentor or a mentee; role follows from
  // it) or, with person_id empty, a viewer invite named `viewer_name`.
  [[nodiscard]] result<invite> create_invite(std::string_view workspace_id, std::string_view person_id,
                                             std::string_view viewer_name, time_ms now, time_ms expires);
  [[nodiscard]] result<std::optional<invite>> get_invite(std::string_view token_id) const;
  [[nodiscard]] result<std::vector<invite>> list_invites(std::string_view workspace_id) const;
  // Marks the token revoked (persisted first, then cached, then listeners called with the
  // token id so the server can close that token's live connections). Revoking an unknown
  // id is allowed (tokens issued outside invites, e.g. `tandem token`). Idempotent.
  [[nodiscard]] status revoke(std::string_view token_id, time_ms now);
  // The per-request check: the in-memory list, then (on a miss) one kv read so revocations
  // written by another process count too. A store error answers "revoked" (fail closed).
  [[nodiscard]] bool is_revoked(std::string_view token_id) const;
  // Called after each successful revoke, on the revoking thread. Keep it short.
  void on_revoke(std::function<void(const std::string& token_id)> fn);

 private:
  explicit workspace_service(storage::store& s) : store_(s) {}
  storage::store& store_;
  mutable std::shared_mutex mu_;  // guards revoked_ (a cache, filled by const lookups) and listeners_
  mutable std::set<std::string, std::less<>> revoked_;
  std::vector<std::function<void(const std::string&)>> listeners_;
};

// Storage helpers shared by the domain services.
[[nodiscard]] status put_json(storage::store& s, std::string_view key, const boost::json::value& v);
[[nodiscard]] result<std::optional<boost::json::value>> get_json(const storage::store& s,
                                                                 std::string_view key);
[[nodiscard]] std::string storage_message(const storage::error& e);

}  // namespace tandem::domain
