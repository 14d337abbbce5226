// Helpers for the server unit tests: hex <-> bytes, polling an io_context.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>

namespace tandem::server::test {

inline std::string unhex(std::string_view h) {
  std::string out;
  auto v = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(v(h[i]) * 16 + v(h[i + 1]));
  return out;
}

inline std::string hex(std::string_view b) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

// Runs ready handlers of `ioc` for up to `rounds` rounds 2 ms apart (other threads, such as
// a blocking pool, post work back meanwhile), stopping early once `done()` is true.
template <class Done>
void poll_rounds(boost::asio::io_context& ioc, int rounds, Done done) {
  for (int i = 0; i < rounds && !done(); ++i) {
    ioc.restart();
    ioc.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}
inline void poll_rounds(boost::asio::io_context& ioc, int rounds) {
  poll_rounds(ioc, rounds, [] { return false; });
}

}  // namespace tandem::server::test
