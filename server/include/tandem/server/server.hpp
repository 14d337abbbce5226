// `tandem serve`: options and the entry point that runs the Beast HTTP + WebSocket server
// until SIGINT/SIGTERM. The REST routes are registered in a router so other parts (the
// mentorship domain) can add theirs through register_routes.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "tandem/server/router.hpp"

namespace tandem::server {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string data_dir = "./tandem-data";
  std::string static_dir;              // empty: no static client
  bool no_auth = false;                // development only; loopback only
  unsigned threads = 0;                // 0: one per core
  std::size_t max_message_bytes = 16u << 20;
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_room = 2000;
  double ip_rate = 200;                // new connections per second per IP (loopback exempt)
  double ip_burst = 1000;
  std::size_t max_queue_bytes = 32u << 20;  // outbound bytes queued per connection
  std::chrono::seconds preauth_timeout{10}; // to send a complete HTTP request
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds ping_interval{30};
  std::chrono::seconds idle_unload{30};
  std::uint64_t compact_log_count = 1000;
  bool deflate = true;
  bool relaxed_durability = false;
  bool memory_store = false;           // keep documents in memory only (tests)
};

// Hook for other parts to add routes before the server starts.
using route_registrar = std::function<void(http::router&)>;
void add_route_registrar(route_registrar r);

// Runs until a termination signal; returns the process exit code.
int run_server(const server_options& opts);

}  // namespace tandem::server
