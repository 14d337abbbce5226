// The one narrow interface a room relays updates and awareness through. The local bus fans
// out to this process's connections; a Redis bus can later also publish to other nodes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace tandem::server {

// A connection as the room sees it. Implementations are thread-safe (they post to their
// own strand) and never block.
class room_client {
 public:
  virtual ~room_client() = default;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

class room_bus {
 public:
  virtual ~room_bus() = default;
  virtual void subscribe(std::shared_ptr<room_client> c) = 0;
  virtual void unsubscribe(const room_client* c) = 0;
  // Sends one immutable frame to every subscriber except `exclude` (may be null).
  virtual void publish(const std::shared_ptr<const std::string>& frame, const room_client* exclude) = 0;
  [[nodiscard]] virtual std::size_t subscribers() const = 0;
};

// Guarded by the owning room's strand.
[[nodiscard]] std::unique_ptr<room_bus> make_local_bus();

}  // namespace tandem::server
