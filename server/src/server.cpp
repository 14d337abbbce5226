// The network shell after the Beast examples: listener accepts, http_session reads requests
// (REST, static files, or a WebSocket upgrade checked before accepting it), and
// websocket_session moves frames between a socket and its room. No protocol logic here.
#include "tandem/server/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "domain_bridge.hpp"
#include "export_job.hpp"
#include "tandem/server/auth.hpp"
#include "tandem/server/room.hpp"

namespace tandem::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::vector<route_registrar>& registrars() {
  static std::vector<route_registrar> r;
  return r;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Token bucket per remote address; guarded by its mutex.
class ip_rate_limiter {
 public:
  ip_rate_limiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  bool allow(const std::string& ip) {
    if (rate_ <= 0) return true;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    if (buckets_.size() > 100000) buckets_.clear();  // bound memory under address floods
    auto [it, fresh] = buckets_.try_emplace(ip, bucket{burst_, now});
    auto& b = it->second;
    if (!fresh) {
      b.tokens = std::min(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.last).count());
      b.last = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct bucket { double tokens; std::chrono::steady_clock::time_point last; };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, bucket> buckets_;
};

// Everything the sessions share. Members are thread-safe or immutable after start.
struct shared_state {
  server_options opts;
  std::string secret;
  metrics stats;
  std::unique_ptr<doc_store> store;
  std::unique_ptr<net::thread_pool> blocking;
  std::unique_ptr<room_registry> rooms;
  http::router router;
  ip_rate_limiter limiter;
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> sessions{0};  // HTTP + WebSocket sessions alive
  domain_hooks hooks;                     // filled before serving, then read-only
  std::shared_ptr<void> domain;           // keeps the domain services alive
  // Live connections by token id, so a revoked invite closes them (guarded by conns_mu).
  std::mutex conns_mu;
  std::unordered_multimap<std::string, std::weak_ptr<room_client>> conns_by_token;

  explicit shared_state(const server_options& o) : opts(o), limiter(o.ip_rate, o.ip_burst) {}
};

bool is_loopback(const std::string& ip) { return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0; }

struct auth_outcome {
  int status = 200;  // 200 ok, else 400/401/403
  std::string reason;
  auth::claims claims;
};

std::string bearer_or_query(const http::request& req) {
  auto h = req.header("authorization");
  if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) return std::string(h.substr(7));
  auto it = req.query.find("token");
  return it == req.query.end() ? std::string() : it->second;
}

auth_outcome authorize(const shared_state& st, const http::request& req, const std::string& doc, bool needs_write) {
  auth_outcome out;
  if (!auth::valid_doc_name(doc)) return {400, "invalid document name", {}};
  if (st.opts.no_auth) {
    out.claims.role_ = auth::role::admin;
    out.claims.prefix = "*";
    out.claims.user = "dev";
    return out;
  }
  const std::string token = bearer_or_query(req);
  if (token.empty()) return {401, "missing token", {}};
  auto v = auth::verify(token, st.secret, unix_now());
  if (auto* e = std::get_if<auth::verify_error>(&v)) return {401, e->reason, {}};
  out.claims = std::get<auth::claims>(std::move(v));
  if (st.hooks.is_revoked && st.hooks.is_revoked(out.claims.token_id)) return {401, "token revoked", {}};
  if (!auth::prefix_covers(out.claims, doc)) return {403, "token does not cover this document", {}};
  if (needs_write && !auth::can_write(out.claims.role_)) return {403, "read-only token", {}};
  return out;
}

// ---------------------------------------------------------------- websocket_session

// FIFO of outbound frames that owns no memory while empty (an empty std::deque allocates
// ~600 bytes, paid by every idle connection). Guarded by the owning session's strand.
class frame_queue {
 public:
  using frame = std::shared_ptr<const std::string>;
  [[nodiscard]] bool empty() const { return head_ == items_.size(); }
  [[nodiscard]] std::size_t size() const { return items_.size() - head_; }
  const frame& front() const { return items_[head_]; }
  void push(frame f) { items_.push_back(std::move(f)); }
  void pop() {
    items_[head_++].reset();
    if (head_ == items_.size()) clear();
    else if (head_ >= 64 && head_ * 2 >= items_.size()) {  // reclaim the consumed prefix
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > 16) items_.shrink_to_fit();  // a drained burst gives its memory back
  }
  void drop_all_but_front() {
    if (size() <= 1) return;
    frame f = std::move(items_[head_]);
    clear();
    items_.push_back(std::move(f));
  }

 private:
  std::vector<frame> items_;
  std::size_t head_ = 0;
};

class websocket_session : public room_client, public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(tcp::socket&& s, shared_state& st, std::shared_ptr<room> r, const auth::claims& c, bool check_expiry)
      : ws_(std::move(s)),
        st_(st),
        room_(std::move(r)),
        can_write_(auth::can_write(c.role_)),
        token_id_(c.token_id),
        expires_at_(check_expiry ? c.expires_at : 0),
        expiry_(ws_.get_executor()) {
    st_.sessions.fetch_add(1);
  }
  ~websocket_session() override { st_.sessions.fetch_sub(1); }

  void run(bhttp::request<bhttp::string_body> req) {
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = st_.opts.ping_interval * 2;  // a ping goes out at half the idle time
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { res.set(bhttp::field::server, "tandem"); }));
    if (st_.opts.deflate) {
      websocket::permessage_deflate pmd;
      pmd.server_enable = true;
      pmd.client_enable = false;
      pmd.msg_size_threshold = 512;  // small sync messages are not worth compressing
      pmd.memLevel = 2;  // zlib hash/literal buffers scale with 2^memLevel: keep them small per connection
      pmd.server_max_window_bits = 10;  // 1 KiB window: per-connection zlib state ~12 KiB instead of ~40
      ws_.set_option(pmd);
    }
    ws_.read_message_max(st_.opts.max_message_bytes);
    ws_.binary(true);
    ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
  }

  void send(std::shared_ptr<const std::string> frame) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
      if (self->closing_ || !self->open_) return;
      // Bound: max_queue_bytes of ordinary frames plus at most one frame larger than the
      // limit (a big document's step2 must still reach a client that keeps reading).
      const std::size_t limit = self->st_.opts.max_queue_bytes;
      const std::size_t size = frame->size();
      const bool oversized = size > limit;
      const bool over = oversized ? self->oversized_bytes_ > 0 : (self->queued_bytes_ - self->oversized_bytes_) + size > limit;
      if (over) {
        self->st_.stats.reject(reject_reason::slow_client);
        self->do_close(1013, "client too slow: outbound queue full");
        return;
      }
      self->queued_bytes_ += size;
      if (oversized) self->oversized_bytes_ += size;
      self->queue_.push(std::move(frame));
      if (!self->writing_) self->do_write();
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] { self->do_close(code, reason); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::debug("websocket handshake failed: {}", ec.message());
      finish();
      return;
    }
    open_ = true;
    st_.stats.connections.fetch_add(1);
    st_.stats.connections_total.fetch_add(1);
    room_->join(shared_from_this(), can_write_);
    if (!token_id_.empty()) {
      std::lock_guard lock(st_.conns_mu);
      st_.conns_by_token.emplace(token_id_, weak_from_this());
    }
    if (expires_at_ > 0) {
      // A token that expires while connected ends the session (4401: y-websocket does not retry 44xx).
      expiry_.expires_at(std::chrono::steady_clock::now() + std::chrono::seconds(std::max<std::int64_t>(0, expires_at_ - unix_now())));
      expiry_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->do_close(4401, "token expired");
      });
    }
    do_read();
  }

  void do_read() { ws_.async_read(buf_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        st_.stats.reject(reject_reason::too_big);
        spdlog::info("closing connection to {}: message too big", room_->name());
      }
      finish();
      return;
    }
    if (closing_) {  // draining reads until the close handshake completes
      buf_.consume(n);
      do_read();
      return;
    }
    if (!ws_.got_binary()) {
      buf_.consume(n);
      st_.stats.reject(reject_reason::text_frame);
      do_close(1003, "text frames are not supported; send binary y-websocket messages");
      do_read();
      return;
    }
    st_.stats.messages_in.fetch_add(1, std::memory_order_relaxed);
    st_.stats.bytes_in.fetch_add(n, std::memory_order_relaxed);
    auto frame = std::make_shared<const std::string>(beast::buffers_to_string(buf_.data()));
    buf_.consume(buf_.size());
    buf_.shrink_to_fit();  // an idle connection keeps no read buffer (most are idle most of the time)
    room_->receive(shared_from_this(), std::move(frame));
    do_read();
  }

  void do_write() {
    writing_ = true;
    const auto& f = *queue_.front();
    ws_.async_write(net::buffer(f), beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    if (!queue_.empty()) {
      const std::size_t size = queue_.front()->size();
      queued_bytes_ -= std::min(queued_bytes_, size);
      if (size > st_.opts.max_queue_bytes) oversized_bytes_ -= std::min(oversized_bytes_, size);
      queue_.pop();
    }
    if (ec) {
      queue_.clear();
      queued_bytes_ = 0;
      oversized_bytes_ = 0;
      return;  // the read side sees the failure and finishes
    }
    st_.stats.bytes_out.fetch_add(n, std::memory_order_relaxed);
    if (!queue_.empty() && !closing_) do_write();
  }

  void do_close(std::uint16_t code, const std::string& reason) {
    if (closing_ || !open_) return;
    closing_ = true;
    // Drop what is not yet on the wire; the in-flight write finishes first (Beast orders
    // the close frame after it).
    queue_.drop_all_but_front();
    queued_bytes_ = queue_.empty() ? 0 : queue_.front()->size();
    oversized_bytes_ = queued_bytes_ > st_.opts.max_queue_bytes ? queued_bytes_ : 0;
    websocket::close_reason cr(static_cast<websocket::close_code>(code), reason.size() > 120 ? reason.substr(0, 120) : reason);
    ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {});
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (open_) st_.stats.connections.fetch_sub(1);
    expiry_.cancel();
    if (!token_id_.empty()) {
      std::lock_guard lock(st_.conns_mu);
      auto [b, e] = st_.conns_by_token.equal_range(token_id_);
      for (auto it = b; it != e; ++it) {
        if (it->second.lock().get() == this || it->second.expired()) {
          st_.conns_by_token.erase(it);
          break;
        }
      }
    }
    room_->leave(this);
    st_.rooms->release(room_);
  }

  // A bare socket below the WebSocket: its own timer covers handshake and idle timeouts, and
  // tcp_stream's per-operation timer layer would cost every connection memory and every
  // frame CPU for nothing.
  websocket::stream<tcp::socket> ws_;
  shared_state& st_;
  std::shared_ptr<room> room_;
  bool can_write_;
  std::string token_id_;
  std::int64_t expires_at_;
  net::steady_timer expiry_;
  beast::flat_buffer buf_;
  // Guarded by the session's strand (ws_'s executor):
  frame_queue queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t oversized_bytes_ = 0;  // part of queued_bytes_ in one frame above the limit
  bool writing_ = false, closing_ = false, open_ = false, finished_ = false;
};

// ---------------------------------------------------------------- http_session

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& s, shared_state& st, std::string ip) : stream_(std::move(s)), st_(st), ip_(std::move(ip)) {
    st_.sessions.fetch_add(1);
  }
  ~http_session() { st_.sessions.fetch_sub(1); }

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this())); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(st_.opts.max_header_bytes));
    parser_->body_limit(st_.opts.max_message_bytes);
    stream_.expires_after(st_.opts.preauth_timeout);
    bhttp::async_read(stream_, buf_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    if (ec) {
      if (ec == bhttp::error::body_limit) write(simple(413, "request body too large", 11, false));
      else if (ec != beast::error::timeout && ec != net::error::operation_aborted && ec != net::error::connection_reset)
        write(simple(400, std::string("bad request: ") + ec.message(), 11, false));
      return;
    }
    auto req = parser_->release();
    if (st_.draining.load()) {
      write(simple(503, "server shutting down", req.version(), false));
      return;
    }
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    handle(std::move(req));
  }

  static http::request to_request(const bhttp::request<bhttp::string_body>& req, const std::string& ip) {
    http::request r;
    r.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    const auto q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = http::parse_query(target.substr(q + 1));
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers[name] = std::string(f.value());
    }
    r.body = req.body();
    r.remote_ip = ip;
    return r;
  }

  void upgrade(bhttp::request<bhttp::string_body> req) {
    auto r = to_request(req, ip_);
    const std::string prefix = "/sync/";
    if (r.path.rfind(prefix, 0) != 0) {
      st_.stats.reject(reject_reason::bad_doc_name);
      return write(simple(404, "WebSocket endpoint is /sync/<document>", req.version(), false));
    }
    const std::string doc = r.path.substr(prefix.size());
    auto a = authorize(st_, r, doc, false);
    if (a.status != 200) {
      st_.stats.reject(a.status == 400 ? reject_reason::bad_doc_name : a.status == 401 ? reject_reason::unauthorized : reject_reason::forbidden);
      return write(simple(a.status, a.reason, req.version(), false));
    }
    if (!is_loopback(ip_) && !st_.limiter.allow(ip_)) {
      st_.stats.reject(reject_reason::rate_limited);
      return write(simple(429, "too many connections from this address", req.version(), false));
    }
    if (st_.stats.connections.load() >= static_cast<std::int64_t>(st_.opts.max_connections)) {
      st_.stats.reject(reject_reason::server_full);
      return write(simple(503, "server at its connection limit", req.version(), false));
    }
    auto room = st_.rooms->acquire(doc, true);
    if (!room) {
      st_.stats.reject(reject_reason::room_full);
      return write(simple(503, "document at its connection limit", req.version(), false));
    }
    stream_.expires_never();
    std::make_shared<websocket_session>(stream_.release_socket(), st_, std::move(room), a.claims, !st_.opts.no_auth)->run(std::move(req));
  }

  void handle(bhttp::request<bhttp::string_body> req) {
    st_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
    auto r = std::make_shared<http::request>(to_request(req, ip_));
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == bhttp::verb::head;
    auto self = shared_from_this();
    st_.router.dispatch(*r, [self, r, version, keep_alive, head](http::response resp) {
      net::post(self->stream_.get_executor(), [self, resp = std::move(resp), version, keep_alive, head]() mutable {
        self->write(self->build(std::move(resp), version, keep_alive, head));
      });
    });
  }

  static bhttp::response<bhttp::string_body> build(http::response resp, unsigned version, bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), version};
    res.set(bhttp::field::server, "tandem");
    res.set(bhttp::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    const auto size = resp.body.size();
    if (!head) res.body() = std::move(resp.body);
    res.content_length(size);
    return res;
  }

  static bhttp::response<bhttp::string_body> simple(int status, std::string reason, unsigned version, bool keep_alive) {
    return build(http::json_error(status, reason), version, keep_alive, false);
  }

  void write(bhttp::response<bhttp::string_body> res) {
    auto sp = std::make_shared<bhttp::response<bhttp::string_body>>(std::move(res));
    stream_.expires_after(std::chrono::seconds(30));
    bhttp::async_write(stream_, *sp, [self = shared_from_this(), sp](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!sp->keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->do_read();
    });
  }

  beast::tcp_stream stream_;
  shared_state& st_;
  std::string ip_;
  beast::flat_buffer buf_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

// ---------------------------------------------------------------- listener

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, tcp::endpoint ep, shared_state& st, beast::error_code& ec) : ioc_(ioc), acceptor_(net::make_strand(ioc)), st_(st) {
    acceptor_.open(ep.protocol(), ec);
    if (ec) return;
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return;
    acceptor_.bind(ep, ec);
    if (ec) return;
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  }
  void run() { do_accept(); }
  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void do_accept() { acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&listener::on_accept, shared_from_this())); }
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      beast::error_code e2;
      auto ep = socket.remote_endpoint(e2);
      socket.set_option(tcp::no_delay(true), e2);
      std::make_shared<http_session>(std::move(socket), st_, e2 ? std::string("?") : ep.address().to_string())->run();
    } else if (ec == net::error::no_descriptors) {
      spdlog::warn("accept: out of file descriptors");
    }
    do_accept();
  }
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  shared_state& st_;
};

// ---------------------------------------------------------------- routes

std::string mime_type(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

http::response serve_static(const std::string& root, const std::string& path) {
  namespace fs = std::filesystem;
  if (root.empty()) return http::json_error(404, "not found (no static client configured)");
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) return http::json_error(400, "bad path");
  fs::path p = fs::path(root) / (path.size() > 1 ? path.substr(1) : std::string("index.html"));
  std::error_code ec;
  if (fs::is_directory(p, ec)) p /= "index.html";
  if (!fs::is_regular_file(p, ec)) {
    // SPA fallback: client-side routes (no file extension) get index.html.
    if (fs::path(path).has_extension()) return http::json_error(404, "not found");
    p = fs::path(root) / "index.html";
    if (!fs::is_regular_file(p, ec)) return http::json_error(404, "not found");
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) return http::json_error(404, "not found");
  http::response r;
  r.content_type = mime_type(p);
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

void register_core_routes(shared_state& st) {
  auto& rt = st.router;
  rt.add("GET", "/healthz", [](const http::request&, const http::params&, http::responder respond) {
    respond(http::json_response(200, R"({"status":"ok"})"));
  });
  rt.add("GET", "/readyz", [&st](const http::request&, const http::params&, http::responder respond) {
    if (st.draining.load()) return respond(http::json_error(503, "shutting down"));
    boost::json::object o;
    o["status"] = "ready";
    o["rooms"] = st.rooms->size();
    o["store"] = st.store->name();
    respond(http::json_response(200, boost::json::serialize(o)));
  });
  rt.add("GET", "/metrics", [&st](const http::request&, const http::params&, http::responder respond) {
    http::response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = st.stats.render();
    respond(std::move(r));
  });
  auto with_room = [&st](const http::request& req, const std::string& doc, bool write, const http::responder& respond,
                         const std::function<void(std::shared_ptr<room>)>& fn) {
    auto a = authorize(st, req, doc, write);
    if (a.status != 200) {
      st.stats.reject(a.status == 400 ? reject_reason::bad_doc_name : a.status == 401 ? reject_reason::unauthorized : reject_reason::forbidden);
      return respond(http::json_error(a.status, a.reason));
    }
    fn(st.rooms->acquire(doc));
  };
  rt.add("GET", "/api/docs/{name+}/update", [&st, with_room](const http::request& req, const http::params& p, http::responder respond) {
    with_room(req, p.at("name"), false, respond, [&st, respond](std::shared_ptr<room> r) {
      r->get_state([&st, r, respond](result<std::string> s) {
        st.rooms->release(r);
        if (!s) return respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
        http::response resp;
        resp.content_type = "application/octet-stream";
        resp.body = std::move(s.value());
        respond(std::move(resp));
      });
    });
  });
  rt.add("GET", "/api/docs/{name+}/json", [&st, with_room](const http::request& req, const http::params& p, http::responder respond) {
    with_room(req, p.at("name"), false, respond, [&st, respond](std::shared_ptr<room> r) {
      r->get_json([&st, r, respond](result<std::string> s) {
        st.rooms->release(r);
        if (!s) return respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
        respond(http::json_response(200, std::move(s.value())));
      });
    });
  });
  rt.add("POST", "/api/docs/{name+}/update", [&st, with_room](const http::request& req, const http::params& p, http::responder respond) {
    if (req.body.empty()) return respond(http::json_error(400, "empty body: send one v1 update"));
    with_room(req, p.at("name"), true, respond, [&st, respond, body = req.body](std::shared_ptr<room> r) {
      r->post_update(body, [&st, r, respond](status s) {
        st.rooms->release(r);
        if (!s) return respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
        respond(http::json_response(200, R"({"ok":true})"));
      });
    });
  });
}

// GET /api/docs/<name>/export.pdf|.png: the room hands over its full state, the render
// runs on the blocking pool on a private copy. ?with-plan=<doc> appends that plan's pages
// (session export); the token must be able to read both documents.
void register_export_routes(shared_state& st) {
  auto handler = [&st](bool png) {
    return [&st, png](const http::request& req, const http::params& p, http::responder respond) {
      std::string name = p.at("name");
      std::optional<std::string> plan_name;
      if (auto it = req.query.find("with-plan"); it != req.query.end() && !it->second.empty()) {
        if (png) return respond(http::json_error(400, "with-plan needs the PDF format"));
        plan_name = it->second;
      }
      for (const std::string* doc : {&name, plan_name ? &*plan_name : nullptr}) {
        if (!doc) continue;
        auto a = authorize(st, req, *doc, false);
        if (a.status != 200) return respond(http::json_error(a.status, a.reason));
      }
      auto query = req.query;
      // Fetch one document's state through its room (durable state, pending included).
      auto fetch = [&st](const std::string& doc, std::function<void(result<std::string>)> done) {
        auto r = st.rooms->acquire(doc);
        r->get_state([&st, r, done = std::move(done)](result<std::string> s) {
          st.rooms->release(r);
          done(std::move(s));
        });
      };
      auto run = [&st, respond, query, png, name](std::string state, std::optional<std::string> plan_state) {
        net::post(*st.blocking, [&st, respond, query, png, name, state = std::move(state), plan_state = std::move(plan_state)] {
          respond(run_export(state, plan_state, query, png, name, st.hooks.fetch_image));
        });
      };
      fetch(name, [fetch, run, respond, plan_name](result<std::string> s) {
        if (!s) return respond(http::json_error(s.err().code ? s.err().code : 500, s.err().message));
        if (!plan_name) return run(std::move(s.value()), std::nullopt);
        fetch(*plan_name, [run, respond, board = std::move(s.value())](result<std::string> ps) mutable {
          if (!ps) return respond(http::json_error(ps.err().code ? ps.err().code : 500, ps.err().message));
          run(std::move(board), std::move(ps.value()));
        });
      });
    };
  };
  st.router.add("GET", "/api/docs/{name+}/export.pdf", handler(false));
  st.router.add("GET", "/api/docs/{name+}/export.png", handler(true));
}

void register_static_routes(shared_state& st) {
  auto h = [&st](const http::request& req, const http::params&, http::responder respond) { respond(serve_static(st.opts.static_dir, req.path)); };
  st.router.add("GET", "/", h);
  st.router.add("GET", "/{path+}", h);
}

}  // namespace

void add_route_registrar(route_registrar r) { registrars().push_back(std::move(r)); }

int run_server(const server_options& o) {
  auto st = std::make_unique<shared_state>(o);
  if (o.no_auth) {
    spdlog::warn("**************************************************************");
    spdlog::warn("* --no-auth: EVERY client may read and write EVERY document. *");
    spdlog::warn("* Development only. Binding to loopback.                      *");
    spdlog::warn("**************************************************************");
    beast::error_code ec;
    auto addr = net::ip::make_address(o.host, ec);
    if (ec || !addr.is_loopback()) {
      spdlog::error("--no-auth refuses to listen on non-loopback address {}", o.host);
      return 2;
    }
  }
  if (o.memory_store) {
    st->store = make_memory_store();
  } else {
    auto s = open_data_store(o.data_dir, o.relaxed_durability);
    if (!s) {
      spdlog::error("cannot open data store in {}: {}", o.data_dir, s.err().message);
      return 1;
    }
    st->store = std::move(s.value());
  }
  if (!o.no_auth) {  // after the store: a fresh store refuses a directory that already holds files
    auto s = auth::load_or_create_secret(o.data_dir);
    if (!s) {
      spdlog::error("{}", s.err().message);
      return 1;
    }
    st->secret = std::move(s.value());
    // Self-check of the signing key before accepting anyone. It also initialises OpenSSL's
    // digest provider now instead of inside the first connection's upgrade.
    auth::claims probe;
    probe.user = "startup-check";
    probe.role_ = auth::role::viewer;
    probe.prefix = "startup-check";
    probe.expires_at = unix_now() + 60;
    if (!std::holds_alternative<auth::claims>(auth::verify(auth::sign(probe, st->secret), st->secret, unix_now()))) {
      spdlog::error("the token signing secret does not verify its own tokens");
      return 1;
    }
  }
  if (std::string(st->store->name()) == "memory")
    spdlog::warn("documents are kept in memory only: they are lost when the server stops");

  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(static_cast<int>(threads));
  st->blocking = std::make_unique<net::thread_pool>(2);
  room_options ro;
  ro.idle_unload = o.idle_unload;
  ro.compact_log_count = o.compact_log_count;
  ro.on_idle_unload = [sp = st.get()](const std::string& doc) {
    if (sp->hooks.on_idle_unload) sp->hooks.on_idle_unload(doc);
  };
  st->rooms = std::make_unique<room_registry>(ioc, *st->store, *st->blocking, st->stats, ro);
  st->rooms->limits.max_connections_per_room = o.max_connections_per_room;

  register_core_routes(*st);
  register_export_routes(*st);
  for (auto& r : registrars()) r(st->router);
  {
    shared_state* sp = st.get();
    auto& h = st->hooks;
    h.authenticate = [sp](const http::request& req) -> std::variant<auth::claims, http::response> {
      if (sp->opts.no_auth) {
        auth::claims c;
        c.user = "dev";
        c.name = "Developer";
        c.role_ = auth::role::admin;
        c.prefix = "*";
        return c;
      }
      const std::string token = bearer_or_query(req);
      if (token.empty()) return http::json_error(401, "missing token");
      auto v = auth::verify(token, sp->secret, unix_now());
      if (auto* e = std::get_if<auth::verify_error>(&v)) return http::json_error(401, e->reason);
      auto c = std::get<auth::claims>(std::move(v));
      if (sp->hooks.is_revoked && sp->hooks.is_revoked(c.token_id)) return http::json_error(401, "token revoked");
      return c;
    };
    h.sign = [sp](const auth::claims& c) { return auth::sign(c, sp->secret); };
    h.apply_update = [sp](const std::string& doc, std::string update, std::function<void(status)> done) {
      if (!auth::valid_doc_name(doc)) return done(error{"invalid document name", 0, 400});
      auto r = sp->rooms->acquire(doc);
      r->post_update(std::move(update), [sp, r, done = std::move(done)](status s) {
        sp->rooms->release(r);
        done(std::move(s));
      });
    };
    h.get_state = [sp](const std::string& doc, std::function<void(result<std::string>)> done) {
      if (!auth::valid_doc_name(doc)) return done(error{"invalid document name", 0, 400});
      auto r = sp->rooms->acquire(doc);
      r->get_state([sp, r, done = std::move(done)](result<std::string> s) {
        sp->rooms->release(r);
        done(std::move(s));
      });
    };
    h.run_blocking = [sp](std::function<void()> fn) { net::post(*sp->blocking, std::move(fn)); };
    h.close_token_connections = [sp](const std::string& id) {
      std::vector<std::shared_ptr<room_client>> victims;
      {
        std::lock_guard lock(sp->conns_mu);
        auto [b, e] = sp->conns_by_token.equal_range(id);
        for (auto it = b; it != e; ++it)
          if (auto c = it->second.lock()) victims.push_back(std::move(c));
      }
      for (auto& c : victims) c->close(4403, "token revoked");
    };
    st->domain = install_domain_routes(*st->store, st->router, h);
    if (st->domain) spdlog::info("domain REST routes installed (workspaces, sessions, versions, feedback)");
  }
  register_static_routes(*st);

  beast::error_code ec;
  auto addr = net::ip::make_address(o.host, ec);
  if (ec) {
    spdlog::error("invalid listen address {}: {}", o.host, ec.message());
    return 2;
  }
  auto lst = std::make_shared<listener>(ioc, tcp::endpoint{addr, o.port}, *st, ec);
  if (ec) {
    spdlog::error("cannot listen on {}:{}: {}", o.host, o.port, ec.message());
    return 1;
  }
  lst->run();
  spdlog::info("tandem listening on {}:{} (store {}, {} threads, static {})", o.host, lst->port(), st->store->name(), threads,
               o.static_dir.empty() ? "off" : o.static_dir);

  // Shutdown: stop accepting, close clients with 1001, let storage flush, exit within 5 s.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  net::steady_timer drain_timer(ioc);
  auto deadline = std::make_shared<std::chrono::steady_clock::time_point>();
  std::function<void()> poll;
  poll = [&] {
    if (st->sessions.load() == 0 || std::chrono::steady_clock::now() >= *deadline) {
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](beast::error_code) { poll(); });
  };
  signals.async_wait([&](beast::error_code e, int sig) {
    if (e) return;
    spdlog::info("signal {}: shutting down", sig);
    st->draining.store(true);
    lst->stop();
    st->rooms->close_all(1001, "server shutting down");
    *deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    poll();
  });

  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  st->blocking->join();
  st->store->flush();
  spdlog::info("stopped; storage flushed");
  // Rooms hold timers bound to ioc: drop them before ioc goes away.
  st->rooms.reset();
  st->domain.reset();
  st->store.reset();
  return 0;
}

}  // namespace tandem::server
