// Signed access tokens and document-name rules (DESIGN.md "Auth"). A token is
// base64url(payload JSON) "." base64url(HMAC-SHA256(secret, first part)); the signature is
// compared in constant time. Pure functions except load_or_create_secret.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "tandem/server/result.hpp"

namespace tandem::server::auth {

enum class role : std::uint8_t { viewer, mentee, mentor, admin };
[[nodiscard]] std::optional<role> parse_role(std::string_view s);
[[nodiscard]] std::string_view to_string(role r);
[[nodiscard]] inline bool can_write(role r) { return r != role::viewer; }

struct claims {
  std::string user;
  std::string name;
  role role_ = role::viewer;
  std::string prefix;
  std::int64_t expires_at = 0;  // seconds since the Unix epoch
  std::string token_id;         // "jti": set for invite tokens so they can be revoked; may be empty
};

[[nodiscard]] std::string sign(const claims& c, std::string_view secret);

enum class failure : std::uint8_t { malformed, bad_signature, expired };
struct verify_error {
  failure kind;
  std::string reason;
};
// Checks format, signature (constant time) and expiry at `now` (seconds since epoch).
[[nodiscard]] std::variant<claims, verify_error> verify(std::string_view token, std::string_view secret, std::int64_t now);

// DESIGN grammar: 1-200 bytes of [A-Za-z0-9._~/-], no "..", no empty segment.
[[nodiscard]] bool valid_doc_name(std::string_view name);
// Prefix matches whole segments; "*" (admin role only) opens everything.
[[nodiscard]] bool prefix_covers(const claims& c, std::string_view doc);

// "7d", "12h", "30m", "45s" or plain seconds; nullopt when malformed or not positive.
[[nodiscard]] std::optional<std::int64_t> parse_ttl(std::string_view s);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// TANDEM_SECRET if set, else <data_dir>/secret (created with 32 random bytes, mode 0600).
[[nodiscard]] result<std::string> load_or_create_secret(const std::string& data_dir);

}  // namespace tandem::server::auth
