// The room's idle-unload hook (used for automatic versions): called once per unload, on the
// blocking pool, with the document's name; never while a client is attached.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "tandem/server/doc_store.hpp"
#include "tandem/server/metrics.hpp"
#include "tandem/server/protocol.hpp"
#include "tandem/server/room.hpp"
#include "test_util.hpp"

using namespace tandem::server;

namespace {

struct null_client final : room_client {
  void send(std::shared_ptr<const std::string>) override {}
  void close(std::uint16_t, std::string) override {}
};

struct hook_fixture {
  explicit hook_fixture(room_options o) : store(make_memory_store()), reg(ioc, *store, blocking, m, std::move(o)) {}
  boost::asio::io_context ioc;
  boost::asio::thread_pool blocking{1};
  std::unique_ptr<doc_store> store;
  metrics m;
  room_registry reg;
  void settle() {
    test::poll_rounds(ioc, 60);
  }
  ~hook_fixture() { blocking.join(); }
};

}  // namespace

TEST_CASE("room: the idle-unload hook runs once with the document's name after an idle unload, not while in use") {
  std::mutex mu;
  std::vector<std::string> calls;
  std::vector<std::thread::id> threads;
  room_options o;
  o.idle_unload = std::chrono::milliseconds(20);
  o.on_idle_unload = [&](const std::string& doc) {
    std::lock_guard l(mu);
    calls.push_back(doc);
    threads.push_back(std::this_thread::get_id());
  };
  hook_fixture f(o);
  auto r = f.reg.acquire("acme/plan", true);
  auto c = std::make_shared<null_client>();
  r->join(c, true);
  // client 7 inserts "a" into text t (yjs@13.6.33 bytes, as in test_room.cpp)
  r->receive(c, std::make_shared<const std::string>(protocol::encode_sync_update(test::unhex("0101070004010174016100"))));
  f.settle();  // attached: the idle timer must not unload
  {
    std::lock_guard l(mu);
    CHECK(calls.empty());
  }
  r->leave(c.get());
  f.reg.release(r);
  f.settle();
  CHECK(f.reg.size() == 0);
  f.settle();
  std::lock_guard l(mu);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0] == "acme/plan");
  CHECK(threads[0] != std::this_thread::get_id());  // on the blocking pool, not the I/O thread
}
