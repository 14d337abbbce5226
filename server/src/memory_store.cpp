// In-memory doc_store: every append is "durable" at once (callback on a helper thread, in
// order). Used by unit tests and when no persistent store is linked.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "tandem/server/doc_store.hpp"

namespace tandem::server {
namespace {

class memory_store final : public doc_store {
 public:
  memory_store() : worker_([this] { run(); }) {}
  ~memory_store() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  result<loaded_doc> load(const std::string& doc) override {
    std::lock_guard lock(mu_);
    loaded_doc out;
    auto it = docs_.find(doc);
    if (it == docs_.end()) return out;
    if (!it->second.snapshot.empty()) out.updates.push_back(it->second.snapshot);
    for (auto& [seq, u] : it->second.log) out.updates.push_back(u);
    out.last_seq = it->second.last_seq;
    out.log_count = it->second.log.size();
    return out;
  }

  void append(const std::string& doc, std::string update, durable_fn on_durable) override {
    {
      std::lock_guard lock(mu_);
      auto& d = docs_[doc];
      const auto seq = ++d.last_seq;
      d.log.emplace(seq, std::move(update));
      queue_.emplace_back(seq, std::move(on_durable));
    }
    cv_.notify_all();
  }

  status compact(const std::string& doc, const std::string& snapshot, std::uint64_t up_to) override {
    std::lock_guard lock(mu_);
    auto it = docs_.find(doc);
    if (it == docs_.end() || up_to > it->second.last_seq) return error{"compact: bad sequence"};
    it->second.snapshot = snapshot;
    it->second.log.erase(it->second.log.begin(), it->second.log.upper_bound(up_to));
    return ok();
  }

  void flush() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
  }

  const char* name() const override { return "memory"; }

 private:
  struct doc_data {
    std::string snapshot;
    std::map<std::uint64_t, std::string> log;
    std::uint64_t last_seq = 0;
  };

  void run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      auto batch = std::move(queue_);
      queue_.clear();
      busy_ = true;
      lock.unlock();
      for (auto& [seq, fn] : batch) fn(seq);
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, doc_data> docs_;                                 // guarded by mu_
  std::deque<std::pair<std::uint64_t, durable_fn>> queue_;               // guarded by mu_
  bool stop_ = false, busy_ = false;                                     // guarded by mu_
  std::thread worker_;
};

}  // namespace

std::unique_ptr<doc_store> make_memory_store() { return std::make_unique<memory_store>(); }

}  // namespace tandem::server
