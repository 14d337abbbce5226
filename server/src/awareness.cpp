// Awareness update codec and the clock rules of y-protocols' applyAwarenessUpdate.
#include "tandem/server/awareness.hpp"

#include <boost/json/parse.hpp>

#include "tandem/server/lib0.hpp"

namespace tandem::server::awareness {

result<std::vector<entry>> decode_update(std::string_view update, std::size_t max_entries) {
  lib0::decoder d(update);
  auto n = d.read_var_uint();
  if (!n) return n.err();
  if (n.value() > max_entries) return error{"awareness update has too many entries", 0};
  // Each entry takes at least 3 bytes; a count beyond that is a lie, refuse before reserving.
  if (n.value() > d.remaining() / 3) return error{"awareness entry count exceeds message size", 0};
  std::vector<entry> out;
  out.reserve(static_cast<std::size_t>(n.value()));
  for (std::uint64_t i = 0; i < n.value(); ++i) {
    entry e;
    auto id = d.read_var_uint();
    if (!id) return id.err();
    auto clock = d.read_var_uint();
    if (!clock) return clock.err();
    const std::size_t json_at = d.offset();
    auto json = d.read_var_string();
    if (!json) return json.err();
    boost::system::error_code ec;
    (void)boost::json::parse(json.value(), ec);
    if (ec) return error{"awareness state is not valid JSON", json_at};
    e.client_id = id.value();
    e.clock = clock.value();
    e.state_json.assign(json.value());
    out.push_back(std::move(e));
  }
  if (!d.at_end()) return error{"trailing bytes after awareness update", d.offset()};
  return out;
}

std::string encode_update(const std::vector<entry>& entries) {
  std::string out;
  lib0::write_var_uint(out, entries.size());
  for (const auto& e : entries) {
    lib0::write_var_uint(out, e.client_id);
    lib0::write_var_uint(out, e.clock);
    lib0::write_var_string(out, e.state_json);
  }
  return out;
}

std::vector<std::uint64_t> change::all() const {
  std::vector<std::uint64_t> out(added);
  out.insert(out.end(), updated.begin(), updated.end());
  out.insert(out.end(), removed.begin(), removed.end());
  return out;
}

namespace {
bool is_null_state(std::string_view json) {
  // JSON.parse tolerates surrounding whitespace; so do we.
  while (!json.empty() && (json.front() == ' ' || json.front() == '\t' || json.front() == '\n' || json.front() == '\r')) json.remove_prefix(1);
  while (!json.empty() && (json.back() == ' ' || json.back() == '\t' || json.back() == '\n' || json.back() == '\r')) json.remove_suffix(1);
  return json == "null";
}
}  // namespace

change store::apply(const std::vector<entry>& entries, std::uint64_t now_ms) {
  change ch;
  for (const auto& e : entries) {
    const bool is_null = is_null_state(e.state_json);
    auto m = meta_.find(e.client_id);
    const std::uint64_t curr = m == meta_.end() ? 0 : m->second.clock;
    const bool known_state = states_.count(e.client_id) != 0;
    if (!(curr < e.clock || (curr == e.clock && is_null && known_state))) continue;
    const bool had_meta = m != meta_.end();
    if (is_null) states_.erase(e.client_id);
    else states_[e.client_id] = e.state_json;
    meta_[e.client_id] = meta{e.clock, now_ms};
    if (!had_meta && !is_null) ch.added.push_back(e.client_id);
    else if (had_meta && is_null) ch.removed.push_back(e.client_id);
    else if (!is_null) ch.updated.push_back(e.client_id);
  }
  return ch;
}

std::vector<std::uint64_t> store::remove(const std::vector<std::uint64_t>& ids) {
  std::vector<std::uint64_t> removed;
  for (auto id : ids) {
    if (states_.erase(id) != 0) removed.push_back(id);
  }
  return removed;
}

std::vector<std::uint64_t> store::expire(std::uint64_t now_ms, std::uint64_t timeout_ms) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, st] : states_) {
    auto m = meta_.find(id);
    if (m != meta_.end() && now_ms >= m->second.last_updated_ms + timeout_ms) ids.push_back(id);
  }
  return remove(ids);
}

std::string store::encode(const std::vector<std::uint64_t>& ids) const {
  std::vector<entry> entries;
  entries.reserve(ids.size());
  for (auto id : ids) {
    auto s = states_.find(id);
    auto m = meta_.find(id);
    entries.push_back(entry{id, m == meta_.end() ? 0 : m->second.clock, s == states_.end() ? std::string("null") : s->second});
  }
  return encode_update(entries);
}

std::vector<std::uint64_t> store::client_ids() const {
  std::vector<std::uint64_t> out;
  out.reserve(states_.size());
  for (const auto& kv : states_) out.push_back(kv.first);
  return out;
}

}  // namespace tandem::server::awareness
