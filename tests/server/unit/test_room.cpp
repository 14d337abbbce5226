// Room behaviour on an in-process io_context with a scripted store whose appends become
// durable only when the test says so. Update bytes were produced by yjs@13.6.33 (see
// fixtures/gen_protocol_vectors.mjs).
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <future>
#include <mutex>
#include <tuple>

#include "tandem/server/protocol.hpp"
#include "tandem/server/room.hpp"
#include "test_util.hpp"

using namespace tandem::server;
using test::hex;
using test::unhex;

namespace {

const std::string text_a = unhex("0101070004010174016100");     // client 7 inserts "a" into text t
const std::string text_b = unhex("01010701840700016200");       // client 7 inserts "b" after it (needs text_a)
const std::string map_k = unhex("010109002801016d016b017d0100");  // client 9 sets m.k = 1

class scripted_store final : public doc_store {
 public:
  std::mutex mu;
  std::vector<std::string> initial;
  std::promise<void> load_gate;
  bool gate_load = false;
  std::vector<std::pair<std::string, durable_fn>> pending;
  std::vector<std::string> appended;
  std::uint64_t seq = 0;

  result<loaded_doc> load(const std::string&) override {
    if (gate_load) load_gate.get_future().wait();
    loaded_doc d;
    d.updates = initial;
    d.last_seq = initial.size();
    d.log_count = initial.size();
    return d;
  }
  void append(const std::string&, std::string update, durable_fn fn) override {
    std::lock_guard l(mu);
    appended.push_back(update);
    pending.emplace_back(std::move(update), std::move(fn));
  }
  std::vector<std::pair<std::string, std::uint64_t>> compactions;  // (snapshot, up_to)
  status compact(const std::string&, const std::string& snapshot, std::uint64_t up_to) override {
    std::lock_guard l(mu);
    compactions.emplace_back(snapshot, up_to);
    return ok();
  }
  void flush() override {}
  const char* name() const override { return "scripted"; }
  void release_all() {
    std::vector<std::pair<std::string, durable_fn>> p;
    {
      std::lock_guard l(mu);
      p.swap(pending);
    }
    for (auto& [u, fn] : p) fn(++seq);
  }
};

struct fake_client final : room_client {
  std::mutex mu;
  std::vector<std::string> frames;
  int close_code = 0;
  std::string close_reason;
  void send(std::shared_ptr<const std::string> f) override {
    std::lock_guard l(mu);
    frames.push_back(*f);
  }
  void close(std::uint16_t code, std::string reason) override {
    std::lock_guard l(mu);
    close_code = code;
    close_reason = std::move(reason);
  }
  // Frames of one outer/sync type: "0002" update, "0001" step2, "0000" step1, "01" awareness, "02" auth.
  std::vector<std::string> of(const std::string& hex_prefix) {
    std::lock_guard l(mu);
    std::vector<std::string> out;
    for (auto& f : frames)
      if (hex(f).rfind(hex_prefix, 0) == 0) out.push_back(f);
    return out;
  }
};

struct fixture {
  explicit fixture(room_options o = {}) : reg(ioc, store, blocking, m, o) {}
  boost::asio::io_context ioc;
  boost::asio::thread_pool blocking{1};
  scripted_store store;
  metrics m;
  room_registry reg;

  void settle() {
    // Let the blocking pool and the strand exchange work until both are quiet.
    test::poll_rounds(ioc, 50);
    ioc.restart();
    ioc.poll();
  }
  std::shared_ptr<fake_client> join(const std::shared_ptr<room>& r, bool can_write = true) {
    auto c = std::make_shared<fake_client>();
    r->join(c, can_write);
    return c;
  }
  // "acme/plan" with two writers joined.
  std::tuple<std::shared_ptr<room>, std::shared_ptr<fake_client>, std::shared_ptr<fake_client>> room_with_two() {
    auto r = reg.acquire("acme/plan", true);
    auto a = join(r);
    auto b = join(r);
    return {r, a, b};
  }
  void send_durable(room& r, const std::shared_ptr<fake_client>& from, const std::string& update);
  ~fixture() { blocking.join(); }
};

std::shared_ptr<const std::string> frame(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

// A client sends one sync-update message carrying `update`.
void send_update(room& r, const std::shared_ptr<fake_client>& from, const std::string& update) {
  r.receive(from, frame(protocol::encode_sync_update(update)));
}

// ... and the room applies it and storage makes it durable.
void fixture::send_durable(room& r, const std::shared_ptr<fake_client>& from, const std::string& update) {
  send_update(r, from, update);
  settle();
  store.release_all();
  settle();
}

}  // namespace

TEST_CASE("room: a joining client first gets sync step1 with the document's state vector") {
  fixture f;
  f.store.initial = {text_a};
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  REQUIRE_FALSE(a->frames.empty());
  // state vector of text_a: one client (7) at clock 1 -> 01 07 01
  CHECK(hex(a->frames.front()) == "000003010701");
  r->check_invariants();
}

TEST_CASE("room: an update is relayed to the others only after storage reports it durable, never echoed to its sender") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  f.settle();
  send_update(*r, a, text_a);
  f.settle();
  CHECK(f.store.appended.size() == 1);
  CHECK(b->of("0002").empty());  // not durable yet: not relayed
  f.store.release_all();
  f.settle();
  REQUIRE(b->of("0002").size() == 1);
  CHECK(b->of("0002")[0] == protocol::encode_sync_update(text_a));
  CHECK(a->of("0002").empty());
  r->check_invariants();
}

namespace {
// The update carried by a relayed sync-update frame ("" when the frame is not one).
std::string relayed_update(const std::string& f) {
  auto parsed = protocol::parse(f);
  auto* msg = std::get_if<protocol::message>(&parsed);
  if (msg == nullptr) return {};
  auto* up = std::get_if<protocol::sync_update>(msg);
  return up ? std::string(up->update) : std::string();
}
}  // namespace

TEST_CASE("room: updates of one sender that become durable together are relayed as one frame holding all of them") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  f.settle();
  send_update(*r, a, text_a);
  send_update(*r, a, text_b);
  f.settle();
  REQUIRE(f.store.appended.size() == 2);
  CHECK(b->of("0002").empty());
  f.store.release_all();  // one group commit confirms both
  f.settle();
  REQUIRE(b->of("0002").size() == 1);
  CHECK(a->of("0002").empty());
  // Applying the one relayed update gives the same document as applying both in order.
  auto expected = make_doc_engine();
  REQUIRE(expected->apply_update(text_a));
  REQUIRE(expected->apply_update(text_b));
  auto got = make_doc_engine();
  const auto u = relayed_update(b->of("0002")[0]);
  REQUIRE_FALSE(u.empty());
  REQUIRE(got->apply_update(u));
  CHECK_FALSE(got->has_pending());
  CHECK(got->state_vector() == expected->state_vector());
  CHECK(got->to_json() == expected->to_json());
  r->check_invariants();
}

TEST_CASE("room: updates of two senders durable in one commit reach each other, and neither is echoed to its own sender") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  auto c = f.join(r);
  f.settle();
  send_update(*r, a, text_a);
  f.send_durable(*r, c, map_k);
  REQUIRE(a->of("0002").size() == 1);
  CHECK(relayed_update(a->of("0002")[0]) == map_k);
  REQUIRE(c->of("0002").size() == 1);
  CHECK(relayed_update(c->of("0002")[0]) == text_a);
  REQUIRE(b->of("0002").size() == 2);
  CHECK(relayed_update(b->of("0002")[0]) == text_a);
  CHECK(relayed_update(b->of("0002")[1]) == map_k);
  r->check_invariants();
}

TEST_CASE("room: a step2 reply waits until every update it contains is durable") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  auto c = f.join(r);
  f.settle();
  send_update(*r, a, text_a);
  f.settle();
  r->receive(c, frame(protocol::encode_sync_step1(unhex("00"))));
  f.settle();
  CHECK(c->of("0001").empty());
  f.store.release_all();
  f.settle();
  REQUIRE(c->of("0001").size() == 1);
  CHECK(hex(c->of("0001")[0]).find(hex(text_a).substr(2)) != std::string::npos);
}

TEST_CASE("room: a malformed frame closes only its sender (1007); the room keeps working for others") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  auto c = f.join(r);
  f.settle();
  r->receive(a, frame(unhex("00020c0101")));  // truncated update payload
  f.settle();
  CHECK(a->close_code == 1007);
  CHECK(b->close_code == 0);
  f.send_durable(*r, b, map_k);
  CHECK(c->of("0002").size() == 1);
  CHECK(a->of("0002").empty());
  r->check_invariants();
}

TEST_CASE("room: an update that does not decode is not applied, not stored and closes its sender") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  std::string bad = text_a;
  bad.resize(bad.size() - 3);
  send_update(*r, a, bad);
  f.settle();
  CHECK(a->close_code == 1007);
  CHECK(f.store.appended.empty());
}

TEST_CASE("room: unknown message types close the sender with 1002") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  r->receive(a, frame(unhex("09")));
  f.settle();
  CHECK(a->close_code == 1002);
}

TEST_CASE("room: a viewer's update is dropped and answered with an auth-denied message") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", true);
  auto v = f.join(r, false);
  auto b = f.join(r);
  f.settle();
  f.send_durable(*r, v, text_a);
  CHECK(f.store.appended.empty());
  CHECK(b->of("0002").empty());
  REQUIRE(v->of("0200").size() == 1);
  CHECK(v->close_code == 0);
}

TEST_CASE("room: awareness is relayed to every connection including the sender and removed when it leaves") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  f.settle();
  const auto aw = unhex("01ac0201177b2275736572223a7b226e616d65223a22416e6e227d7d");  // y-protocols, client 300
  r->receive(a, frame(protocol::encode_awareness(aw)));
  f.settle();
  CHECK(a->of("01").size() == 1);
  CHECK(b->of("01").size() == 1);
  // A late joiner gets the current awareness right after step1.
  auto c = f.join(r);
  f.settle();
  REQUIRE(c->frames.size() >= 2);
  CHECK(hex(c->frames[1]).rfind("01", 0) == 0);
  r->leave(a.get());
  f.settle();
  auto b_aw = b->of("01");
  REQUIRE(b_aw.size() == 2);
  // client 300, clock 1, state "null"
  CHECK(hex(b_aw[1]) == "010901ac0201046e756c6c");
  r->check_invariants();
}

TEST_CASE("room: frames sent while the document is loading are queued and applied after the load") {
  fixture f;
  f.store.gate_load = true;
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  send_update(*r, a, map_k);
  f.settle();
  CHECK(a->frames.empty());
  CHECK(f.store.appended.empty());
  f.store.load_gate.set_value();
  f.settle();
  CHECK(f.store.appended.size() == 1);
  CHECK_FALSE(a->frames.empty());
  r->check_invariants();
}

TEST_CASE("room: an update with missing dependencies makes the server ask its sender with step1") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  const auto step1s_before = a->of("0000").size();
  send_update(*r, a, text_b);  // "b" without "a"
  f.settle();
  CHECK(a->of("0000").size() == step1s_before + 1);
  // The pending update is stored so a crash cannot lose it.
  CHECK(f.store.appended.size() == 1);
}

TEST_CASE("room: REST post_update answers only once durable, and a bad update is refused with 400") {
  fixture f;
  auto r = f.reg.acquire("acme/plan", false);
  std::optional<status> got;
  r->post_update(map_k, [&](status s) { got = s; });
  f.settle();
  CHECK_FALSE(got.has_value());
  f.store.release_all();
  f.settle();
  REQUIRE(got.has_value());
  CHECK(got->ok());
  std::optional<status> bad;
  r->post_update("\x01\x01", [&](status s) { bad = s; });
  f.settle();
  REQUIRE(bad.has_value());
  REQUIRE_FALSE(bad->ok());
  CHECK(bad->err().code == 400);
  std::optional<result<std::string>> state;
  r->get_state([&](result<std::string> s) { state = std::move(s); });
  f.settle();
  REQUIRE(state.has_value());
  REQUIRE(state->ok());
  CHECK(state->value() == map_k);  // one client, one item: the full state equals the original update
  f.reg.release(r);
}

TEST_CASE("room: when the log reaches the compaction threshold it is folded into one snapshot covering every durable update") {
  room_options o;
  o.compact_log_count = 2;
  fixture f(o);
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  f.send_durable(*r, a, text_a);
  CHECK(f.store.compactions.empty());
  f.send_durable(*r, a, map_k);
  REQUIRE(f.store.compactions.size() == 1);
  CHECK(f.store.compactions[0].second == 2);
  // The snapshot must hold both updates: fold it into a fresh room and compare.
  scripted_store check_store;
  check_store.initial = {f.store.compactions[0].first};
  metrics m2;
  boost::asio::io_context ioc2;
  boost::asio::thread_pool pool2{1};
  room_registry reg2(ioc2, check_store, pool2, m2, room_options{});
  auto r2 = reg2.acquire("acme/plan", false);
  std::optional<result<std::string>> json;
  r2->get_json([&](result<std::string> s) { json = std::move(s); });
  test::poll_rounds(ioc2, 50, [&] { return json.has_value(); });
  REQUIRE(json.has_value());
  REQUIRE(json->ok());
  CHECK(json->value().find("\"a\"") != std::string::npos);
  CHECK(json->value().find("\"k\"") != std::string::npos);
  pool2.join();
}

TEST_CASE("room: an idle room is unloaded after the timeout, compacting its log, and a later acquire loads a fresh room") {
  room_options o;
  o.idle_unload = std::chrono::milliseconds(20);
  fixture f(o);
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  f.send_durable(*r, a, text_a);
  r->leave(a.get());
  f.reg.release(r);
  CHECK(f.reg.size() == 1);
  f.settle();  // > 100 ms of polling: the idle timer fires
  CHECK(f.reg.size() == 0);
  REQUIRE(f.store.compactions.size() == 1);
  CHECK(f.store.compactions[0].second == 1);
  auto r2 = f.reg.acquire("acme/plan", true);
  CHECK(r2 != r);
  f.reg.release(r2);
}

TEST_CASE("room: a room in use is not unloaded") {
  room_options o;
  o.idle_unload = std::chrono::milliseconds(10);
  fixture f(o);
  auto r = f.reg.acquire("acme/plan", true);
  auto a = f.join(r);
  f.settle();
  CHECK(f.reg.size() == 1);
  r->leave(a.get());
  f.reg.release(r);
}

TEST_CASE("room: one connection introducing more than 64 awareness clients is closed with 1008, others are untouched") {
  fixture f;
  auto [r, a, b] = f.room_with_two();
  f.settle();
  std::vector<awareness::entry> many;
  for (std::uint64_t id = 1; id <= 65; ++id) many.push_back({id, 1, "{}"});
  r->receive(a, frame(protocol::encode_awareness(awareness::encode_update(many))));
  f.settle();
  CHECK(a->close_code == 1008);
  CHECK(b->close_code == 0);
  CHECK(b->of("01").empty());
  many.pop_back();
  r->receive(b, frame(protocol::encode_awareness(awareness::encode_update(many))));  // 64 is allowed
  f.settle();
  CHECK(b->close_code == 0);
  CHECK(b->of("01").size() == 1);
  r->check_invariants();
}
