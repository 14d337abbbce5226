// A room is one document being edited: its CRDT state, awareness, and connections. All of
// a room's state is guarded by its strand; every public method posts to it and returns.
// The registry (shared_state in the Beast examples) maps document names to loaded rooms.
//
// Invariants (checked by check_invariants on the strand):
//  * durable_ <= issued_: updates handed to storage are confirmed in order;
//  * a client's frames are processed only after the document is loaded (queued before);
//  * an update is relayed to other clients only once storage reports it durable, and in
//    the order it was applied; a step2 reply waits for every update it may contain.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "tandem/server/awareness.hpp"
#include "tandem/server/doc_engine.hpp"
#include "tandem/server/doc_store.hpp"
#include "tandem/server/metrics.hpp"
#include "tandem/server/room_bus.hpp"

namespace tandem::server {

namespace asio = boost::asio;

struct room_options {
  std::chrono::milliseconds idle_unload{30000};
  std::uint64_t compact_log_count = 1000;          // compact when the log holds this many updates
  std::uint64_t compact_log_bytes = 8u << 20;      // ... or this many bytes
  std::chrono::milliseconds awareness_timeout{30000};
  std::size_t max_queued_before_load = 1024;       // frames per room buffered while loading
  // Called on the blocking pool with the document's name after an idle unload (e.g. to save
  // an automatic version); empty = nothing.
  std::function<void(const std::string& doc)> on_idle_unload;
};

class room_registry;

class room : public std::enable_shared_from_this<room> {
 public:
  using strand_t = asio::strand<asio::io_context::executor_type>;
  room(std::string name, room_registry& reg);
  ~room();

  const std::string& name() const { return name_; }

  // Connections (WebSocket). `can_write` false for viewers.
  void join(std::shared_ptr<room_client> c, bool can_write);
  void leave(const room_client* c);
  void receive(const std::shared_ptr<room_client>& c, std::shared_ptr<const std::string> frame);

  // REST: full state as one v1 update (once every applied update is durable).
  void get_state(std::function<void(result<std::string>)> done);
  void get_json(std::function<void(result<std::string>)> done);
  // Applies and answers once durable (or with the error; nothing applied on bad input).
  void post_update(std::string update, std::function<void(status)> done);

  // Closes every connection (shutdown).
  void close_all(std::uint16_t code, std::string reason);

  // Registry bookkeeping: connections + in-flight requests holding this room.
  std::atomic<std::int64_t> attached{0};
  void on_released();  // called by the registry when `attached` drops to zero

  void check_invariants() const;

 private:
  enum class phase : std::uint8_t { loading, ready, failed, unloaded };
  struct client_info {
    std::shared_ptr<room_client> conn;
    bool can_write = false;
    std::set<std::uint64_t> awareness_ids;  // awareness clients this connection introduced
  };
  struct pending_action {
    std::uint64_t needs_durable;  // run once durable_ >= this
    std::function<void()> run;
  };

  friend class room_registry;
  void start_load();
  void run_when_loaded(std::function<void()> fn);
  void on_loaded(result<loaded_doc> r);
  void handle(const room_client* c, const std::shared_ptr<const std::string>& frame);
  void handle_update(const room_client* c, std::string_view update, bool is_step2);
  void apply_and_persist(std::string_view update, const room_client* origin, std::function<void(status)> done);
  void on_durable(std::uint64_t local_seq, result<std::uint64_t> r, std::string changed, std::shared_ptr<room_client> origin,
                  std::chrono::steady_clock::time_point t0, std::function<void(status)> done);
  void relay_durable();
  void after_durable(std::function<void()> fn);
  void send_to(const room_client* c, std::string frame);
  void remove_client(const room_client* c);
  void fail(const std::string& why);
  void arm_idle_timer();
  void maybe_compact(bool unloading);
  void expire_awareness();

  std::string name_;
  room_registry& reg_;
  strand_t strand_;
  asio::steady_timer idle_timer_;
  asio::steady_timer awareness_timer_;
  phase phase_ = phase::loading;
  std::unique_ptr<doc_engine> doc_;
  awareness::store awareness_;
  std::unique_ptr<room_bus> bus_;
  std::unordered_map<const room_client*, client_info> clients_;
  std::deque<std::function<void()>> before_load_;  // work queued while loading
  std::deque<pending_action> waiting_;              // replies waiting for durability
  // Durable updates not yet relayed. Storage confirms a group commit's appends one after
  // the other; relay_durable() runs once they are all in and sends each run of consecutive
  // updates from one origin as ONE merged frame (one write per connection, not one per
  // update). Nothing waits for more: it is posted as soon as the first one is durable.
  struct relay_item {
    std::string update;                   // the bytes that changed the document
    std::shared_ptr<room_client> origin;  // not relayed back to it (held: no address reuse)
    std::chrono::steady_clock::time_point t0;
  };
  std::vector<relay_item> relay_;
  bool relay_posted_ = false;
  std::uint64_t issued_ = 0;     // local count of updates handed to storage
  std::uint64_t durable_ = 0;    // local count of those confirmed (in order)
  std::uint64_t store_seq_ = 0;  // storage sequence of the last durable update
  std::uint64_t log_count_ = 0, log_bytes_ = 0;  // log since the last snapshot
  bool compacting_ = false;
  bool awareness_timer_armed_ = false;
};

struct registry_limits {
  std::size_t max_connections_per_room = 1000;
};

// Maps names to loaded rooms; guarded by its mutex. Owns the pieces rooms share.
class room_registry {
 public:
  room_registry(asio::io_context& ioc, doc_store& store, asio::thread_pool& blocking, metrics& m, room_options opts);
  ~room_registry();

  // Returns the room (loading it on first use) with `attached` incremented, or null when
  // the room is at its connection limit (only when `for_connection`).
  std::shared_ptr<room> acquire(const std::string& name, bool for_connection = false);
  void release(const std::shared_ptr<room>& r);
  // Called on the room's strand when its idle timer fires: erases it if still unused.
  bool try_unload(const std::shared_ptr<room>& r);
  void close_all(std::uint16_t code, const std::string& reason);
  std::size_t size() const;

  asio::io_context& ioc() { return ioc_; }
  doc_store& store() { return store_; }
  asio::thread_pool& blocking() { return blocking_; }
  metrics& stats() { return metrics_; }
  const room_options& options() const { return opts_; }
  registry_limits limits;

 private:
  asio::io_context& ioc_;
  doc_store& store_;
  asio::thread_pool& blocking_;
  metrics& metrics_;
  room_options opts_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<room>> rooms_;  // guarded by mu_
};

}  // namespace tandem::server
