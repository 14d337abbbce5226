// Update format v1 at the struct level: contents, raw structs, delete sets, state vectors, and
// the document-free operations mergeUpdates / diffUpdate / encodeStateVectorFromUpdate.
#include <algorithm>
#include <map>

#include "internal.hpp"

namespace tandem::crdt::detail {

// ---- strings -----------------------------------------------------------------------------------

std::size_t utf8_offset_of_utf16(std::string_view s, std::uint64_t u16, bool* inside_pair) {
  std::size_t i = 0;
  std::uint64_t n = 0;
  if (inside_pair) *inside_pair = false;
  while (i < s.size() && n < u16) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (len == 4) {
      if (n + 1 == u16) {
        if (inside_pair) *inside_pair = true;
        return i;
      }
      n += 2;
    } else {
      n += 1;
    }
    i += len;
  }
  return i;
}

namespace {
// UTF-8 offset of a UTF-16 position in string content: O(1) when the string is ASCII (as many
// bytes as UTF-16 units, which no other string has), which keeps emitting an update for a
// keystroke merged into a long run of typing from rescanning the run.
std::size_t string_offset(const content& c, std::uint64_t u16, bool* inside_pair) {
  if (c.str.size() == c.len) {
    *inside_pair = false;
    return static_cast<std::size_t>(std::min<std::uint64_t>(u16, c.str.size()));
  }
  return utf8_offset_of_utf16(c.str, u16, inside_pair);
}
const std::string k_replacement = "\xef\xbf\xbd";
std::string json_of(const any& a) { return a.to_json(); }
}  // namespace

content content_splice(content& c, std::uint64_t offset) {
  content r;
  r.ref = c.ref;
  switch (c.ref) {
    case ref_deleted:
      r.len = c.len - offset;
      c.len = offset;
      break;
    case ref_string: {
      bool inside = false;
      std::size_t at = string_offset(c, offset, &inside);
      if (inside) {
        // Splitting a surrogate pair: both halves become U+FFFD (ContentString.splice).
        r.str = k_replacement + c.str.substr(at + 4);
        c.str = c.str.substr(0, at) + k_replacement;
      } else {
        r.str = c.str.substr(at);
        c.str.resize(at);
      }
      r.len = c.len - offset;
      c.len = offset;
      break;
    }
    case ref_any:
    case ref_json: {
      auto off = static_cast<std::ptrdiff_t>(offset);
      r.values.assign(std::make_move_iterator(c.values.begin() + off), std::make_move_iterator(c.values.end()));
      c.values.resize(static_cast<std::size_t>(offset));
      r.len = c.len - offset;
      c.len = offset;
      break;
    }
    default:
      throw std::logic_error("invariant: splice of unsplittable content");
  }
  return r;
}

bool content_merge(content& left, content& right) {
  if (left.ref != right.ref) return false;
  switch (left.ref) {
    case ref_deleted: left.len += right.len; return true;
    case ref_string:
      left.str += right.str;
      left.len += right.len;
      return true;
    case ref_any:
    case ref_json:
      for (auto& v : right.values) left.values.push_back(std::move(v));
      left.len += right.len;
      return true;
    default: return false;
  }
}

void content_write(lib0::encoder& e, const content& c, std::uint64_t offset) {
  switch (c.ref) {
    case ref_deleted: e.write_var_uint(c.len - offset); break;
    case ref_json:
      e.write_var_uint(c.len - offset);
      for (std::size_t i = static_cast<std::size_t>(offset); i < c.values.size(); ++i) {
        if (c.values[i].is_undefined())
          e.write_var_string("undefined");
        else
          e.write_var_string(json_of(c.values[i]));
      }
      break;
    case ref_binary: e.write_var_uint8_array(c.values[0].as_binary()); break;
    case ref_string:
      if (offset == 0) {
        e.write_var_string(c.str);
      } else {
        bool inside = false;
        std::size_t at = string_offset(c, offset, &inside);
        if (inside) {
          std::string s = k_replacement + c.str.substr(at + 4);
          e.write_var_string(s);
        } else {
          e.write_var_string(std::string_view(c.str).substr(at));
        }
      }
      break;
    case ref_embed: e.write_var_string(json_of(c.values[0])); break;
    case ref_format:
      e.write_var_string(c.str);
      e.write_var_string(json_of(c.values[0]));
      break;
    case ref_type:
      e.write_var_uint(c.type_ref);
      if (c.type_ref == 3 || c.type_ref == 5) e.write_var_string(c.str);
      break;
    case ref_any:
      e.write_var_uint(c.len - offset);
      for (std::size_t i = static_cast<std::size_t>(offset); i < c.values.size(); ++i) e.write_any(c.values[i]);
      break;
    case ref_doc:
      e.write_var_string(c.str);
      e.write_any(c.values[0]);
      break;
    default: throw std::logic_error("invariant: unknown content ref");
  }
}

namespace {
any parse_json_or_throw(lib0::decoder& d, std::string_view s, std::size_t at) {
  auto r = any::parse_json(s);
  if (!r) d.fail_at(r.error().message, at);
  return std::move(r).value();
}
}  // namespace

content content_read(lib0::decoder& d, std::uint8_t ref) {
  content c;
  c.ref = ref;
  std::size_t at = d.offset();
  switch (ref) {
    case ref_deleted:
      c.len = d.read_var_uint();
      if (c.len == 0) d.fail_at("deleted content of length 0", at);
      break;
    case ref_json: {
      auto n = d.read_var_uint();
      if (n > d.remaining()) d.fail_at("JSON content count exceeds remaining data", at);
      for (std::uint64_t i = 0; i < n; ++i) {
        std::size_t sat = d.offset();
        auto s = d.read_var_string_view();
        if (s == "undefined")
          c.values.emplace_back();
        else
          c.values.push_back(parse_json_or_throw(d, s, sat));
      }
      c.len = n;
      break;
    }
    case ref_binary:
      c.values.emplace_back(d.read_var_uint8_array());
      c.len = 1;
      break;
    case ref_string: {
      auto s = d.read_var_string_view();
      std::uint64_t n16 = 0;
      lib0::utf8_validate(s, &n16);
      c.str = std::string(s);
      c.len = n16;
      break;
    }
    case ref_embed: {
      std::size_t sat = d.offset();
      auto s = d.read_var_string_view();
      c.values.push_back(parse_json_or_throw(d, s, sat));
      c.len = 1;
      break;
    }
    case ref_format: {
      c.str = d.read_var_string();
      std::size_t sat = d.offset();
      auto s = d.read_var_string_view();
      c.values.push_back(parse_json_or_throw(d, s, sat));
      c.len = 1;
      break;
    }
    case ref_type: {
      auto t = d.read_var_uint();
      if (t > 6) d.fail_at(str_cat("unknown type ref ", std::to_string(t)), at);
      c.type_ref = static_cast<std::uint8_t>(t);
      if (t == 3 || t == 5) c.str = d.read_var_string();
      c.len = 1;
      break;
    }
    case ref_any: {
      auto n = d.read_var_uint();
      if (n > d.remaining()) d.fail_at("any content count exceeds remaining data", at);
      c.values.reserve(static_cast<std::size_t>(n));
      for (std::uint64_t i = 0; i < n; ++i) c.values.push_back(d.read_any());
      c.len = n;
      break;
    }
    case ref_doc:
      c.str = d.read_var_string();
      c.values.push_back(d.read_any());
      c.len = 1;
      break;
    default: d.fail_at(str_cat("unknown content ref ", std::to_string(ref)), at);
  }
  return c;
}

// ---- delete sets -------------------------------------------------------------------------------

void delete_set::sort_and_merge() {
  for (auto& [client, dels] : clients) {
    auto by_clock = [](const ds_range& a, const ds_range& b) { return a.clock < b.clock; };
    // Ranges mostly arrive in clock order (integration, decoding); std::sort is not free then.
    if (!std::is_sorted(dels.begin(), dels.end(), by_clock)) std::sort(dels.begin(), dels.end(), by_clock);
    std::size_t j = 1;
    for (std::size_t i = 1; i < dels.size(); ++i) {
      auto& left = dels[j - 1];
      const auto& right = dels[i];
      if (left.clock + left.len >= right.clock) {
        left.len = std::max(left.len, right.clock + right.len - left.clock);
      } else {
        if (j < i) dels[j] = right;
        ++j;
      }
    }
    if (!dels.empty()) dels.resize(j);
  }
}

void write_delete_set(lib0::encoder& e, const delete_set& ds) {
  if (ds.order.size() == 1) {  // the common case of a local transaction: no sorting
    const auto c = ds.order[0];
    const auto& dels = ds.ranges(c);
    e.write_var_uint(1);
    e.write_var_uint(c);
    e.write_var_uint(dels.size());
    for (const auto& r : dels) {
      e.write_var_uint(r.clock);
      e.write_var_uint(r.len);
    }
    return;
  }
  std::vector<std::uint64_t> cl(ds.order);
  std::sort(cl.begin(), cl.end(), std::greater<>());
  e.write_var_uint(cl.size());
  for (auto c : cl) {
    const auto& dels = ds.clients.at(c);
    e.write_var_uint(c);
    e.write_var_uint(dels.size());
    for (const auto& r : dels) {
      e.write_var_uint(r.clock);
      e.write_var_uint(r.len);
    }
  }
}

delete_set read_delete_set(lib0::decoder& d) {
  delete_set ds;
  std::size_t at = d.offset();
  auto n = d.read_var_uint();
  if (n > d.remaining()) d.fail_at("delete set client count exceeds remaining data", at);
  for (std::uint64_t i = 0; i < n; ++i) {
    auto client = d.read_var_uint();
    std::size_t cat = d.offset();
    auto m = d.read_var_uint();
    if (m > d.remaining()) d.fail_at("delete range count exceeds remaining data", cat);
    for (std::uint64_t k = 0; k < m; ++k) {
      auto clock = d.read_var_uint();
      auto len = d.read_var_uint();
      ds.add(client, clock, len);
    }
  }
  return ds;
}

delete_set merge_delete_sets(const std::vector<const delete_set*>& dss) {
  delete_set merged;
  for (const auto* ds : dss)
    for (auto client : ds->order)
      for (const auto& r : ds->clients.at(client)) merged.add(client, r.clock, r.len);
  merged.sort_and_merge();
  return merged;
}

void write_state_vector(lib0::encoder& e, const state_map& sv) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> v(sv.begin(), sv.end());
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
  e.write_var_uint(v.size());
  for (auto& [c, k] : v) {
    e.write_var_uint(c);
    e.write_var_uint(k);
  }
}

std::unordered_map<std::uint64_t, std::uint64_t> decode_sv(bytes_view b) {
  lib0::decoder d(b);
  std::unordered_map<std::uint64_t, std::uint64_t> sv;
  std::size_t at = d.offset();
  auto n = d.read_var_uint();
  if (n > d.remaining()) d.fail_at("state vector count exceeds remaining data", at);
  for (std::uint64_t i = 0; i < n; ++i) {
    auto c = d.read_var_uint();
    sv[c] = d.read_var_uint();
  }
  return sv;
}

// ---- raw structs -------------------------------------------------------------------------------

decoded_update read_update(lib0::decoder& d) {
  decoded_update u;
  std::size_t at = d.offset();
  auto nclients = d.read_var_uint();
  if (nclients > d.remaining()) d.fail_at("client count exceeds remaining data", at);
  for (std::uint64_t ci = 0; ci < nclients; ++ci) {
    std::size_t cat = d.offset();
    auto nstructs = d.read_var_uint();
    if (nstructs > d.remaining()) d.fail_at("struct count exceeds remaining data", cat);
    auto client = d.read_var_uint();
    auto clock = d.read_var_uint();
    u.structs.reserve(u.structs.size() + static_cast<std::size_t>(nstructs));
    for (std::uint64_t si = 0; si < nstructs; ++si) {
      std::size_t sat = d.offset();
      std::uint8_t info = d.read_u8();
      raw_struct& s = u.structs.emplace_back();  // filled in place (a throw discards u)
      s.id_ = {client, clock};
      s.first_in_block = si == 0;
      s.at = sat;
      switch (info & 0x1f) {
        case ref_gc:
          s.kind = 0;
          s.length = d.read_var_uint();
          break;
        case ref_skip:
          s.kind = 2;
          s.length = d.read_var_uint();
          break;
        default: {
          s.kind = 1;
          if (info & info_origin) {
            s.has_origin = true;
            s.origin.client = d.read_var_uint();
            s.origin.clock = d.read_var_uint();
          }
          if (info & info_right_origin) {
            s.has_right_origin = true;
            s.right_origin.client = d.read_var_uint();
            s.right_origin.clock = d.read_var_uint();
          }
          if ((info & (info_origin | info_right_origin)) == 0) {
            if (d.read_var_uint() == 1) {
              s.parent_kind = 1;
              s.parent_name = d.read_var_string();
            } else {
              s.parent_kind = 2;
              s.parent_id.client = d.read_var_uint();
              s.parent_id.clock = d.read_var_uint();
            }
            if (info & info_parent_sub) {
              s.has_parent_sub = true;
              s.parent_sub = d.read_var_string();
            }
          }
          s.c = content_read(d, info & 0x1f);
          s.length = s.c.len;
        }
      }
      if (s.length > lib0::max_safe_integer || clock + s.length > lib0::max_safe_integer)
        d.fail_at("struct clock out of range", sat);
      clock += s.length;
    }
  }
  u.ds = read_delete_set(d);
  return u;
}

decoded_update read_update_bytes(bytes_view b) {
  lib0::decoder d(b);
  return read_update(d);
}

void write_raw_struct(lib0::encoder& e, const raw_struct& s, std::uint64_t offset) {
  if (s.kind == 0) {
    e.write_u8(ref_gc);
    e.write_var_uint(s.length - offset);
    return;
  }
  if (s.kind == 2) {
    e.write_u8(ref_skip);
    e.write_var_uint(s.length - offset);
    return;
  }
  bool has_origin = offset > 0 || s.has_origin;
  id origin = offset > 0 ? id{s.id_.client, s.id_.clock + offset - 1} : s.origin;
  std::uint8_t info = static_cast<std::uint8_t>((s.c.ref & 0x1f) | (has_origin ? info_origin : 0) |
                                                (s.has_right_origin ? info_right_origin : 0) |
                                                (s.has_parent_sub ? info_parent_sub : 0));
  e.write_u8(info);
  if (has_origin) {
    e.write_var_uint(origin.client);
    e.write_var_uint(origin.clock);
  }
  if (s.has_right_origin) {
    e.write_var_uint(s.right_origin.client);
    e.write_var_uint(s.right_origin.clock);
  }
  if (!has_origin && !s.has_right_origin) {
    if (s.parent_kind == 1) {
      e.write_var_uint(1);
      e.write_var_string(s.parent_name);
    } else {
      e.write_var_uint(0);
      e.write_var_uint(s.parent_id.client);
      e.write_var_uint(s.parent_id.clock);
    }
    if (s.has_parent_sub) e.write_var_string(s.parent_sub);
  }
  content_write(e, s.c, offset);
}

void lazy_writer::flush() {
  if (written_ > 0) {
    parts_.emplace_back(written_, cur_.take());
    cur_ = lib0::encoder();
    written_ = 0;
  }
}

void lazy_writer::write(const raw_struct& s, std::uint64_t offset) {
  if (written_ > 0 && client_ != s.id_.client) flush();
  if (written_ == 0) {
    client_ = s.id_.client;
    cur_.write_var_uint(s.id_.client);
    cur_.write_var_uint(s.id_.clock + offset);
  }
  write_raw_struct(cur_, s, offset);
  ++written_;
}

void lazy_writer::finish() {
  flush();
  out_.write_var_uint(parts_.size());
  for (auto& [n, b] : parts_) {
    out_.write_var_uint(n);
    out_.write_raw(b);
  }
}

bytes encode_update(const decoded_update& u) {
  lib0::encoder e;
  lazy_writer w(e);
  for (const auto& s : u.structs) w.write(s, 0);
  w.finish();
  write_delete_set(e, u.ds);
  return e.take();
}

namespace {
raw_struct slice_struct(raw_struct& left, std::uint64_t diff) {
  raw_struct r;
  r.kind = left.kind;
  r.id_ = {left.id_.client, left.id_.clock + diff};
  r.length = left.length - diff;
  if (left.kind == 1) {
    r.has_origin = true;
    r.origin = {left.id_.client, left.id_.clock + diff - 1};
    r.has_right_origin = left.has_right_origin;
    r.right_origin = left.right_origin;
    r.parent_kind = left.parent_kind;
    r.parent_name = left.parent_name;
    r.parent_id = left.parent_id;
    r.has_parent_sub = left.has_parent_sub;
    r.parent_sub = left.parent_sub;
    r.c = content_splice(left.c, diff);
  }
  return r;
}

// Item.mergeWith never succeeds for decoded items (their `right` is null); GC and Skip merge.
bool raw_merge(raw_struct& left, const raw_struct& right) {
  if (left.kind == 1 || left.kind != right.kind) return false;
  left.length += right.length;
  return true;
}

struct lazy_reader {
  std::vector<raw_struct>* v;
  std::size_t i = 0;
  bool filter_skips;
  raw_struct* curr() { return i < v->size() ? &(*v)[i] : nullptr; }
  raw_struct* next() {
    ++i;
    if (filter_skips)
      while (i < v->size() && (*v)[i].kind == 2) ++i;
    return curr();
  }
  void start() {
    if (filter_skips)
      while (i < v->size() && (*v)[i].kind == 2) ++i;
  }
};
}  // namespace

bytes merge_to_bytes(std::vector<decoded_update>& updates) {
  lib0::encoder enc;
  lazy_writer w(enc);
  std::vector<lazy_reader> readers;
  for (auto& u : updates) {
    readers.push_back({&u.structs, 0, true});
    readers.back().start();
  }
  std::optional<raw_struct> cw;  // currWrite
  std::vector<lazy_reader*> live;
  while (true) {
    live.clear();
    for (auto& r : readers)
      if (r.curr()) live.push_back(&r);
    std::stable_sort(live.begin(), live.end(), [](lazy_reader* a, lazy_reader* b) {
      const auto* x = a->curr();
      const auto* y = b->curr();
      if (x->id_.client == y->id_.client) {
        if (x->id_.clock == y->id_.clock) {
          if (x->kind == y->kind) return false;
          return y->kind == 2;  // skips last
        }
        return x->id_.clock < y->id_.clock;
      }
      return x->id_.client > y->id_.client;
    });
    if (live.empty()) break;
    lazy_reader& cd = *live[0];
    std::uint64_t first_client = cd.curr()->id_.client;
    if (cw) {
      raw_struct* curr = cd.curr();
      bool iterated = false;
      while (curr && curr->id_.clock + curr->length <= cw->id_.clock + cw->length &&
             curr->id_.client >= cw->id_.client) {
        curr = cd.next();
        iterated = true;
      }
      if (!curr || curr->id_.client != first_client ||
          (iterated && curr->id_.clock > cw->id_.clock + cw->length)) {
        continue;
      }
      if (first_client != cw->id_.client) {
        w.write(*cw, 0);
        cw = std::move(*curr);
        cd.next();
      } else if (cw->id_.clock + cw->length < curr->id_.clock) {
        if (cw->kind == 2) {
          cw->length = curr->id_.clock + curr->length - cw->id_.clock;
        } else {
          w.write(*cw, 0);
          std::uint64_t diff = curr->id_.clock - cw->id_.clock - cw->length;
          raw_struct sk;
          sk.kind = 2;
          sk.id_ = {first_client, cw->id_.clock + cw->length};
          sk.length = diff;
          cw = std::move(sk);
        }
      } else {
        std::uint64_t diff = cw->id_.clock + cw->length - curr->id_.clock;
        std::optional<raw_struct> sliced;
        if (diff > 0) {
          if (cw->kind == 2)
            cw->length -= diff;
          else
            sliced = slice_struct(*curr, diff);
        }
        raw_struct& c2 = sliced ? *sliced : *curr;
        if (!raw_merge(*cw, c2)) {
          w.write(*cw, 0);
          cw = std::move(c2);
          cd.next();
        }
      }
    } else {
      cw = std::move(*cd.curr());
      cd.next();
    }
    for (raw_struct* nx = cd.curr();
         nx && nx->id_.client == first_client && nx->id_.clock == cw->id_.clock + cw->length && nx->kind != 2;
         nx = cd.next()) {
      w.write(*cw, 0);
      cw = std::move(*nx);
    }
  }
  if (cw) w.write(*cw, 0);
  w.finish();
  std::vector<const delete_set*> dss;
  for (auto& u : updates) dss.push_back(&u.ds);
  write_delete_set(enc, merge_delete_sets(dss));
  return enc.take();
}

bytes diff_decoded(const decoded_update& u, const std::unordered_map<std::uint64_t, std::uint64_t>& sv) {
  lib0::encoder enc;
  lazy_writer w(enc);
  std::size_t i = 0;
  const auto& v = u.structs;
  while (i < v.size()) {
    const auto& curr = v[i];
    std::uint64_t client = curr.id_.client;
    auto it = sv.find(client);
    std::uint64_t svc = it == sv.end() ? 0 : it->second;
    if (curr.kind == 2) {
      ++i;
      continue;
    }
    if (curr.id_.clock + curr.length > svc) {
      w.write(curr, svc > curr.id_.clock ? svc - curr.id_.clock : 0);
      ++i;
      while (i < v.size() && v[i].id_.client == client) w.write(v[i++], 0);
    } else {
      while (i < v.size() && v[i].id_.client == client && v[i].id_.clock + v[i].length <= svc) ++i;
    }
  }
  w.finish();
  write_delete_set(enc, u.ds);
  return enc.take();
}

}  // namespace tandem::crdt::detail

namespace tandem::crdt {

result<bytes> merge_updates(std::span<const bytes_view> updates) {
  if (updates.size() == 1) return bytes(updates[0].begin(), updates[0].end());
  try {
    std::vector<detail::decoded_update> us;
    us.reserve(updates.size());
    for (auto u : updates) us.push_back(detail::read_update_bytes(u));
    return detail::merge_to_bytes(us);
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
}

result<bytes> diff_update(bytes_view update, bytes_view state_vector) {
  try {
    auto sv = detail::decode_sv(state_vector);
    auto u = detail::read_update_bytes(update);
    return detail::diff_decoded(u, sv);
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
}

result<bytes> encode_state_vector_from_update(bytes_view update) {
  try {
    auto u = detail::read_update_bytes(update);
    lib0::encoder body;
    std::uint64_t size = 0;
    const auto& v = u.structs;
    if (!v.empty()) {
      std::uint64_t cur_client = v[0].id_.client;
      bool stop = v[0].id_.clock != 0;
      std::uint64_t cur_clock = stop ? 0 : v[0].id_.clock + v[0].length;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const auto& c = v[i];
        if (cur_client != c.id_.client) {
          if (cur_clock != 0) {
            ++size;
            body.write_var_uint(cur_client);
            body.write_var_uint(cur_clock);
          }
          cur_client = c.id_.client;
          cur_clock = 0;
          stop = c.id_.clock != 0;
        }
        if (c.kind == 2) stop = true;
        if (!stop) cur_clock = c.id_.clock + c.length;
      }
      if (cur_clock != 0) {
        ++size;
        body.write_var_uint(cur_client);
        body.write_var_uint(cur_clock);
      }
    }
    lib0::encoder out;
    out.write_var_uint(size);
    out.write_raw(body.data());
    return out.take();
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
}

result<std::vector<std::pair<std::uint64_t, std::uint64_t>>> decode_state_vector(bytes_view sv) {
  try {
    lib0::decoder d(sv);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    std::size_t at = d.offset();
    auto n = d.read_var_uint();
    if (n > d.remaining()) d.fail_at("state vector count exceeds remaining data", at);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto c = d.read_var_uint();
      out.emplace_back(c, d.read_var_uint());
    }
    return out;
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
}

}  // namespace tandem::crdt
