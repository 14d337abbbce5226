// Server-side awareness (presence) store, mirroring y-protocols/awareness.js without a local
// client: decode/encode of awareness updates and the clock rules of applyAwarenessUpdate.
// Not thread-safe: each room uses its own instance on its strand.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/server/result.hpp"

namespace tandem::server::awareness {

struct entry {
  std::uint64_t client_id = 0;
  std::uint64_t clock = 0;
  std::string state_json;  // "null" means the client is gone
};

// Decodes varUint n, then n x (varUint clientID, varUint clock, varString JSON). The JSON
// must parse; `max_entries` bounds n before any allocation.
[[nodiscard]] result<std::vector<entry>> decode_update(std::string_view update, std::size_t max_entries = 4096);
[[nodiscard]] std::string encode_update(const std::vector<entry>& entries);

struct change {
  std::vector<std::uint64_t> added, updated, removed;
  [[nodiscard]] bool empty() const { return added.empty() && updated.empty() && removed.empty(); }
  [[nodiscard]] std::vector<std::uint64_t> all() const;
};

class store {
 public:
  // Applies a decoded update with awareness.js's rule: newer clock wins; an equal clock
  // with a null state removes a known client.
  change apply(const std::vector<entry>& entries, std::uint64_t now_ms);
  // Removes clients (connection closed); returns the ids that were present.
  std::vector<std::uint64_t> remove(const std::vector<std::uint64_t>& ids);
  // Removes states not renewed for `timeout_ms`.
  std::vector<std::uint64_t> expire(std::uint64_t now_ms, std::uint64_t timeout_ms);
  // Encodes the current state (or null if removed) and clock of the given clients.
  [[nodiscard]] std::string encode(const std::vector<std::uint64_t>& ids) const;
  [[nodiscard]] std::vector<std::uint64_t> client_ids() const;  // clients with a live state
  [[nodiscard]] std::size_t size() const { return states_.size(); }
  [[nodiscard]] bool has_state(std::uint64_t id) const { return states_.count(id) != 0; }

 private:
  struct meta { std::uint64_t clock = 0; std::uint64_t last_updated_ms = 0; };
  std::map<std::uint64_t, std::string> states_;
  std::map<std::uint64_t, meta> meta_;
};

}  // namespace tandem::server::awareness
