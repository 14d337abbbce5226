// Token signing/verification (HMAC-SHA256, constant-time compare), doc-name grammar,
// prefix matching and the signing secret file.
#include "tandem/server/auth.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::server::auth {

std::optional<role> parse_role(std::string_view s) {
  if (s == "viewer") return role::viewer;
  if (s == "mentee") return role::mentee;
  if (s == "mentor") return role::mentor;
  if (s == "admin") return role::admin;
  return std::nullopt;
}

std::string_view to_string(role r) {
  switch (r) {
    case role::viewer: return "viewer";
    case role::mentee: return "mentee";
    case role::mentor: return "mentor";
    case role::admin: return "admin";
  }
  return "viewer";
}

namespace {
constexpr char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out.data(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}
}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += b64chars[(v >> 18) & 63];
    out += b64chars[(v >> 12) & 63];
    out += b64chars[(v >> 6) & 63];
    out += b64chars[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += b64chars[(v >> 18) & 63];
    out += b64chars[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += b64chars[(v >> 18) & 63];
    out += b64chars[(v >> 12) & 63];
    out += b64chars[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = b64val(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

std::string sign(const claims& c, std::string_view secret) {
  boost::json::object o;
  o["sub"] = c.user;
  o["name"] = c.name;
  o["role"] = std::string(to_string(c.role_));
  o["prefix"] = c.prefix;
  o["exp"] = c.expires_at;
  if (!c.token_id.empty()) o["jti"] = c.token_id;
  const std::string payload = base64url_encode(boost::json::serialize(o));
  return payload + "." + base64url_encode(hmac_sha256(secret, payload));
}

std::variant<claims, verify_error> verify(std::string_view token, std::string_view secret, std::int64_t now) {
  auto bad = [](std::string r) { return verify_error{failure::malformed, std::move(r)}; };
  if (token.empty()) return bad("missing token");
  if (token.size() > 4096) return bad("token too long");
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) return bad("token must have two parts");
  const auto payload_b64 = token.substr(0, dot);
  auto sig = base64url_decode(token.substr(dot + 1));
  if (!sig) return bad("token signature is not base64url");
  const std::string expected = hmac_sha256(secret, payload_b64);
  if (sig->size() != expected.size() || CRYPTO_memcmp(sig->data(), expected.data(), expected.size()) != 0)
    return verify_error{failure::bad_signature, "token signature does not match"};
  auto payload = base64url_decode(payload_b64);
  if (!payload) return bad("token payload is not base64url");
  boost::system::error_code ec;
  auto v = boost::json::parse(*payload, ec);
  if (ec || !v.is_object()) return bad("token payload is not a JSON object");
  const auto& o = v.as_object();
  auto str = [&](const char* k) -> const boost::json::string* {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? &it->value().as_string() : nullptr;
  };
  const auto* sub = str("sub");
  const auto* name = str("name");
  const auto* r = str("role");
  const auto* prefix = str("prefix");
  auto exp_it = o.find("exp");
  if (!sub || !name || !r || !prefix || exp_it == o.end() || !exp_it->value().is_int64()) return bad("token payload misses a field");
  auto parsed_role = parse_role(std::string_view(r->data(), r->size()));
  if (!parsed_role) return bad("token has an unknown role");
  claims c;
  c.user.assign(sub->data(), sub->size());
  c.name.assign(name->data(), name->size());
  c.role_ = *parsed_role;
  c.prefix.assign(prefix->data(), prefix->size());
  c.expires_at = exp_it->value().as_int64();
  if (auto jti = o.find("jti"); jti != o.end()) {
    if (!jti->value().is_string()) return bad("token id is not a string");
    c.token_id.assign(jti->value().as_string().data(), jti->value().as_string().size());
  }
  if (c.expires_at <= now) return verify_error{failure::expired, "token expired"};
  return c;
}

bool valid_doc_name(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  for (char ch : name) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                    ch == '~' || ch == '/' || ch == '-';
    if (!ok) return false;
  }
  if (name.find("..") != std::string_view::npos) return false;
  if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos) return false;
  return true;
}

bool prefix_covers(const claims& c, std::string_view doc) {
  if (c.prefix == "*") return c.role_ == role::admin;
  if (c.prefix.empty()) return false;
  if (doc.size() < c.prefix.size() || doc.substr(0, c.prefix.size()) != c.prefix) return false;
  return doc.size() == c.prefix.size() || doc[c.prefix.size()] == '/' || c.prefix.back() == '/';
}

std::optional<std::int64_t> parse_ttl(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t mult = 1;
  switch (s.back()) {
    case 's': mult = 1; s.remove_suffix(1); break;
    case 'm': mult = 60; s.remove_suffix(1); break;
    case 'h': mult = 3600; s.remove_suffix(1); break;
    case 'd': mult = 86400; s.remove_suffix(1); break;
    case 'w': mult = 7 * 86400; s.remove_suffix(1); break;
    default: break;
  }
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
    if (v > 100LL * 365 * 86400) return std::nullopt;
  }
  if (v <= 0) return std::nullopt;
  return v * mult;
}

result<std::string> load_or_create_secret(const std::string& data_dir) {
  if (const char* env = std::getenv("TANDEM_SECRET"); env != nullptr && *env != '\0') return std::string(env);
  namespace fs = std::filesystem;
  std::error_code fec;
  fs::create_directories(data_dir, fec);
  if (fec) return error{"cannot create data directory " + data_dir + ": " + fec.message()};
  const std::string path = (fs::path(data_dir) / "secret").string();
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
      if (s.size() < 16) return error{"secret file " + path + " is too short"};
      return s;
    }
    std::array<unsigned char, 32> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return error{"cannot generate a random secret"};
    const std::string secret = base64url_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;  // another process created it first: read theirs
      return error{"cannot create secret file " + path + ": " + std::strerror(errno)};
    }
    const std::string line = secret + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return error{"cannot write secret file " + path};
    return secret;
  }
  return error{"cannot read secret file " + path};
}

}  // namespace tandem::server::auth
