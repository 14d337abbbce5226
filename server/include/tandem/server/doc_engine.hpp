// What a room needs from a CRDT document, as a narrow interface so the room logic does not
// depend on one implementation. Used only on its room's strand (not thread-safe).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/server/result.hpp"

namespace tandem::server {

class doc_engine {
 public:
  virtual ~doc_engine() = default;
  // All-or-nothing. On success returns the bytes that changed the document (a v1 update to
  // store and relay), or an empty string when the update brought nothing new.
  [[nodiscard]] virtual result<std::string> apply_update(std::string_view update_v1) = 0;
  [[nodiscard]] virtual std::string state_vector() const = 0;
  // v1 updates that together bring a peer at `sv` up to date (one, for a real CRDT); an
  // error when `sv` is not a valid state vector.
  [[nodiscard]] virtual result<std::vector<std::string>> updates_since(std::string_view sv) const = 0;
  // The whole state as one v1 update; nullopt when this engine cannot merge.
  [[nodiscard]] virtual std::optional<std::string> full_state() const = 0;
  [[nodiscard]] virtual bool has_pending() const = 0;
  [[nodiscard]] virtual std::optional<std::string> to_json() const = 0;
  // Several v1 updates as one (Y.mergeUpdates): the room relays a run of updates that became
  // durable together as one frame. nullopt when this engine cannot merge or an input is bad.
  [[nodiscard]] virtual std::optional<std::string> merge(const std::vector<std::string_view>& updates) const = 0;
  [[nodiscard]] virtual const char* name() const = 0;
};

// The build's engine: backed by tandem_crdt when it is linked in, else a log replay engine.
[[nodiscard]] std::unique_ptr<doc_engine> make_doc_engine();

}  // namespace tandem::server
