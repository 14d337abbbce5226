// Without tandem_storage there is no domain layer: no routes are installed.
#include "domain_bridge.hpp"

namespace tandem::server {

std::shared_ptr<void> install_domain_routes(doc_store&, http::router&, domain_hooks&) { return nullptr; }

}  // namespace tandem::server
