// Process-wide counters and latency histograms, rendered in the Prometheus text format.
// All members are atomics: safe from any thread.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace tandem::server {

class histogram {
 public:
  static constexpr std::array<double, 13> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0};
  void observe(double seconds);
  void render(std::string& out, const char* name, const char* help) const;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

enum class reject_reason : std::uint8_t {
  malformed, unknown_type, too_big, text_frame, invalid_update, invalid_awareness, viewer_write, slow_client,
  bad_doc_name, unauthorized, forbidden, rate_limited, room_full, server_full, count_
};
const char* to_string(reject_reason r);

struct metrics {
  std::atomic<std::int64_t> rooms_loaded{0};
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> messages_in{0}, messages_out{0}, bytes_in{0}, bytes_out{0};
  std::atomic<std::int64_t> storage_lag{0};  // appends not yet durable
  std::atomic<std::uint64_t> updates_applied{0}, compactions{0}, http_requests{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(reject_reason::count_)> rejected{};
  histogram apply_latency, durable_latency, fanout_latency;

  void reject(reject_reason r) { rejected[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::string render() const;
};

}  // namespace tandem::server
