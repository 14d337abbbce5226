// Fallback doc_engine for builds without tandem_crdt: keeps the raw update log and replays
// it to peers. It cannot validate, merge, diff or render updates (full_state/to_json are
// unavailable); it exists so the network shell can run before the CRDT is linked.
#include "tandem/server/doc_engine.hpp"

namespace tandem::server {
namespace {

class log_engine final : public doc_engine {
 public:
  result<std::string> apply_update(std::string_view update) override {
    if (update.size() < 2) return error{"update shorter than the empty update", 0};
    log_.emplace_back(update);
    return std::string(update);
  }
  std::string state_vector() const override { return std::string(1, '\0'); }  // empty state vector
  result<std::vector<std::string>> updates_since(std::string_view /*sv*/) const override { return log_; }
  std::optional<std::string> full_state() const override {
    if (log_.size() == 1) return log_.front();
    if (log_.empty()) return std::string("\0\0", 2);
    return std::nullopt;
  }
  bool has_pending() const override { return false; }
  std::optional<std::string> to_json() const override { return std::nullopt; }
  std::optional<std::string> merge(const std::vector<std::string_view>& /*updates*/) const override { return std::nullopt; }
  const char* name() const override { return "log-replay (no CRDT linked)"; }

 private:
  std::vector<std::string> log_;
};

}  // namespace

std::unique_ptr<doc_engine> make_doc_engine() { return std::make_unique<log_engine>(); }

}  // namespace tandem::server
