// tandem_bench_server: a WebSocket load generator for Yjs sync servers (Tandem, the Yjs
// reference server, Hocuspocus 3). N rooms x M clients; writers send small valid v1 updates
// at a set rate; readers time their arrival. Prints one JSON object with the measurements.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using bytes = std::vector<std::uint8_t>;

namespace {

// ---- lib0 encoding (what we need of it) ----
void put_var_uint(bytes& out, std::uint64_t v) {
  while (v > 0x7f) {
    out.push_back(static_cast<std::uint8_t>(0x80 | (v & 0x7f)));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_var_string(bytes& out, const std::string& s) {
  put_var_uint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}
void put_var_bytes(bytes& out, const bytes& b) {
  put_var_uint(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

struct reader {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool ok = true;
  std::uint64_t var_uint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) { ok = false; return 0; }
      std::uint8_t b = *p++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::string var_string() {
    auto n = var_uint();
    if (!ok || n > static_cast<std::uint64_t>(end - p)) { ok = false; return {}; }
    std::string s(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    p += n;
    return s;
  }
  bool skip(std::uint64_t n) {
    if (!ok || n > static_cast<std::uint64_t>(end - p)) { ok = false; return false; }
    p += n;
    return true;
  }
};

// One Yjs v1 update: client `client` sets root map "m" key "k<seq>" to a short string (item
// clock = seq, no origins, so each update depends only on the previous one of its writer).
// Layout per the Yjs v1 format: [#groups=1][#structs=1][client][clock][info=0x28]
// [parentInfo=1]["m"][parentSub "k<seq>"][ContentAny: len=1, any string(119)] [delete set: 0].
bytes make_update(std::uint64_t client, std::uint64_t seq, const std::string& payload) {
  bytes u;
  put_var_uint(u, 1);
  put_var_uint(u, 1);
  put_var_uint(u, client);
  put_var_uint(u, seq);
  u.push_back(0x28);  // content ref 8 (ContentAny) | 0x20 (parentSub present)
  put_var_uint(u, 1);  // parent is a root type named by string
  put_var_string(u, "m");
  put_var_string(u, "k" + std::to_string(seq));
  put_var_uint(u, 1);
  u.push_back(119);  // lib0 any: string
  put_var_string(u, payload);
  put_var_uint(u, 0);  // empty delete set
  return u;
}

// Sequence numbers of the map items in an update written by us or re-encoded by a server
// (possibly several merged). Returns false when the update uses anything else.
bool scan_update(reader r, std::vector<std::uint64_t>& seqs) {
  auto groups = r.var_uint();
  for (std::uint64_t g = 0; r.ok && g < groups && g < 1000; ++g) {
    auto n = r.var_uint();
    r.var_uint();  // client
    r.var_uint();  // clock
    for (std::uint64_t i = 0; r.ok && i < n && i < 100000; ++i) {
      if (r.p >= r.end) return false;
      std::uint8_t info = *r.p++;
      if ((info & 0x1f) == 0 || (info & 0x1f) == 10) { r.var_uint(); continue; }  // GC / Skip
      if (info & 0x80) { r.var_uint(); r.var_uint(); }
      if (info & 0x40) { r.var_uint(); r.var_uint(); }
      if ((info & 0xc0) == 0) {
        if (r.var_uint() == 1) r.var_string(); else { r.var_uint(); r.var_uint(); }
        if (info & 0x20) {
          auto key = r.var_string();
          if (key.size() > 1 && key[0] == 'k') seqs.push_back(std::strtoull(key.c_str() + 1, nullptr, 10));
        }
      }
      if ((info & 0x1f) != 8) return false;  // only ContentAny is ours
      auto len = r.var_uint();
      for (std::uint64_t k = 0; r.ok && k < len; ++k) {
        if (r.p >= r.end) return false;
        std::uint8_t t = *r.p++;
        if (t == 119) r.var_string();
        else return false;
      }
    }
  }
  return r.ok;
}

// ---- configuration ----
enum class flavor { tandem, yws, hocuspocus };

struct options {
  flavor kind = flavor::tandem;
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string token;
  std::string prefix = "bench";
  std::size_t rooms = 1;
  std::size_t clients = 2;  // per room, including the writer
  std::size_t writers = 1;  // per room: 0 or 1 (latency is matched by the writer's sequence number)
  double rate = 10;         // updates/s per writer
  double duration = 5;      // seconds of writing
  std::size_t payload = 24;
  std::size_t max_inflight_connects = 256;
  double connect_timeout = 120;
  double settle = 2;  // seconds idle before the RSS reading
  long server_pid = 0;
  bool dump = false;
};

long rss_kib(long pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// User + system CPU seconds of a process so far (-1 when unreadable): the box is shared, so
// CPU per delivery compares servers better than wall-clock throughput does.
double cpu_seconds(long pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = all.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15 (1-based) are utime and stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct room_state {
  std::vector<clock_type::time_point> sent;  // by seq (seq = index; one writer measured)
};

struct stats {
  std::vector<double> latency_ms;
  std::vector<double> connect_ms;
  std::size_t delivered = 0;
  std::size_t unparsed = 0;
  std::size_t empty_updates = 0;  // update messages carrying no struct (relayed empty sync step 2s)
  std::size_t connected = 0;
  std::size_t synced = 0;
  std::size_t failed = 0;
  std::size_t sent = 0;
  std::string first_error;
};

class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, const options& o, stats& st, room_state& rs, std::string doc, bool writer,
         std::uint64_t client_id, std::function<void()> on_done_connecting)
      : ws_(io), opt_(o), st_(st), room_(rs), doc_(std::move(doc)), writer_(writer),
        client_id_(client_id), timer_(ws_.get_executor()), done_connecting_(std::move(on_done_connecting)) {}

  void start(const tcp::resolver::results_type& eps) {
    t0_ = clock_type::now();
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(static_cast<long>(opt_.connect_timeout)));
    beast::get_lowest_layer(ws_).async_connect(eps, [self = shared_from_this()](beast::error_code ec, auto) {
      self->on_connect(ec);
    });
  }

  bool synced() const { return synced_; }
  bool is_writer() const { return writer_; }

  // Writers: send `count` updates at the configured rate starting at `start`.
  void write_updates(clock_type::time_point start, std::size_t count) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), start, count] {
      self->next_at_ = start;
      self->remaining_ = count;
      self->schedule();
    });
  }

  void close() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->timer_.cancel();
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

 private:
  void fail(const char* where, beast::error_code ec) {
    if (closing_) return;
    if (!failed_) {
      failed_ = true;
      ++st_.failed;
      if (st_.first_error.empty()) st_.first_error = std::string(where) + ": " + ec.message();
      if (!synced_) finish_connecting();
    }
  }

  void finish_connecting() {
    if (reported_) return;
    reported_ = true;
    done_connecting_();
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(static_cast<long>(opt_.connect_timeout));
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.read_message_max(256 * 1024 * 1024);
    std::string target;
    switch (opt_.kind) {
      case flavor::tandem: target = "/sync/" + doc_ + "?token=" + opt_.token; break;
      case flavor::yws: target = "/" + doc_; break;
      case flavor::hocuspocus: target = "/"; break;
    }
    ws_.async_handshake(opt_.host + ":" + opt_.port, target, [self = shared_from_this()](beast::error_code e) {
      self->on_handshake(e);
    });
  }

  bytes framed(const bytes& body) const {
    if (opt_.kind != flavor::hocuspocus) return body;
    bytes out;
    put_var_string(out, doc_);
    out.insert(out.end(), body.begin(), body.end());
    return out;
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake", ec);
    ++st_.connected;
    ws_.binary(true);
    if (opt_.kind == flavor::hocuspocus) {
      bytes auth{2, 0};  // Auth, Token
      put_var_string(auth, opt_.token.empty() ? "bench" : opt_.token);
      send(framed(auth));
    }
    bytes step1{0, 0};
    put_var_bytes(step1, bytes{0});  // empty state vector
    send(framed(step1));
    do_read();
  }

  void send(bytes msg) {
    out_.push_back(std::make_shared<bytes>(std::move(msg)));
    if (out_.size() == 1) do_write();
  }

  void do_write() {
    auto buf = out_.front();
    ws_.async_write(asio::buffer(*buf), [self = shared_from_this(), buf](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("write", ec);
      self->out_.pop_front();
      if (!self->out_.empty()) self->do_write();
    });
  }

  void do_read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail("read", ec);
    auto data = in_.cdata();
    reader r{static_cast<const std::uint8_t*>(data.data()), static_cast<const std::uint8_t*>(data.data()) + data.size()};
    auto now = clock_type::now();
    if (opt_.kind == flavor::hocuspocus) r.var_string();
    auto type = r.var_uint();
    if (r.ok && (type == 0 || type == 4)) {
      auto sub = r.var_uint();
      if (sub == 0) {  // server's step 1: answer with our (empty) state
        bytes step2{0, 1};
        put_var_bytes(step2, bytes{0, 0});
        send(framed(step2));
      } else if (sub == 1 && !synced_) {
        synced_ = true;
        ++st_.synced;
        st_.connect_ms.push_back(std::chrono::duration<double, std::milli>(now - t0_).count());
        finish_connecting();
      } else if (sub == 2 && !writer_) {
        auto len = r.var_uint();
        if (r.ok && len <= static_cast<std::uint64_t>(r.end - r.p)) {
          reader u{r.p, r.p + len};
          seqs_.clear();
          const bool parsed = scan_update(u, seqs_);
          if (parsed && seqs_.empty()) {
            ++st_.empty_updates;
          } else if (parsed) {
            for (auto s : seqs_) {
              ++st_.delivered;
              if (s < room_.sent.size() && room_.sent[s] != clock_type::time_point{})
                st_.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - room_.sent[s]).count());
            }
          } else {
            ++st_.unparsed;
          }
        }
      }
    }
    in_.consume(in_.size());
    do_read();
  }

  void schedule() {
    if (remaining_ == 0 || closing_ || failed_) return;
    timer_.expires_at(next_at_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->send_one();
    });
  }

  void send_one() {
    std::uint64_t seq = seq_++;
    if (room_.sent.size() <= seq) room_.sent.resize(seq + 1);
    std::string payload(opt_.payload, 'x');
    bytes msg{0, 2};
    put_var_bytes(msg, make_update(client_id_, seq, payload));
    room_.sent[seq] = clock_type::now();
    ++st_.sent;
    send(framed(msg));
    --remaining_;
    next_at_ += std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / opt_.rate));
    schedule();
  }

  websocket::stream<beast::tcp_stream> ws_;
  const options& opt_;
  stats& st_;
  room_state& room_;
  std::string doc_;
  bool writer_;
  std::uint64_t client_id_;
  asio::steady_timer timer_;
  std::function<void()> done_connecting_;
  beast::flat_buffer in_;
  std::deque<std::shared_ptr<bytes>> out_;
  std::vector<std::uint64_t> seqs_;
  clock_type::time_point t0_{};
  clock_type::time_point next_at_{};
  std::size_t remaining_ = 0;
  std::uint64_t seq_ = 0;
  bool synced_ = false;
  bool failed_ = false;
  bool reported_ = false;
  bool closing_ = false;
};

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void usage() {
  std::cerr << "usage: tandem_bench_server --kind tandem|yws|hocuspocus --port P [--host H] [--token T]\n"
               "  [--prefix P] [--rooms N] [--clients M] [--writers W] [--rate R] [--duration S]\n"
               "  [--payload BYTES] [--server-pid PID] [--settle S] [--max-inflight N]\n"
               "  --dump-updates N   print N crafted updates as hex (for validation with yjs)\n";
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--kind") {
      auto k = val();
      if (k == "tandem") o.kind = flavor::tandem;
      else if (k == "yws") o.kind = flavor::yws;
      else if (k == "hocuspocus") o.kind = flavor::hocuspocus;
      else throw std::runtime_error("unknown --kind " + k);
    } else if (a == "--host") o.host = val();
    else if (a == "--port") o.port = val();
    else if (a == "--token") o.token = val();
    else if (a == "--prefix") o.prefix = val();
    else if (a == "--rooms") o.rooms = std::stoul(val());
    else if (a == "--clients") o.clients = std::stoul(val());
    else if (a == "--writers") o.writers = std::stoul(val());
    else if (a == "--rate") o.rate = std::stod(val());
    else if (a == "--duration") o.duration = std::stod(val());
    else if (a == "--payload") o.payload = std::stoul(val());
    else if (a == "--server-pid") o.server_pid = std::stol(val());
    else if (a == "--settle") o.settle = std::stod(val());
    else if (a == "--max-inflight") o.max_inflight_connects = std::stoul(val());
    else if (a == "--dump-updates") { o.dump = true; o.rooms = std::stoul(val()); }
    else { usage(); return false; }
  }
  if (o.writers > 1 || o.writers > o.clients || o.rate <= 0 || o.rooms == 0 || o.rooms > 100000 || o.clients > 100000) {
    usage();
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    if (!parse(argc, argv, o)) return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  if (o.dump) {
    for (std::size_t i = 0; i < o.rooms; ++i) {
      for (auto b : make_update(4242, i, std::string(o.payload, 'x'))) std::printf("%02x", b);
      std::printf("\n");
    }
    return 0;
  }

  asio::io_context io;
  tcp::resolver resolver(io);
  auto eps = resolver.resolve(o.host, o.port);
  stats st;
  std::vector<room_state> rooms(o.rooms);
  std::vector<std::shared_ptr<client>> clients;
  const std::size_t total = o.rooms * o.clients;
  clients.reserve(total);
  long rss_before = rss_kib(o.server_pid);

  // Connect everyone, at most max_inflight_connects at a time.
  std::size_t next = 0;
  std::size_t done = 0;
  std::function<void()> launch;
  auto on_done = [&] {
    ++done;
    launch();
  };
  for (std::size_t r = 0; r < o.rooms; ++r)
    for (std::size_t c = 0; c < o.clients; ++c)
      clients.push_back(std::make_shared<client>(io, o, st, rooms[r], o.prefix + "/r" + std::to_string(r), c < o.writers,
                                                 1000 + r * 64 + c, on_done));
  launch = [&] {
    while (next < total && next - done < o.max_inflight_connects) clients[next++]->start(eps);
  };
  auto t_connect = clock_type::now();
  launch();
  while (done < total) {
    if (io.run_one_for(std::chrono::seconds(1)) == 0 &&
        clock_type::now() - t_connect > std::chrono::seconds(static_cast<long>(o.connect_timeout) + 10))
      break;
  }
  double connect_all_s = std::chrono::duration<double>(clock_type::now() - t_connect).count();

  // Let the server settle, then read its memory with everyone connected and synced.
  auto settle_until = clock_type::now() + std::chrono::milliseconds(static_cast<long>(o.settle * 1000));
  while (clock_type::now() < settle_until) io.run_for(settle_until - clock_type::now());
  long rss_connected = rss_kib(o.server_pid);
  const double server_cpu0 = cpu_seconds(o.server_pid), gen_cpu0 = self_cpu_seconds();

  // Writers write; readers time the arrivals.
  std::size_t per_writer = static_cast<std::size_t>(o.duration * o.rate);
  double write_s = 0;
  if (o.writers > 0 && per_writer > 0) {
    auto start = clock_type::now() + std::chrono::milliseconds(100);
    // Writers of different rooms are spread evenly over one period instead of firing together.
    const double period_s = 1.0 / o.rate;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (!clients[i]->is_writer() || !clients[i]->synced()) continue;
      const double offset_s = period_s * static_cast<double>(i / o.clients) / static_cast<double>(o.rooms);
      clients[i]->write_updates(start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(offset_s)),
                                per_writer);
    }
    auto end_writing = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.duration + period_s));
    // Drain: up to 5 s after the last send, or until everything expected has arrived.
    std::size_t readers_synced = 0;
    for (auto& c : clients) readers_synced += (!c->is_writer() && c->synced()) ? 1 : 0;
    const std::size_t expected_each = per_writer * o.writers;
    auto deadline = end_writing + std::chrono::seconds(5);
    while (clock_type::now() < deadline) {
      io.run_for(std::chrono::milliseconds(50));
      if (clock_type::now() > end_writing && st.delivered >= expected_each * readers_synced) break;
    }
    write_s = std::chrono::duration<double>(std::min(clock_type::now(), deadline) - start).count();
  }
  long rss_after = rss_kib(o.server_pid);
  const double server_cpu1 = cpu_seconds(o.server_pid), gen_cpu1 = self_cpu_seconds();
  const double server_cpu_s = server_cpu0 >= 0 && server_cpu1 >= 0 ? server_cpu1 - server_cpu0 : -1;

  std::size_t readers_synced = 0;
  for (auto& c : clients) readers_synced += (!c->is_writer() && c->synced()) ? 1 : 0;
  for (auto& c : clients) c->close();
  io.run_for(std::chrono::milliseconds(500));

  auto lat = st.latency_ms;
  auto con = st.connect_ms;
  std::size_t expected_deliveries = per_writer * o.writers * readers_synced;
  double per_conn_kib = (rss_before > 0 && rss_connected > 0 && st.synced > 0)
                            ? static_cast<double>(rss_connected - rss_before) / static_cast<double>(st.synced)
                            : -1;
  std::ostringstream js;
  js.setf(std::ios::fixed);
  js.precision(3);
  js << "{\"connections\":" << total << ",\"connected\":" << st.connected << ",\"synced\":" << st.synced
     << ",\"failed\":" << st.failed << ",\"first_error\":\"" << st.first_error << "\""
     << ",\"connect_all_s\":" << connect_all_s << ",\"connect_sync_ms_p50\":" << pct(con, 0.5)
     << ",\"connect_sync_ms_p99\":" << pct(con, 0.99) << ",\"connect_sync_ms_max\":" << pct(con, 1.0)
     << ",\"sent\":" << st.sent << ",\"expected_deliveries\":" << expected_deliveries << ",\"delivered\":" << st.delivered
     << ",\"unparsed\":" << st.unparsed << ",\"empty_updates_received\":" << st.empty_updates << ",\"write_window_s\":" << write_s
     << ",\"delivered_per_s\":" << (write_s > 0 ? static_cast<double>(st.delivered) / write_s : 0)
     << ",\"latency_ms_p50\":" << pct(lat, 0.5) << ",\"latency_ms_p99\":" << pct(lat, 0.99)
     << ",\"latency_ms_max\":" << pct(lat, 1.0) << ",\"rss_kib_before\":" << rss_before
     << ",\"rss_kib_connected\":" << rss_connected << ",\"rss_kib_after\":" << rss_after
     << ",\"rss_kib_per_connection\":" << per_conn_kib << ",\"server_cpu_s\":" << server_cpu_s
     << ",\"generator_cpu_s\":" << (gen_cpu1 - gen_cpu0) << ",\"server_cpu_us_per_delivery\":"
     << (server_cpu_s >= 0 && st.delivered > 0 ? server_cpu_s * 1e6 / static_cast<double>(st.delivered) : -1) << "}";
  std::cout << js.str() << std::endl;
  return st.failed > 0 ? 1 : 0;
}
