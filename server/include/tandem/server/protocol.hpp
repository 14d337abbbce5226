// The y-websocket wire protocol as pure functions on bytes: one binary frame = one outer
// message (0 sync, 1 awareness, 2 auth, 3 query awareness); sync has sub-types 0 step1,
// 1 step2, 2 update. Parsing is strict: unknown types and trailing bytes are errors.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "tandem/server/result.hpp"

namespace tandem::server::protocol {

using bytes_view = std::string_view;

enum class outer : std::uint8_t { sync = 0, awareness = 1, auth = 2, query_awareness = 3 };
enum class sync_type : std::uint8_t { step1 = 0, step2 = 1, update = 2 };

struct sync_step1 { bytes_view state_vector; };
struct sync_step2 { bytes_view update; };
struct sync_update { bytes_view update; };
struct awareness_msg { bytes_view update; };
struct auth_msg { bool denied = true; std::string_view reason; };
struct query_awareness_msg {};

using message = std::variant<sync_step1, sync_step2, sync_update, awareness_msg, auth_msg, query_awareness_msg>;

// Which WebSocket close code a parse error deserves.
enum class error_kind : std::uint8_t {
  malformed,     // truncated, bad varint, trailing bytes -> 1007 invalid payload
  unknown_type,  // unknown outer/inner message type -> 1002 protocol error
};
struct parse_error {
  error_kind kind;
  error err;
};

// Views in the returned message point into `frame`; keep it alive while using them.
[[nodiscard]] std::variant<message, parse_error> parse(bytes_view frame);

[[nodiscard]] std::string encode_sync_step1(bytes_view state_vector);
[[nodiscard]] std::string encode_sync_step2(bytes_view update);
[[nodiscard]] std::string encode_sync_update(bytes_view update);
[[nodiscard]] std::string encode_awareness(bytes_view awareness_update);
[[nodiscard]] std::string encode_auth_denied(std::string_view reason);
[[nodiscard]] std::string encode_query_awareness();

// The smallest valid v1 update: no structs, empty delete set.
inline constexpr std::string_view empty_update{"\x00\x00", 2};

}  // namespace tandem::server::protocol
