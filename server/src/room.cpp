// Room logic: load, sync/awareness handling, durable-before-broadcast relay, idle unload
// and compaction. Everything here runs on the room's strand unless posted elsewhere.
#include "tandem/server/room.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cassert>
#include <stdexcept>

#include "tandem/server/protocol.hpp"

namespace tandem::server {
namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

constexpr std::size_t max_awareness_per_connection = 64;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

room::room(std::string name, room_registry& reg)
    : name_(std::move(name)),
      reg_(reg),
      strand_(asio::make_strand(reg.ioc())),
      idle_timer_(strand_),
      awareness_timer_(strand_),
      doc_(make_doc_engine()),
      bus_(make_local_bus()) {}

room::~room() = default;

void room::run_when_loaded(std::function<void()> fn) {
  if (phase_ == phase::loading) before_load_.push_back(std::move(fn));
  else fn();
}

void room::start_load() {
  asio::post(reg_.blocking(), [self = shared_from_this()] {
    auto r = self->reg_.store().load(self->name_);
    asio::post(self->strand_, [self, r = std::move(r)]() mutable { self->on_loaded(std::move(r)); });
  });
}

void room::on_loaded(result<loaded_doc> r) {
  if (!r) {
    fail("cannot load document: " + r.err().message);
  } else {
    std::size_t i = 0;
    for (const auto& u : r->updates) {
      auto a = doc_->apply_update(u);
      if (!a) {
        fail("stored update " + std::to_string(i) + " does not apply: " + a.err().message);
        break;
      }
      log_bytes_ += u.size();
      ++i;
    }
    if (phase_ == phase::loading) {
      phase_ = phase::ready;
      store_seq_ = r->last_seq;
      log_count_ = r->log_count;
      spdlog::debug("room {} loaded: {} updates, last seq {}", name_, r->updates.size(), store_seq_);
    }
  }
  auto queued = std::move(before_load_);
  before_load_.clear();
  for (auto& fn : queued) fn();
  if (phase_ == phase::ready) maybe_compact(false);
  if (attached.load() == 0) arm_idle_timer();
}

void room::fail(const std::string& why) {
  spdlog::error("room {}: {}", name_, why);
  phase_ = phase::failed;
  for (auto& [ptr, info] : clients_) info.conn->close(1011, "document unavailable");
  clients_.clear();
  reg_.try_unload(shared_from_this());  // drop it now so the next connection retries a load
}

void room::join(std::shared_ptr<room_client> c, bool can_write) {
  asio::post(strand_, [self = shared_from_this(), c = std::move(c), can_write]() mutable {
    self->run_when_loaded([self, c = std::move(c), can_write] {
      if (self->phase_ != phase::ready) {
        c->close(1011, "document unavailable");
        return;
      }
      const room_client* key = c.get();
      self->clients_[key] = client_info{c, can_write, {}};
      self->bus_->subscribe(c);
      self->send_to(key, protocol::encode_sync_step1(self->doc_->state_vector()));
      if (self->awareness_.size() > 0) self->send_to(key, protocol::encode_awareness(self->awareness_.encode(self->awareness_.client_ids())));
    });
  });
}

void room::leave(const room_client* c) {
  asio::post(strand_, [self = shared_from_this(), c] { self->run_when_loaded([self, c] { self->remove_client(c); }); });
}

void room::remove_client(const room_client* c) {
  auto it = clients_.find(c);
  if (it == clients_.end()) return;
  std::vector<std::uint64_t> ids(it->second.awareness_ids.begin(), it->second.awareness_ids.end());
  bus_->unsubscribe(c);
  clients_.erase(it);
  auto removed = awareness_.remove(ids);
  if (!removed.empty()) {
    auto frame = std::make_shared<const std::string>(protocol::encode_awareness(awareness_.encode(removed)));
    bus_->publish(frame, nullptr);
    reg_.stats().messages_out.fetch_add(bus_->subscribers(), std::memory_order_relaxed);
  }
}

void room::receive(const std::shared_ptr<room_client>& c, std::shared_ptr<const std::string> frame) {
  asio::post(strand_, [self = shared_from_this(), c, frame = std::move(frame)]() mutable {
    if (self->phase_ == phase::loading && self->before_load_.size() >= self->reg_.options().max_queued_before_load) {
      // Buffering more would grow memory without bound; the client resyncs on reconnect.
      self->reg_.stats().reject(reject_reason::slow_client);
      c->close(1013, "room is loading, try again");
      return;
    }
    self->run_when_loaded([self, key = c.get(), frame = std::move(frame)] { self->handle(key, frame); });
  });
}

void room::send_to(const room_client* c, std::string frame) {
  auto it = clients_.find(c);
  if (it == clients_.end()) return;
  reg_.stats().messages_out.fetch_add(1, std::memory_order_relaxed);
  it->second.conn->send(std::make_shared<const std::string>(std::move(frame)));
}

void room::handle(const room_client* c, const std::shared_ptr<const std::string>& frame) {
  auto it = clients_.find(c);
  if (it == clients_.end()) return;  // closed meanwhile (or room failed)
  auto& m = reg_.stats();
  auto parsed = protocol::parse(*frame);
  if (auto* pe = std::get_if<protocol::parse_error>(&parsed)) {
    const bool unknown = pe->kind == protocol::error_kind::unknown_type;
    m.reject(unknown ? reject_reason::unknown_type : reject_reason::malformed);
    auto conn = it->second.conn;
    remove_client(c);
    conn->close(unknown ? 1002 : 1007, (unknown ? "" : "malformed message: ") + pe->err.message);
    return;
  }
  auto& msg = std::get<protocol::message>(parsed);
  if (auto* s1 = std::get_if<protocol::sync_step1>(&msg)) {
    auto ups = doc_->updates_since(s1->state_vector);
    if (!ups) {
      m.reject(reject_reason::malformed);
      auto conn = it->second.conn;
      remove_client(c);
      conn->close(1007, "invalid state vector: " + ups.err().message);
      return;
    }
    after_durable([self = shared_from_this(), c, ups = std::move(ups.value())]() mutable {
      for (std::size_t i = 0; i + 1 < ups.size(); ++i) self->send_to(c, protocol::encode_sync_update(ups[i]));
      self->send_to(c, protocol::encode_sync_step2(ups.empty() ? std::string(protocol::empty_update) : ups.back()));
    });
  } else if (auto* s2 = std::get_if<protocol::sync_step2>(&msg)) {
    handle_update(c, s2->update, true);
  } else if (auto* up = std::get_if<protocol::sync_update>(&msg)) {
    handle_update(c, up->update, false);
  } else if (auto* aw = std::get_if<protocol::awareness_msg>(&msg)) {
    auto entries = awareness::decode_update(aw->update);
    if (!entries) {
      m.reject(reject_reason::invalid_awareness);
      auto conn = it->second.conn;
      remove_client(c);
      conn->close(1007, "invalid awareness update: " + entries.err().message);
      return;
    }
    // One connection speaks for a handful of awareness clients (one per tab/doc); bound it
    // so a hostile client cannot grow the room's awareness map without limit.
    std::size_t unknown = 0;
    for (const auto& e : entries.value())
      if (!awareness_.has_state(e.client_id) && it->second.awareness_ids.count(e.client_id) == 0) ++unknown;
    if (it->second.awareness_ids.size() + unknown > max_awareness_per_connection) {
      m.reject(reject_reason::invalid_awareness);
      auto conn = it->second.conn;
      remove_client(c);
      conn->close(1008, "too many awareness clients on one connection");
      return;
    }
    auto ch = awareness_.apply(entries.value(), now_ms());
    for (auto id : ch.added) it->second.awareness_ids.insert(id);
    for (auto id : ch.removed) it->second.awareness_ids.erase(id);
    if (!ch.empty()) {
      // Relayed to every connection, the sender included: stock clients rely on the echo.
      auto out = std::make_shared<const std::string>(protocol::encode_awareness(awareness_.encode(ch.all())));
      bus_->publish(out, nullptr);
      m.messages_out.fetch_add(bus_->subscribers(), std::memory_order_relaxed);
    }
    if (!awareness_timer_armed_ && awareness_.size() > 0) expire_awareness();
  } else if (std::holds_alternative<protocol::query_awareness_msg>(msg)) {
    if (awareness_.size() > 0) send_to(c, protocol::encode_awareness(awareness_.encode(awareness_.client_ids())));
  }
  // auth messages from clients carry nothing for the server: ignored.
}

void room::handle_update(const room_client* c, std::string_view update, bool is_step2) {
  auto it = clients_.find(c);
  if (it == clients_.end()) return;
  if (!it->second.can_write) {
    // A viewer's step2 in answer to our step1 is expected; only real content is refused.
    if (!is_step2 || update != protocol::empty_update) {
      reg_.stats().reject(reject_reason::viewer_write);
      send_to(c, protocol::encode_auth_denied("read-only: this token may not edit the document"));
    }
    return;
  }
  apply_and_persist(update, c, nullptr);
}

void room::apply_and_persist(std::string_view update, const room_client* origin, std::function<void(status)> done) {
  auto& m = reg_.stats();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = doc_->apply_update(update);
  if (!r) {
    m.reject(reject_reason::invalid_update);
    if (origin != nullptr) {
      auto it = clients_.find(origin);
      if (it != clients_.end()) {
        auto conn = it->second.conn;
        remove_client(origin);
        conn->close(1007, "invalid update: " + r.err().message);
      }
    }
    if (done) done(error{"invalid update: " + r.err().message, r.err().offset, 400});
    return;
  }
  m.apply_latency.observe(seconds_since(t0));
  m.updates_applied.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<room_client> origin_conn;
  if (origin != nullptr) {
    auto it = clients_.find(origin);
    if (it != clients_.end()) origin_conn = it->second.conn;
  }
  if (doc_->has_pending() && origin_conn) {
    // Missing dependencies: ask the sender for everything we lack.
    send_to(origin, protocol::encode_sync_step1(doc_->state_vector()));
  }
  std::string changed = std::move(r.value());
  // Content waiting for missing dependencies is not in `changed` yet but must survive a
  // crash too (it is part of every full-state encode): persist the raw update then.
  std::string persist = doc_->has_pending() ? std::string(update) : changed;
  if (persist.empty()) {
    if (done) after_durable([done = std::move(done)] { done(ok()); });
    return;
  }
  const std::uint64_t seq = ++issued_;
  m.storage_lag.fetch_add(1, std::memory_order_relaxed);
  const std::size_t size = persist.size();
  reg_.store().append(name_, std::move(persist),
                      [self = shared_from_this(), seq, changed = std::move(changed), origin_conn = std::move(origin_conn), t0, done = std::move(done),
                       size](result<std::uint64_t> sr) mutable {
                        asio::post(self->strand_, [self, seq, sr = std::move(sr), changed = std::move(changed), origin_conn = std::move(origin_conn), t0,
                                                   done = std::move(done), size]() mutable {
                          self->log_bytes_ += size;
                          self->on_durable(seq, std::move(sr), std::move(changed), std::move(origin_conn), t0, std::move(done));
                        });
                      });
}

void room::on_durable(std::uint64_t local_seq, result<std::uint64_t> r, std::string changed, std::shared_ptr<room_client> origin,
                      std::chrono::steady_clock::time_point t0, std::function<void(status)> done) {
  auto& m = reg_.stats();
  m.storage_lag.fetch_sub(1, std::memory_order_relaxed);
  // Storage confirms appends in order; a gap would mean a broken store contract.
  assert(local_seq == durable_ + 1 && "storage confirmed appends out of order");
  durable_ = local_seq;
  if (!r) {
    if (done) done(error{"storage failed: " + r.err().message, 0, 503});
    if (phase_ == phase::ready) fail("storage append failed: " + r.err().message);
    return;
  }
  store_seq_ = r.value();
  ++log_count_;
  m.durable_latency.observe(seconds_since(t0));
  if (phase_ == phase::ready && !changed.empty()) {
    relay_.push_back(relay_item{std::move(changed), std::move(origin), t0});
    if (!relay_posted_) {
      relay_posted_ = true;
      asio::post(strand_, [self = shared_from_this()] { self->relay_durable(); });
    }
  }
  if (done) done(ok());
  while (!waiting_.empty() && waiting_.front().needs_durable <= durable_) {
    auto fn = std::move(waiting_.front().run);
    waiting_.pop_front();
    fn();
  }
  if (phase_ == phase::ready) maybe_compact(false);
}

void room::relay_durable() {
  relay_posted_ = false;
  auto items = std::move(relay_);
  relay_.clear();
  if (phase_ != phase::ready) return;
  auto& m = reg_.stats();
  // Above this a merge costs more than the writes it saves (and big updates are rare).
  constexpr std::size_t max_merge_bytes = 64 * 1024;
  std::size_t i = 0;
  while (i < items.size()) {
    std::size_t j = i + 1, bytes = items[i].update.size();
    while (j < items.size() && items[j].origin == items[i].origin && bytes + items[j].update.size() <= max_merge_bytes) bytes += items[j++].update.size();
    std::optional<std::string> merged;
    if (j - i > 1) {
      std::vector<std::string_view> run;
      run.reserve(j - i);
      for (std::size_t k = i; k < j; ++k) run.emplace_back(items[k].update);
      merged = doc_->merge(run);
    }
    const std::size_t end = merged ? j : i + 1;  // cannot merge: one frame per update
    auto frame = std::make_shared<const std::string>(protocol::encode_sync_update(merged ? *merged : items[i].update));
    const room_client* origin = items[i].origin.get();
    bus_->publish(frame, origin);
    const auto n = bus_->subscribers();
    m.messages_out.fetch_add(n > 0 && origin != nullptr ? n - 1 : n, std::memory_order_relaxed);
    for (std::size_t k = i; k < end; ++k) m.fanout_latency.observe(seconds_since(items[k].t0));
    i = end;
  }
}

void room::after_durable(std::function<void()> fn) {
  if (durable_ >= issued_) fn();
  else waiting_.push_back(pending_action{issued_, std::move(fn)});
}

void room::get_state(std::function<void(result<std::string>)> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->run_when_loaded([self, done = std::move(done)]() mutable {
      if (self->phase_ != phase::ready) return done(error{"document unavailable", 0, 503});
      auto full = self->doc_->full_state();
      if (!full) return done(error{"this build cannot merge document state", 0, 501});
      self->after_durable([done = std::move(done), s = std::move(*full)]() mutable { done(std::move(s)); });
    });
  });
}

void room::get_json(std::function<void(result<std::string>)> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->run_when_loaded([self, done = std::move(done)]() mutable {
      if (self->phase_ != phase::ready) return done(error{"document unavailable", 0, 503});
      auto json = self->doc_->to_json();
      if (!json) return done(error{"this build cannot render document JSON", 0, 501});
      self->after_durable([done = std::move(done), s = std::move(*json)]() mutable { done(std::move(s)); });
    });
  });
}

void room::post_update(std::string update, std::function<void(status)> done) {
  asio::post(strand_, [self = shared_from_this(), update = std::move(update), done = std::move(done)]() mutable {
    self->run_when_loaded([self, update = std::move(update), done = std::move(done)]() mutable {
      if (self->phase_ != phase::ready) return done(error{"document unavailable", 0, 503});
      self->apply_and_persist(update, nullptr, std::move(done));
    });
  });
}

void room::close_all(std::uint16_t code, std::string reason) {
  asio::post(strand_, [self = shared_from_this(), code, reason = std::move(reason)] {
    for (auto& [ptr, info] : self->clients_) {
      self->bus_->unsubscribe(ptr);
      info.conn->close(code, reason);
    }
    self->clients_.clear();
  });
}

void room::on_released() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->attached.load() == 0 && self->phase_ == phase::ready) self->arm_idle_timer();
  });
}

void room::arm_idle_timer() {
  idle_timer_.expires_after(reg_.options().idle_unload);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->phase_ != phase::ready || self->attached.load() != 0) return;
    if (self->durable_ != self->issued_ || self->compacting_) {
      self->arm_idle_timer();  // let storage catch up first
      return;
    }
    if (!self->reg_.try_unload(self)) return;
    self->phase_ = phase::unloaded;
    self->awareness_timer_.cancel();
    self->maybe_compact(true);
    if (const auto& hook = self->reg_.options().on_idle_unload)
      asio::post(self->reg_.blocking(), [hook, name = self->name_] { hook(name); });
    spdlog::debug("room {} unloaded", self->name_);
  });
}

void room::expire_awareness() {
  awareness_timer_armed_ = true;
  awareness_timer_.expires_after(std::chrono::seconds(3));
  awareness_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->awareness_timer_armed_ = false;
    if (ec || self->phase_ != phase::ready) return;
    auto removed = self->awareness_.expire(now_ms(), static_cast<std::uint64_t>(self->reg_.options().awareness_timeout.count()));
    if (!removed.empty()) {
      for (auto& [ptr, info] : self->clients_)
        for (auto id : removed) info.awareness_ids.erase(id);
      self->bus_->publish(std::make_shared<const std::string>(protocol::encode_awareness(self->awareness_.encode(removed))), nullptr);
    }
    if (self->awareness_.size() > 0) self->expire_awareness();
  });
}

void room::maybe_compact(bool unloading) {
  if (compacting_ || durable_ != issued_ || store_seq_ == 0 || log_count_ == 0) return;
  const auto& o = reg_.options();
  if (!unloading && log_count_ < o.compact_log_count && log_bytes_ < o.compact_log_bytes) return;
  auto snapshot = doc_->full_state();
  if (!snapshot) return;  // engine cannot merge: the log stays as it is
  compacting_ = true;
  const std::uint64_t up_to = store_seq_;
  const std::uint64_t folded = log_count_;
  const std::uint64_t snapshot_size = snapshot->size();
  asio::post(reg_.blocking(), [self = shared_from_this(), snapshot = std::move(*snapshot), up_to, folded, snapshot_size]() mutable {
    auto st = self->reg_.store().compact(self->name_, snapshot, up_to);
    asio::post(self->strand_, [self, st = std::move(st), folded, snapshot_size, up_to] {
      self->compacting_ = false;
      if (!st) {
        spdlog::warn("room {}: compaction up to seq {} failed: {}", self->name_, up_to, st.err().message);
        return;
      }
      self->reg_.stats().compactions.fetch_add(1, std::memory_order_relaxed);
      self->log_count_ -= std::min(folded, self->log_count_);
      self->log_bytes_ = snapshot_size;
      spdlog::debug("room {} compacted up to seq {}", self->name_, up_to);
    });
  });
}

void room::check_invariants() const {
  if (durable_ > issued_) throw std::logic_error("room " + name_ + ": more updates durable than issued");
  if (phase_ != phase::loading && !before_load_.empty()) throw std::logic_error("room " + name_ + ": work queued after load");
  if (bus_->subscribers() != clients_.size()) throw std::logic_error("room " + name_ + ": bus and client list disagree");
}

// ---- registry ----

room_registry::room_registry(asio::io_context& ioc, doc_store& store, asio::thread_pool& blocking, metrics& m, room_options opts)
    : ioc_(ioc), store_(store), blocking_(blocking), metrics_(m), opts_(opts) {}

room_registry::~room_registry() = default;

std::shared_ptr<room> room_registry::acquire(const std::string& name, bool for_connection) {
  std::shared_ptr<room> r;
  bool created = false;
  {
    std::lock_guard lock(mu_);
    auto it = rooms_.find(name);
    if (it == rooms_.end()) {
      r = std::make_shared<room>(name, *this);
      rooms_.emplace(name, r);
      created = true;
      metrics_.rooms_loaded.fetch_add(1, std::memory_order_relaxed);
    } else {
      r = it->second;
    }
    if (for_connection && r->attached.load() >= static_cast<std::int64_t>(limits.max_connections_per_room)) return nullptr;
    r->attached.fetch_add(1);
  }
  if (created) r->start_load();
  return r;
}

void room_registry::release(const std::shared_ptr<room>& r) {
  if (r->attached.fetch_sub(1) == 1) r->on_released();
}

bool room_registry::try_unload(const std::shared_ptr<room>& r) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(r->name());
  if (it == rooms_.end() || it->second != r) return false;
  if (r->attached.load() != 0 && r->phase_ != room::phase::failed) return false;
  rooms_.erase(it);
  metrics_.rooms_loaded.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void room_registry::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<room>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [n, r] : rooms_) all.push_back(r);
  }
  for (auto& r : all) r->close_all(code, reason);
}

std::size_t room_registry::size() const {
  std::lock_guard lock(mu_);
  return rooms_.size();
}

}  // namespace tandem::server
