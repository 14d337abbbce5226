// Version save/list/view, restore as new CRDT operations, and log replay.
#include "tandem/domain/versions.hpp"

#include <boost/json.hpp>
#include <map>

#include "tandem/crdt/lib0.hpp"
#include "tandem/domain/workspace.hpp"
#include "tandem/domain/ydoc_util.hpp"

namespace tandem::domain {

namespace {

std::string crdt_message(const crdt::error& e) {
  return e.to_string();
}

// UTF-16 code units of a UTF-8 string (Y.Text indexes count UTF-16 units).
std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += (c >= 0xF0) ? 2 : 1;
  }
  return n;
}

bool same_value(const crdt::value& a, const crdt::value& b) {
  if (a.is_type() != b.is_type()) return false;
  if (a.is_type() && a.kind() != b.kind()) return false;
  return a.to_json() == b.to_json();
}

void copy_map(crdt::transaction& t, crdt::map_ref dst, const crdt::map_ref& src);
void copy_array(crdt::transaction& t, crdt::array_ref dst, std::size_t at,
                const std::vector<crdt::value>& src);
void copy_text(crdt::transaction& t, crdt::text_ref dst, std::size_t at, const crdt::text_ref& src);

void set_copy(crdt::transaction& t, crdt::map_ref dst, const std::string& key, const crdt::value& v) {
  if (v.is_any()) {
    dst.set(t, key, v.as_any());
    return;
  }
  switch (v.kind()) {
    case crdt::type_kind::map:
      copy_map(t, dst.set_map(t, key), v.as_map());
      break;
    case crdt::type_kind::array:
      copy_array(t, dst.set_array(t, key), 0, v.as_array().to_vector());
      break;
    case crdt::type_kind::text:
      copy_text(t, dst.set_text(t, key), 0, v.as_text());
      break;
    default:
      // XML types are not part of the board/plan schemas; keep their JSON form.
      dst.set(t, key, crdt::any(v.to_json()));
  }
}

void copy_map(crdt::transaction& t, crdt::map_ref dst, const crdt::map_ref& src) {
  for (const auto& k : src.keys())
    if (auto v = src.get(k)) set_copy(t, dst, k, *v);
}

void copy_array(crdt::transaction& t, crdt::array_ref dst, std::size_t at,
                const std::vector<crdt::value>& src) {
  std::vector<crdt::any> run;  // consecutive plain values go in one insert
  std::size_t pos = at;
  auto flush = [&] {
    if (run.empty()) return;
    std::size_t n = run.size();
    dst.insert(t, pos, std::move(run));
    run.clear();
    pos += n;
  };
  for (const auto& v : src) {
    if (v.is_any()) {
      run.push_back(v.as_any());
      continue;
    }
    flush();
    switch (v.kind()) {
      case crdt::type_kind::map:
        copy_map(t, dst.insert_map(t, pos), v.as_map());
        break;
      case crdt::type_kind::array:
        copy_array(t, dst.insert_array(t, pos), 0, v.as_array().to_vector());
        break;
      case crdt::type_kind::text:
        copy_text(t, dst.insert_text(t, pos), 0, v.as_text());
        break;
      default:
        dst.insert(t, pos, {crdt::any(v.to_json())});
    }
    ++pos;
  }
  flush();
}

void copy_text(crdt::transaction& t, crdt::text_ref dst, std::size_t at, const crdt::text_ref& src) {
  std::size_t pos = at;
  crdt::any::object prev;  // attributes of the previous run: an insert must not inherit them
  for (const auto& op : src.to_delta()) {
    crdt::any::object attrs = op.attributes;
    for (const auto& [k, v] : prev) {
      bool present = false;
      for (const auto& [k2, v2] : attrs) present = present || k2 == k;
      if (!present) attrs.emplace_back(k, crdt::any(nullptr));
    }
    if (const auto* s = std::get_if<std::string>(&op.insert)) {
      dst.insert(t, pos, *s, attrs);
      pos += utf16_length(*s);
    } else if (const auto* a = std::get_if<crdt::any>(&op.insert)) {
      dst.insert_embed(t, pos, *a, attrs);
      pos += 1;
    } else {
      // Embedded shared types inside text are not in our schemas; keep their JSON.
      dst.insert_embed(t, pos, crdt::any(std::get<crdt::value>(op.insert).to_json()), attrs);
      pos += 1;
    }
    prev = op.attributes;
  }
}

bool same_delta(const crdt::text_ref& a, const crdt::text_ref& b) {
  auto da = a.to_delta(), db = b.to_delta();
  if (da.size() != db.size()) return false;
  for (std::size_t i = 0; i < da.size(); ++i) {
    if (!(da[i].attributes == db[i].attributes)) return false;
    const auto& x = da[i].insert;
    const auto& y = db[i].insert;
    if (x.index() != y.index()) return false;
    if (x.index() == 0 && std::get<0>(x) != std::get<0>(y)) return false;
    if (x.index() == 1 && !(std::get<1>(x) == std::get<1>(y))) return false;
    if (x.index() == 2 && std::get<2>(x).to_json() != std::get<2>(y).to_json()) return false;
  }
  return true;
}

// One character (code point) or embed of a text, with its formatting.
struct text_unit {
  std::string text;  // UTF-8 of one code point; empty for an embed
  crdt::any embed;
  std::size_t utf16 = 1;
  const crdt::any::object* attrs = nullptr;  // points into the owning delta
};

bool same_attrs(const crdt::any::object& a, const crdt::any::object& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    bool found = false;
    for (const auto& [k2, v2] : b)
      if (k2 == k) found = v2 == v;
    if (!found) return false;
  }
  return true;
}

bool same_unit(const text_unit& a, const text_unit& b) {
  return a.text == b.text && a.embed == b.embed && same_attrs(*a.attrs, *b.attrs);
}

// Flattens a delta; false if it holds embedded shared types (handled by a full replace).
bool flatten(const std::vector<crdt::delta_op>& delta, std::vector<text_unit>& out) {
  for (const auto& op : delta) {
    if (const auto* s = std::get_if<std::string>(&op.insert)) {
      for (std::size_t i = 0; i < s->size();) {
        auto c = static_cast<unsigned char>((*s)[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        n = std::min(n, s->size() - i);
        out.push_back({s->substr(i, n), crdt::any(), n == 4 ? 2u : 1u, &op.attributes});
        i += n;
      }
    } else if (const auto* a = std::get_if<crdt::any>(&op.insert)) {
      out.push_back({"", *a, 1, &op.attributes});
    } else {
      return false;
    }
  }
  return true;
}

// Rewrites only the part between the longest common prefix and suffix (same characters,
// same formatting), so unchanged text keeps its items and peers' cursors stay put.
void sync_text(crdt::transaction& t, crdt::text_ref cur, const crdt::text_ref& tgt) {
  if (same_delta(cur, tgt)) return;
  auto dc = cur.to_delta(), dt = tgt.to_delta();
  std::vector<text_unit> a, b;
  if (!flatten(dc, a) || !flatten(dt, b)) {
    if (cur.size() > 0) cur.remove(t, 0, cur.size());
    copy_text(t, cur, 0, tgt);
    return;
  }
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && same_unit(a[pre], b[pre])) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         same_unit(a[a.size() - 1 - suf], b[b.size() - 1 - suf]))
    ++suf;
  std::size_t pos = 0, del = 0;
  for (std::size_t i = 0; i < pre; ++i) pos += a[i].utf16;
  for (std::size_t i = pre; i < a.size() - suf; ++i) del += a[i].utf16;
  if (del > 0) cur.remove(t, pos, del);
  // Insert the target's middle in runs of equal formatting; attributes of the run before
  // are cancelled with explicit nulls so nothing is inherited.
  crdt::any::object prev = pre > 0 ? *b[pre - 1].attrs : crdt::any::object{};
  std::size_t i = pre, end = b.size() - suf;
  while (i < end) {
    const auto& attrs = *b[i].attrs;
    crdt::any::object with_nulls = attrs;
    for (const auto& [k, v] : prev) {
      bool present = false;
      for (const auto& [k2, v2] : attrs) present = present || k2 == k;
      if (!present) with_nulls.emplace_back(k, crdt::any(nullptr));
    }
    if (b[i].text.empty()) {
      cur.insert_embed(t, pos, b[i].embed, with_nulls);
      pos += 1;
      ++i;
    } else {
      std::string run;
      std::size_t units = 0;
      while (i < end && !b[i].text.empty() && same_attrs(*b[i].attrs, attrs)) {
        run += b[i].text;
        units += b[i].utf16;
        ++i;
      }
      cur.insert(t, pos, run, with_nulls);
      pos += units;
    }
    prev = attrs;
  }
}

void sync_map(crdt::transaction& t, crdt::map_ref cur, const crdt::map_ref& tgt);
void sync_array(crdt::transaction& t, crdt::array_ref cur, const crdt::array_ref& tgt);

// Makes `cur` (a value in a container) match `tgt` in place when both are the same shared
// type; returns false when the value must be replaced instead.
bool sync_in_place(crdt::transaction& t, const crdt::value& cur, const crdt::value& tgt) {
  if (!cur.is_type() || !tgt.is_type() || cur.kind() != tgt.kind()) return false;
  switch (cur.kind()) {
    case crdt::type_kind::map:
      sync_map(t, cur.as_map(), tgt.as_map());
      return true;
    case crdt::type_kind::array:
      sync_array(t, cur.as_array(), tgt.as_array());
      return true;
    case crdt::type_kind::text:
      sync_text(t, cur.as_text(), tgt.as_text());
      return true;
    default:
      return false;
  }
}

void sync_map(crdt::transaction& t, crdt::map_ref cur, const crdt::map_ref& tgt) {
  for (const auto& k : cur.keys())
    if (!tgt.contains(k)) cur.remove(t, k);
  for (const auto& k : tgt.keys()) {
    auto tv = tgt.get(k);
    if (!tv) continue;
    auto cv = cur.get(k);
    if (cv && same_value(*cv, *tv)) continue;
    if (cv && sync_in_place(t, *cv, *tv)) continue;
    set_copy(t, cur, k, *tv);
  }
}

void sync_array(crdt::transaction& t, crdt::array_ref cur, const crdt::array_ref& tgt) {
  auto a = cur.to_vector();
  auto b = tgt.to_vector();
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && same_value(a[pre], b[pre])) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         same_value(a[a.size() - 1 - suf], b[b.size() - 1 - suf]))
    ++suf;
  std::size_t na = a.size() - pre - suf, nb = b.size() - pre - suf;
  // Same count of changed entries: update each in place where the types agree (a goal whose
  // title changed stays the same goal), replace the others one by one.
  if (na == nb) {
    for (std::size_t k = 0; k < na; ++k) {
      std::size_t i = pre + k;
      if (sync_in_place(t, a[i], b[i])) continue;
      cur.remove(t, i, 1);
      copy_array(t, cur, i, {b[i]});
    }
    return;
  }
  if (na > 0) cur.remove(t, pre, na);
  copy_array(t, cur, pre,
             std::vector<crdt::value>(b.begin() + static_cast<std::ptrdiff_t>(pre),
                                      b.begin() + static_cast<std::ptrdiff_t>(pre + nb)));
}

enum class root_kind { map, array, text };

root_kind kind_of_root(const std::string& name, const std::string& json_of_version_root) {
  static const std::map<std::string, root_kind, std::less<>> schema = {
      {"meta", root_kind::map},       {"elements", root_kind::map},   {"goals", root_kind::array},
      {"checkins", root_kind::array}, {"feedback", root_kind::array}, {"notes", root_kind::text}};
  if (auto it = schema.find(name); it != schema.end()) return it->second;
  char c = json_of_version_root.empty() ? '{' : json_of_version_root[0];
  return c == '"' ? root_kind::text : c == '[' ? root_kind::array : root_kind::map;
}

}  // namespace

result<crdt::doc> load_doc(const storage::store& s, std::string_view doc_name) {
  auto st = s.load(doc_name);
  if (!st) return error{storage_message(st.err())};
  crdt::doc d;
  if (!st->found) return d;
  if (!st->snapshot.empty())
    if (auto r = d.apply_update(st->snapshot); !r)
      return error{"document '" + std::string(doc_name) +
                   "' snapshot does not decode: " + crdt_message(r.error())};
  for (const auto& e : st->log)
    if (auto r = d.apply_update(e.data); !r)
      return error{"document '" + std::string(doc_name) + "' update " + std::to_string(e.seq) +
                   " does not decode: " + crdt_message(r.error())};
  return d;
}

result<crdt::bytes> apply_restore(crdt::doc& current, crdt::bytes_view version_state) {
  crdt::doc target;
  if (auto r = target.apply_update(version_state); !r)
    return error{"version state does not decode: " + crdt_message(r.error())};
  // Root kinds come from the version (or the schema); roots only the current doc has are
  // emptied, using the kind of their current content.
  std::map<std::string, root_kind> kinds;
  auto add_roots = [&](const crdt::doc& d) {
    boost::system::error_code ec;
    auto whole = boost::json::parse(d.to_json(), ec);
    for (const auto& name : d.root_names()) {
      if (kinds.count(name)) continue;
      std::string first;
      if (!ec && whole.is_object())
        if (const auto* v = whole.get_object().if_contains(name))
          first = v->is_string() ? "\"" : v->is_array() ? "[" : "{";
      kinds[name] = kind_of_root(name, first);
    }
  };
  add_roots(target);   // the version decides the kind of its roots
  add_roots(current);  // roots only the current doc has are emptied
  return transact_update(current, [&](crdt::transaction& t) {
    for (const auto& [name, kind] : kinds) {
      switch (kind) {
        case root_kind::map:
          sync_map(t, current.get_map(name), target.get_map(name));
          break;
        case root_kind::array:
          sync_array(t, current.get_array(name), target.get_array(name));
          break;
        case root_kind::text:
          sync_text(t, current.get_text(name), target.get_text(name));
          break;
      }
    }
  });
}

result<storage::version_info> version_service::save(std::string_view doc_name, std::string_view label,
                                                    std::string_view author) {
  auto d = load_doc(store_, doc_name);
  if (!d) return d.err();
  auto state = d->encode_state_as_update();
  auto v = store_.create_version(doc_name, label, author, state);
  if (!v) return error{storage_message(v.err())};
  return *v;
}

result<std::vector<storage::version_info>> version_service::list(std::string_view doc_name) const {
  auto v = store_.list_versions(doc_name);
  if (!v) return error{storage_message(v.err())};
  return *v;
}

result<std::optional<crdt::bytes>> version_service::state(std::string_view doc_name,
                                                          std::uint32_t number) const {
  auto v = store_.read_version(doc_name, number);
  if (!v) return error{storage_message(v.err())};
  if (!v->has_value()) return std::optional<crdt::bytes>{};
  return std::optional<crdt::bytes>((*v)->state);
}

result<std::optional<std::string>> version_service::json(std::string_view doc_name,
                                                         std::uint32_t number) const {
  auto st = state(doc_name, number);
  if (!st) return st.err();
  if (!st->has_value()) return std::optional<std::string>{};
  crdt::doc d;
  if (auto r = d.apply_update(**st); !r)
    return error{"version state does not decode: " + crdt_message(r.error())};
  return std::optional<std::string>(d.to_json());
}

result<crdt::bytes> version_service::restore_update(std::string_view doc_name, std::uint32_t number) const {
  auto st = state(doc_name, number);
  if (!st) return st.err();
  if (!st->has_value())
    return error{"document '" + std::string(doc_name) + "' has no version " + std::to_string(number)};
  auto d = load_doc(store_, doc_name);
  if (!d) return d.err();
  return apply_restore(*d, **st);
}

result<replay_result> replay(const storage::store& s, std::string_view doc_name, storage::time_ms from,
                             storage::time_ms to, std::size_t limit) {
  if (from > to) return error{"replay: 'from' is after 'to'"};
  auto st = s.load(doc_name);
  if (!st) return error{storage_message(st.err())};
  replay_result r;
  if (!st->found) return r;
  std::vector<crdt::bytes_view> before;
  if (!st->snapshot.empty()) {
    before.emplace_back(st->snapshot);
    r.history_compacted = true;
  }
  for (const auto& e : st->log) {
    if (e.time < from) {
      before.emplace_back(e.data);
    } else if (e.time <= to) {
      if (r.updates.size() >= limit) {
        r.truncated = true;
        break;
      }
      r.updates.push_back(e);
    }
  }
  if (!before.empty()) {
    auto merged = crdt::merge_updates(before);
    if (!merged)
      return error{"replay: merging the history before 'from' failed: " + crdt_message(merged.error())};
    r.base = std::move(*merged);
  } else {
    r.base = crdt::bytes{0, 0};  // an empty v1 update, so a client can always apply the base
  }
  return r;
}

crdt::bytes encode_replay(const replay_result& r) {
  crdt::lib0::encoder e;
  e.write_var_uint8_array(r.base);
  for (const auto& u : r.updates) {
    e.write_var_uint(u.seq);
    e.write_var_uint(static_cast<std::uint64_t>(u.time < 0 ? 0 : u.time));
    e.write_var_uint8_array(u.data);
  }
  return e.take();
}

}  // namespace tandem::domain
