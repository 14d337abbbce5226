// `tandem serve`, `tandem token`, `tandem admin-token`: parse flags (each also a TANDEM_*
// environment variable) and call into tandem_server.
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "tandem/server/auth.hpp"
#include "tandem/server/server.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::cli {
namespace {

struct serve_flags {
  std::string listen = "127.0.0.1:8080";
  std::string log_format = "text";
  std::string log_level = "info";
  std::string durability = "full";
  std::size_t max_message_mib = 16;
  std::size_t max_queue_mib = 32;
  unsigned idle_unload_s = 30;
  unsigned preauth_s = 10;
  unsigned ping_s = 30;
  bool no_deflate = false;
  server::server_options o;
};

[[noreturn]] void fail(const std::string& msg, int code = 2) {
  std::cerr << "error: " << msg << "\n";
  throw CLI::RuntimeError(code);
}

// %j: the log message escaped as the inside of a JSON string.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* hexd = "0123456789abcdef";
    for (char ch : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(ch);
      } else if (c < 0x20) {
        const char esc[] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
        dest.append(esc, esc + 6);
      } else {
        dest.push_back(ch);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message_flag>(); }
};

void setup_logging(const std::string& format, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("tandem");
  spdlog::set_default_logger(logger);
  if (format == "json") {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<json_message_flag>('j').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","thread":%t,"msg":"%j"})");
    spdlog::set_formatter(std::move(f));
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }
  spdlog::set_level(spdlog::level::from_str(level));
}

std::string default_static_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
#ifdef TANDEM_SOURCE_DIR_FOR_STATIC
  if (fs::is_directory(fs::path(TANDEM_SOURCE_DIR_FOR_STATIC) / "client-js" / "dist", ec))
    return (fs::path(TANDEM_SOURCE_DIR_FOR_STATIC) / "client-js" / "dist").string();
#endif
  if (fs::is_directory("client-js/dist", ec)) return "client-js/dist";
  return {};
}

void split_listen(const std::string& listen, server::server_options& o) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) fail("--listen must be HOST:PORT, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    fail("--listen port must be 0..65535, got '" + listen.substr(colon + 1) + "'");
  }
  o.host = host;
  o.port = static_cast<std::uint16_t>(port);
}

void add_token_command(CLI::App& app, bool admin) {
  struct token_flags {
    std::string user, name, role = "mentee", prefix, ttl = "7d", data = "./tandem-data";
  };
  auto f = std::make_shared<token_flags>();
  auto* cmd = app.add_subcommand(admin ? "admin-token" : "token",
                                 admin ? "Print an admin token (role admin, prefix *)" : "Print a signed access token on the last line");
  if (admin) {
    f->user = "admin";
    f->name = "Administrator";
    f->ttl = "1d";
    cmd->add_option("--user", f->user, "User id")->envname("TANDEM_TOKEN_USER")->capture_default_str();
    cmd->add_option("--name", f->name, "Display name")->envname("TANDEM_TOKEN_NAME")->capture_default_str();
  } else {
    cmd->add_option("--user", f->user, "User id")->required()->envname("TANDEM_TOKEN_USER");
    cmd->add_option("--name", f->name, "Display name")->required()->envname("TANDEM_TOKEN_NAME");
    cmd->add_option("--role", f->role, "mentor | mentee | viewer")->envname("TANDEM_TOKEN_ROLE")->capture_default_str();
    cmd->add_option("--prefix", f->prefix, "Document prefix the token opens (whole segments)")->required()->envname("TANDEM_TOKEN_PREFIX");
  }
  cmd->add_option("--ttl", f->ttl, "Lifetime: 30s, 15m, 12h, 7d")->envname("TANDEM_TOKEN_TTL")->capture_default_str();
  cmd->add_option("--data", f->data, "Data directory (holds the signing secret)")->envname("TANDEM_DATA")->capture_default_str();
  cmd->callback([f, admin] {
    server::auth::claims c;
    c.user = f->user;
    c.name = f->name;
    if (admin) {
      c.role_ = server::auth::role::admin;
      c.prefix = "*";
    } else {
      auto r = server::auth::parse_role(f->role);
      if (!r || *r == server::auth::role::admin) fail("--role must be mentor, mentee or viewer (got '" + f->role + "'); use admin-token for admin");
      c.role_ = *r;
      if (f->prefix == "*") fail("prefix '*' is for admin tokens only");
      if (!server::auth::valid_doc_name(f->prefix)) fail("--prefix must follow the document name grammar, got '" + f->prefix + "'");
      c.prefix = f->prefix;
    }
    if (c.user.empty()) fail("--user must not be empty");
    auto ttl = server::auth::parse_ttl(f->ttl);
    if (!ttl) fail("--ttl must be like 30s, 15m, 12h or 7d, got '" + f->ttl + "'");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.expires_at = now + *ttl;
    // A token minted before the first `serve` must not leave the directory holding only
    // the secret file: the store refuses a non-empty directory without its marker. So an
    // empty or missing data directory becomes a store first.
    std::error_code fs_ec;
    if (!std::filesystem::exists(f->data, fs_ec) || std::filesystem::is_empty(f->data, fs_ec)) {
      storage::options so;
      so.dir = f->data;
      auto st = storage::store::open(so);
      if (!st) fail("cannot create the data directory " + f->data + ": " + st.err().message, 1);
    }
    auto secret = server::auth::load_or_create_secret(f->data);
    if (!secret) fail(secret.err().message, 1);
    std::cout << server::auth::sign(c, secret.value()) << std::endl;
  });
}

}  // namespace

void register_serve_commands(CLI::App& app) {
  auto f = std::make_shared<serve_flags>();
  auto& o = f->o;
  auto* cmd = app.add_subcommand("serve", "Run the collaboration server (HTTP + WebSocket on one port)");
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on")->envname("TANDEM_LISTEN")->capture_default_str();
  cmd->add_option("--data", o.data_dir, "Data directory")->envname("TANDEM_DATA")->capture_default_str();
  cmd->add_option("--static", o.static_dir, "Directory of the built web client (default: client-js/dist)")->envname("TANDEM_STATIC");
  cmd->add_flag("--no-auth", o.no_auth, "DEVELOPMENT ONLY: accept every client without a token (loopback only)")->envname("TANDEM_NO_AUTH");
  cmd->add_option("--threads", o.threads, "I/O threads (0 = one per core)")->envname("TANDEM_THREADS")->capture_default_str();
  cmd->add_option("--max-message-mib", f->max_message_mib, "Largest WebSocket message / HTTP body in MiB")->envname("TANDEM_MAX_MESSAGE_MIB")->capture_default_str();
  cmd->add_option("--max-connections", o.max_connections, "Open WebSocket connections in total")->envname("TANDEM_MAX_CONNECTIONS")->capture_default_str();
  cmd->add_option("--max-room-connections", o.max_connections_per_room, "Connections per document")->envname("TANDEM_MAX_ROOM_CONNECTIONS")->capture_default_str();
  cmd->add_option("--ip-rate", o.ip_rate, "New connections per second per remote IP (loopback exempt; 0 = off)")->envname("TANDEM_IP_RATE")->capture_default_str();
  cmd->add_option("--ip-burst", o.ip_burst, "Burst allowance of --ip-rate")->envname("TANDEM_IP_BURST")->capture_default_str();
  cmd->add_option("--max-queue-mib", f->max_queue_mib, "Outbound bytes queued per connection before it is closed with 1013")->envname("TANDEM_MAX_QUEUE_MIB")->capture_default_str();
  cmd->add_option("--preauth-timeout", f->preauth_s, "Seconds a client has to send a complete request")->envname("TANDEM_PREAUTH_TIMEOUT")->capture_default_str();
  cmd->add_option("--ping-interval", f->ping_s, "Seconds between WebSocket pings on idle connections")->envname("TANDEM_PING_INTERVAL")->capture_default_str();
  cmd->add_option("--idle-unload", f->idle_unload_s, "Seconds before an unused document is compacted and unloaded")->envname("TANDEM_IDLE_UNLOAD")->capture_default_str();
  cmd->add_option("--compact-after", o.compact_log_count, "Compact a document when its log holds this many updates")->envname("TANDEM_COMPACT_AFTER")->capture_default_str();
  cmd->add_flag("--no-deflate", f->no_deflate, "Disable permessage-deflate")->envname("TANDEM_NO_DEFLATE");
  cmd->add_option("--durability", f->durability, "full (fsync per group commit) | relaxed (periodic sync)")->envname("TANDEM_DURABILITY")->capture_default_str();
  cmd->add_flag("--memory", o.memory_store, "Keep documents in memory only (tests)")->envname("TANDEM_MEMORY");
  cmd->add_option("--log-format", f->log_format, "text | json")->envname("TANDEM_LOG_FORMAT")->capture_default_str();
  cmd->add_option("--log-level", f->log_level, "trace | debug | info | warn | error")->envname("TANDEM_LOG_LEVEL")->capture_default_str();
  cmd->callback([f] {
    auto& o = f->o;
    if (f->log_format != "text" && f->log_format != "json") fail("--log-format must be text or json");
    if (f->durability != "full" && f->durability != "relaxed") fail("--durability must be full or relaxed");
    split_listen(f->listen, o);
    if (f->max_message_mib == 0 || f->max_message_mib > 1024) fail("--max-message-mib must be 1..1024");
    o.max_message_bytes = f->max_message_mib << 20;
    o.max_queue_bytes = f->max_queue_mib << 20;
    o.idle_unload = std::chrono::seconds(f->idle_unload_s);
    o.preauth_timeout = std::chrono::seconds(std::max(1u, f->preauth_s));
    o.ping_interval = std::chrono::seconds(std::max(1u, f->ping_s));
    o.deflate = !f->no_deflate;
    o.relaxed_durability = f->durability == "relaxed";
    if (o.static_dir.empty()) o.static_dir = default_static_dir();
    setup_logging(f->log_format, f->log_level);
    // Many idle WebSockets need many descriptors: raise the soft limit to the hard one.
    if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      (void)::setrlimit(RLIMIT_NOFILE, &rl);
    }
    const int rc = server::run_server(o);
    if (rc != 0) {
      std::cerr << "error: server failed to start (see log above)\n";
      throw CLI::RuntimeError(rc);
    }
  });
  add_token_command(app, false);
  add_token_command(app, true);
}

}  // namespace tandem::cli
