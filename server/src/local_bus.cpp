// The in-process room bus: fans one immutable frame out to this node's connections.
#include <unordered_map>

#include "tandem/server/room_bus.hpp"

namespace tandem::server {
namespace {

class local_bus final : public room_bus {
 public:
  void subscribe(std::shared_ptr<room_client> c) override { subs_[c.get()] = std::move(c); }
  void unsubscribe(const room_client* c) override { subs_.erase(c); }
  void publish(const std::shared_ptr<const std::string>& frame, const room_client* exclude) override {
    for (auto& [ptr, c] : subs_)
      if (ptr != exclude) c->send(frame);
  }
  std::size_t subscribers() const override { return subs_.size(); }

 private:
  std::unordered_map<const room_client*, std::shared_ptr<room_client>> subs_;  // guarded by the room's strand
};

}  // namespace

std::unique_ptr<room_bus> make_local_bus() { return std::make_unique<local_bus>(); }

}  // namespace tandem::server
