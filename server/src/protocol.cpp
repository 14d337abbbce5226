// y-websocket message framing: parse one frame into a typed message, encode replies.
#include "tandem/server/protocol.hpp"

#include "tandem/server/lib0.hpp"

namespace tandem::server::protocol {
namespace {

parse_error malformed(const error& e) { return {error_kind::malformed, e}; }

template <class M>
std::variant<message, parse_error> finish(lib0::decoder& d, M msg) {
  if (!d.at_end()) return malformed(error{"trailing bytes after message", d.offset()});
  return message{msg};
}

std::string with_header(std::uint64_t a, std::uint64_t b, bytes_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  lib0::write_var_uint(out, a);
  lib0::write_var_uint(out, b);
  lib0::write_var_bytes(out, payload);
  return out;
}

}  // namespace

std::variant<message, parse_error> parse(bytes_view frame) {
  lib0::decoder d(frame);
  auto type = d.read_var_uint();
  if (!type) return malformed(type.err());
  switch (type.value()) {
    case static_cast<std::uint64_t>(outer::sync): {
      const std::size_t sub_at = d.offset();
      auto sub = d.read_var_uint();
      if (!sub) return malformed(sub.err());
      if (sub.value() > 2) return parse_error{error_kind::unknown_type, {"unknown sync message type " + std::to_string(sub.value()), sub_at}};
      auto payload = d.read_var_bytes();
      if (!payload) return malformed(payload.err());
      switch (sub.value()) {
        case 0: return finish(d, sync_step1{payload.value()});
        case 1: return finish(d, sync_step2{payload.value()});
        default: return finish(d, sync_update{payload.value()});
      }
    }
    case static_cast<std::uint64_t>(outer::awareness): {
      auto payload = d.read_var_bytes();
      if (!payload) return malformed(payload.err());
      return finish(d, awareness_msg{payload.value()});
    }
    case static_cast<std::uint64_t>(outer::auth): {
      const std::size_t sub_at = d.offset();
      auto sub = d.read_var_uint();
      if (!sub) return malformed(sub.err());
      if (sub.value() == 0) {
        auto reason = d.read_var_string();
        if (!reason) return malformed(reason.err());
        return finish(d, auth_msg{true, reason.value()});
      }
      if (sub.value() == 1) return finish(d, auth_msg{false, {}});  // granted (yrs extension)
      return parse_error{error_kind::unknown_type, {"unknown auth message type " + std::to_string(sub.value()), sub_at}};
    }
    case static_cast<std::uint64_t>(outer::query_awareness):
      return finish(d, query_awareness_msg{});
    default:
      return parse_error{error_kind::unknown_type, {"unknown message type " + std::to_string(type.value()), 0}};
  }
}

std::string encode_sync_step1(bytes_view sv) { return with_header(0, 0, sv); }
std::string encode_sync_step2(bytes_view update) { return with_header(0, 1, update); }
std::string encode_sync_update(bytes_view update) { return with_header(0, 2, update); }

std::string encode_awareness(bytes_view awareness_update) {
  std::string out;
  lib0::write_var_uint(out, 1);
  lib0::write_var_bytes(out, awareness_update);
  return out;
}

std::string encode_auth_denied(std::string_view reason) {
  std::string out;
  lib0::write_var_uint(out, 2);
  lib0::write_var_uint(out, 0);
  lib0::write_var_string(out, reason);
  return out;
}

std::string encode_query_awareness() { return std::string(1, '\x03'); }

}  // namespace tandem::server::protocol
