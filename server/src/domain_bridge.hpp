// Private seam between the network shell and the mentorship domain's REST handlers
// (server/domain/api.hpp). The shell fills the "server side" hooks; install_domain_routes
// (with_storage/domain_routes.cpp, or a no-op without tandem_storage) registers the routes
// and fills the "domain side" ones. Kept out of server.cpp so the shell stays thin.
#pragma once
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tandem/server/auth.hpp"
#include "tandem/server/doc_store.hpp"
#include "tandem/server/router.hpp"

namespace tandem::server {

struct domain_hooks {
  // server side
  std::function<std::variant<auth::claims, http::response>(const http::request&)> authenticate;  // 401 response on failure
  std::function<std::string(const auth::claims&)> sign;
  // Applies one v1 update through the document's room (durable, then broadcast).
  std::function<void(const std::string& doc, std::string update, std::function<void(status)>)> apply_update;
  // The document's full state through its room (durable state, pending included).
  std::function<void(const std::string& doc, std::function<void(result<std::string>)>)> get_state;
  std::function<void(std::function<void()>)> run_blocking;  // off the I/O threads
  std::function<void(const std::string& token_id)> close_token_connections;
  // domain side (empty when no domain is installed)
  std::function<bool(const std::string& token_id)> is_revoked;
  // Bytes of an uploaded image by its src ("/uploads/<ws>/<hash>.png"), for exports.
  std::function<std::optional<std::vector<std::uint8_t>>(const std::string& src)> fetch_image;
  // After a document's room unloaded idle (blocking pool): an automatic version if it changed.
  std::function<void(const std::string& doc)> on_idle_unload;
};

// Returns an owner handle for the domain services (keep it alive while serving).
std::shared_ptr<void> install_domain_routes(doc_store& store, http::router& router, domain_hooks& hooks);

}  // namespace tandem::server
