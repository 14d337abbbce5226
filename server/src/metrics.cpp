// Prometheus text rendering of the server's counters and histograms.
#include "tandem/server/metrics.hpp"

#include <cstdio>

namespace tandem::server {

void histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void histogram::render(std::string& out, const char* name, const char* help) const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  out += buf;
  std::uint64_t cum = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cum += counts_[i].load(std::memory_order_relaxed);
    std::snprintf(buf, sizeof buf, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], static_cast<unsigned long long>(cum));
    out += buf;
  }
  cum += counts_[bounds.size()].load(std::memory_order_relaxed);
  std::snprintf(buf, sizeof buf, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9f\n%s_count %llu\n", name, static_cast<unsigned long long>(cum), name,
                static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9, name, static_cast<unsigned long long>(cum));
  out += buf;
}

const char* to_string(reject_reason r) {
  switch (r) {
    case reject_reason::malformed: return "malformed";
    case reject_reason::unknown_type: return "unknown_type";
    case reject_reason::too_big: return "too_big";
    case reject_reason::text_frame: return "text_frame";
    case reject_reason::invalid_update: return "invalid_update";
    case reject_reason::invalid_awareness: return "invalid_awareness";
    case reject_reason::viewer_write: return "viewer_write";
    case reject_reason::slow_client: return "slow_client";
    case reject_reason::bad_doc_name: return "bad_doc_name";
    case reject_reason::unauthorized: return "unauthorized";
    case reject_reason::forbidden: return "forbidden";
    case reject_reason::rate_limited: return "rate_limited";
    case reject_reason::room_full: return "room_full";
    case reject_reason::server_full: return "server_full";
    case reject_reason::count_: break;
  }
  return "unknown";
}

std::string metrics::render() const {
  std::string out;
  char buf[256];
  auto gauge = [&](const char* name, const char* help, const char* type, long long v) {
    std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, v);
    out += buf;
  };
  auto ld = [](const auto& a) { return static_cast<long long>(a.load(std::memory_order_relaxed)); };
  gauge("tandem_rooms_loaded", "Rooms (documents) loaded in memory", "gauge", ld(rooms_loaded));
  gauge("tandem_connections", "Open WebSocket connections", "gauge", ld(connections));
  gauge("tandem_connections_total", "WebSocket connections accepted", "counter", ld(connections_total));
  gauge("tandem_messages_in_total", "WebSocket messages received", "counter", ld(messages_in));
  gauge("tandem_messages_out_total", "WebSocket messages sent", "counter", ld(messages_out));
  gauge("tandem_bytes_in_total", "WebSocket payload bytes received", "counter", ld(bytes_in));
  gauge("tandem_bytes_out_total", "WebSocket payload bytes sent", "counter", ld(bytes_out));
  gauge("tandem_storage_lag", "Updates appended to storage and not yet durable", "gauge", ld(storage_lag));
  gauge("tandem_updates_applied_total", "Document updates applied", "counter", ld(updates_applied));
  gauge("tandem_compactions_total", "Document compactions written", "counter", ld(compactions));
  gauge("tandem_http_requests_total", "HTTP requests answered", "counter", ld(http_requests));
  out += "# HELP tandem_rejected_total Messages or connections refused, by reason\n# TYPE tandem_rejected_total counter\n";
  for (std::size_t i = 0; i < rejected.size(); ++i) {
    std::snprintf(buf, sizeof buf, "tandem_rejected_total{reason=\"%s\"} %llu\n", to_string(static_cast<reject_reason>(i)),
                  static_cast<unsigned long long>(rejected[i].load(std::memory_order_relaxed)));
    out += buf;
  }
  apply_latency.render(out, "tandem_apply_seconds", "Time to apply one update to the room document");
  durable_latency.render(out, "tandem_durable_seconds", "Time from receiving an update to its durable commit");
  fanout_latency.render(out, "tandem_fanout_seconds", "Time from receiving an update to handing it to every receiver");
  return out;
}

}  // namespace tandem::server
