// Search markers and Y.Text editing with formatting attributes, including yjs's formatting
// cleanup after remote transactions (YText.js, AbstractType.js).
#include <cmath>

#include "text.hpp"

namespace tandem::crdt::detail {

namespace {
std::uint64_t g_marker_timestamp = 0;  // globalSearchMarkerTimestamp
constexpr std::size_t max_search_marker = 80;
static_assert(max_search_marker < 256, "marker positions are kept in bytes");
const any k_null_any{nullptr};

// branch::marker_order lists marker positions by ascending index (equal indexes in any order).
// Shifting by updateMarkerChanges keeps that order; single changes reposition one entry; the
// rest marks it stale and the next search sorts again.
// branch::marker_slot is its inverse (where each marker is in marker_order).
void order_rebuild(branch* b) {
  auto& o = b->marker_order;
  const auto& ms = b->markers;
  o.resize(ms.size());
  for (std::size_t i = 0; i < o.size(); ++i) o[i] = static_cast<std::uint8_t>(i);
  std::sort(o.begin(), o.end(), [&](std::uint8_t x, std::uint8_t y) { return ms[x].index < ms[y].index; });
  b->marker_slot.resize(o.size());
  for (std::size_t k = 0; k < o.size(); ++k) b->marker_slot[o[k]] = static_cast<std::uint8_t>(k);
  b->marker_order_ok = true;
}

void order_place(branch* b, std::size_t pos) {  // a new marker at the end of markers
  auto& o = b->marker_order;
  const auto& ms = b->markers;
  auto at = std::lower_bound(o.begin(), o.end(), ms[pos].index,
                             [&](std::uint8_t x, std::uint64_t v) { return ms[x].index < v; });
  auto k0 = static_cast<std::size_t>(at - o.begin());
  o.insert(at, static_cast<std::uint8_t>(pos));
  b->marker_slot.resize(ms.size());
  for (std::size_t k = k0; k < o.size(); ++k) b->marker_slot[o[k]] = static_cast<std::uint8_t>(k);
}

void order_reposition(branch* b, std::size_t pos) {  // markers[pos].index changed
  if (!b->marker_order_ok) return;
  auto& o = b->marker_order;
  auto& slot = b->marker_slot;
  const auto& ms = b->markers;
  const auto me = static_cast<std::uint8_t>(pos);
  std::size_t k = slot[pos];
  const std::uint64_t v = ms[pos].index;
  // One insertion-sort step: markers usually move a short way.
  while (k > 0 && ms[o[k - 1]].index > v) {
    o[k] = o[k - 1];
    slot[o[k]] = static_cast<std::uint8_t>(k);
    --k;
  }
  while (k + 1 < o.size() && ms[o[k + 1]].index < v) {
    o[k] = o[k + 1];
    slot[o[k]] = static_cast<std::uint8_t>(k);
    ++k;
  }
  o[k] = me;
  slot[pos] = static_cast<std::uint8_t>(k);
}
// branch::markers_clean: every marker's item is live, countable and flagged, so that
// updateMarkerChanges would leave all of them where they are (see update_marker_changes).
bool marker_spot_clean(const item* p) { return !p->deleted && p->countable(); }

void overwrite_marker(branch* b, search_marker& m, item* p, std::uint64_t index) {
  m.p->marker = false;
  if (--m.p->marker_refs) b->markers_clean = false;  // another marker still points at the unflagged item
  if (!marker_spot_clean(p)) b->markers_clean = false;
  m.p = p;
  p->marker = true;
  ++p->marker_refs;
  m.index = index;
  m.timestamp = g_marker_timestamp++;
}

search_marker* mark_position(branch* b, item* p, std::uint64_t index) {
  if (b->markers.size() >= max_search_marker) {
    search_marker* oldest = &b->markers[0];
    for (auto& m : b->markers)
      if (m.timestamp < oldest->timestamp) oldest = &m;
    overwrite_marker(b, *oldest, p, index);
    order_reposition(b, static_cast<std::size_t>(oldest - b->markers.data()));
    return oldest;
  }
  p->marker = true;
  ++p->marker_refs;
  if (!marker_spot_clean(p)) b->markers_clean = false;
  b->markers.push_back({p, index, g_marker_timestamp++});
  if (b->marker_order_ok) order_place(b, b->markers.size() - 1);
  return &b->markers.back();
}

std::uint64_t absdiff(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

}  // namespace

search_marker* find_marker(branch* b, std::uint64_t index) {
  if (!b->start || index == 0 || !b->markers_on) return nullptr;
  search_marker* marker = nullptr;
  if (!b->markers.empty()) {
    // JS reduce((a, b) => |i-a| < |i-b| ? a : b) = the last marker at minimal distance: the
    // markers at minimal distance are those with the largest index below `index` or those with
    // the smallest index at or above it (or both on a tie); of them, the highest position.
    if (!b->marker_order_ok) order_rebuild(b);
    const auto& ms = b->markers;
    const auto& o = b->marker_order;
    const std::size_t n = o.size();
    auto at = [&](std::size_t k) { return ms[o[k]].index; };
    std::size_t lb = static_cast<std::size_t>(
        std::lower_bound(o.begin(), o.end(), index, [&](std::uint8_t x, std::uint64_t v) { return ms[x].index < v; }) -
        o.begin());
    std::uint64_t bestd = ~0ull;
    std::size_t best = 0;
    auto consider = [&](std::uint64_t d, std::size_t pos) {
      if (d < bestd || (d == bestd && pos > best)) {
        bestd = d;
        best = pos;
      }
    };
    if (lb < n) {
      const std::uint64_t v = at(lb);
      for (std::size_t k = lb; k < n && at(k) == v; ++k) consider(v - index, o[k]);
    }
    if (lb > 0) {
      const std::uint64_t v = at(lb - 1);
      for (std::size_t k = lb; k > 0 && at(k - 1) == v; --k) consider(index - v, o[k - 1]);
    }
    marker = &b->markers[best];
  }
  item* p = b->start;
  std::uint64_t pindex = 0;
  if (marker) {
    p = marker->p;
    pindex = marker->index;
    marker->timestamp = g_marker_timestamp++;
  }
  while (p->right && pindex < index) {
    if (!p->deleted && p->countable()) {
      if (index < pindex + p->length) break;
      pindex += p->length;
    }
    p = p->right;
  }
  while (p->left && pindex > index) {
    p = p->left;
    if (!p->deleted && p->countable()) pindex -= p->length;
  }
  while (p->left && p->left->id_.client == p->id_.client && p->left->id_.clock + p->left->length == p->id_.clock) {
    p = p->left;
    if (!p->deleted && p->countable()) pindex -= p->length;
  }
  // |marker.index - pindex| < length / 80 in doubles; both sides stay far below 2^53, where
  // the rounded quotient cannot cross an integer, so this is d * 80 < length exactly.
  const std::uint64_t moved = absdiff(marker ? marker->index : 0, pindex);
  if (marker && moved < (std::uint64_t{1} << 56) && moved * max_search_marker < p->parent->length) {
    overwrite_marker(b, *marker, p, pindex);
    order_reposition(b, static_cast<std::size_t>(marker - b->markers.data()));
    return marker;
  }
  return mark_position(b, p, pindex);
}

void update_marker_changes(branch* b, std::uint64_t index, std::int64_t len) {
  auto& ms = b->markers;
  if (len <= 0 || b->markers_clean) {
    // Markers stay on their items: for an insertion into a clean set, yjs's loop below clears and
    // sets each item's flag again and moves nothing (no marker is on a deleted or uncountable
    // item, none shares an unflagged item), so only the indexes change.
    if (len > 0) {
      // index <= m.index: m.index + len (already >= index)
      const auto add = static_cast<std::uint64_t>(len);
      if (b->marker_order_ok) {
        // Those markers are a suffix of the index order (which the shift keeps).
        const auto& o = b->marker_order;
        auto from = std::lower_bound(o.begin(), o.end(), index,
                                     [&](std::uint8_t x, std::uint64_t v) { return ms[x].index < v; });
        for (auto k = from; k != o.end(); ++k) ms[*k].index += add;
      } else {
        for (auto& m : ms) m.index += m.index >= index ? add : 0;
      }
    } else {
      // index < m.index: max(index, m.index + len), i.e. m.index - min(m.index - index, -len)
      const auto sub = static_cast<std::uint64_t>(-len);
      auto shift = [&](search_marker& m) {
        std::uint64_t room = m.index > index ? m.index - index : 0;
        m.index -= std::min(room, sub);
      };
      if (b->marker_order_ok) {
        // Those markers are a suffix of the index order (which the shift keeps, ties aside).
        const auto& o = b->marker_order;
        auto from = std::upper_bound(o.begin(), o.end(), index,
                                     [&](std::uint64_t v, std::uint8_t x) { return v < ms[x].index; });
        for (auto k = from; k != o.end(); ++k) shift(ms[*k]);
      } else {
        for (auto& m : ms) shift(m);
      }
    }
    return;
  }
  // After this pass every remaining marker is on a live countable item that it flagged last.
  b->markers_clean = true;
  b->marker_order_ok = false;
  for (std::size_t i = ms.size(); i-- > 0;) {
    auto& m = ms[i];
    if (len > 0) {
      item* p = m.p;
      p->marker = false;
      while (p && (p->deleted || !p->countable())) {
        p = p->left;
        if (p && !p->deleted && p->countable()) m.index -= p->length;
      }
      if (!p || p->marker) {
        --m.p->marker_refs;
        ms.erase(ms.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      --m.p->marker_refs;
      m.p = p;
      ++p->marker_refs;
      p->marker = true;
    }
    if (index < m.index || (len > 0 && index == m.index)) {
      auto shifted = static_cast<std::int64_t>(m.index) + len;
      m.index = std::max<std::uint64_t>(index, shifted < 0 ? 0 : static_cast<std::uint64_t>(shifted));
    }
  }
}

// ---- attribute helpers -------------------------------------------------------------------------

bool strict_equal(const any* a, const any* b) {
  if (a == b) return true;
  if (!a || !b) return false;  // one is undefined
  if (a->type() != b->type()) return false;
  switch (a->type()) {
    case any::kind::undefined:
    case any::kind::null: return true;
    case any::kind::boolean: return a->as_bool() == b->as_bool();
    case any::kind::number: return a->as_number() == b->as_number();
    case any::kind::bigint: return a->as_bigint() == b->as_bigint();
    case any::kind::string: return a->as_string() == b->as_string();
    default: return false;  // distinct objects
  }
}

bool equal_attrs(const any* a, const any* b) {
  if (strict_equal(a, b)) return true;
  if (!a || !b) return false;
  if (a->is_object() && b->is_object()) {
    const auto& x = a->as_object();
    const auto& y = b->as_object();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      const any* w = b->find(k);
      if (!w) {
        if (!v.is_undefined()) return false;
        continue;
      }
      if (!strict_equal(&v, w)) return false;
    }
    return true;
  }
  if (a->is_array() && b->is_array()) {
    const auto& x = a->as_array();
    const auto& y = b->as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!strict_equal(&x[i], &y[i])) return false;
    return true;
  }
  if ((a->is_binary() && b->is_binary())) return a->as_binary() == b->as_binary();
  return false;
}

const any* attr_map::get(std::string_view k) const {
  for (const auto& [key, v] : v_)
    if (key == k) return v;
  return nullptr;
}
void attr_map::set(std::string_view k, const any* val) {
  for (auto& [key, v] : v_)
    if (key == k) {
      v = val;
      return;
    }
  v_.emplace_back(std::string(k), val);
}
void attr_map::erase(std::string_view k) {
  for (auto i = v_.begin(); i != v_.end(); ++i)
    if (i->first == k) {
      v_.erase(i);
      return;
    }
}

namespace {
const any* format_value(const item* it) { return &it->c.values[0]; }

void update_current_attributes(attr_map& cur, const item* fmt) {
  const any* v = format_value(fmt);
  if (v->is_null())
    cur.erase(fmt->c.str);
  else
    cur.set(fmt->c.str, v);
}
}  // namespace

void text_pos::forward() {
  if (!right) throw std::logic_error("invariant: text position forward past the end");
  if (right->c.ref == ref_format) {
    if (!right->deleted) update_current_attributes(attrs, right);
  } else if (!right->deleted) {
    index += right->length;
  }
  left = right;
  right = right->right;
}

static void find_next_position(doc_impl& d, txn_impl& t, text_pos& pos, std::uint64_t count) {
  while (pos.right && count > 0) {
    if (pos.right->c.ref == ref_format) {
      if (!pos.right->deleted) update_current_attributes(pos.attrs, pos.right);
    } else if (!pos.right->deleted) {
      if (count < pos.right->length) d.get_item_clean_start(t, {pos.right->id_.client, pos.right->id_.clock + count});
      pos.index += pos.right->length;
      count -= pos.right->length;
    }
    pos.left = pos.right;
    pos.right = pos.right->right;
  }
}

text_pos find_text_position(doc_impl& d, txn_impl& t, branch* parent, std::uint64_t index, bool use_marker) {
  text_pos pos;
  search_marker* m = use_marker ? find_marker(parent, index) : nullptr;
  if (m) {
    pos.left = m->p->left;
    pos.right = m->p;
    pos.index = m->index;
    find_next_position(d, t, pos, index - m->index);
  } else {
    pos.right = parent->start;
    find_next_position(d, t, pos, index);
  }
  return pos;
}

namespace {
content make_format(std::string_view key, const any& v) {
  content c;
  c.ref = ref_format;
  c.str = std::string(key);
  c.values.push_back(v);
  c.len = 1;
  return c;
}

void insert_negated_attributes(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, attr_map& negated) {
  // Nothing to insert: the walk below would only move `pos`, which every caller drops afterwards.
  if (negated.empty()) return;
  while (pos.right &&
         (pos.right->deleted ||
          (pos.right->c.ref == ref_format && negated.has(pos.right->c.str) &&
           equal_attrs(negated.get(pos.right->c.str), format_value(pos.right))))) {
    if (!pos.right->deleted) negated.erase(pos.right->c.str);
    pos.forward();
  }
  for (const auto& [key, val] : negated.entries()) {
    item* nf = d.local_insert(t, pos.left, pos.right, parent, nullptr, make_format(key, val ? *val : k_null_any));
    pos.right = nf;
    pos.forward();
  }
}

void minimize_attribute_changes(text_pos& pos, const any::object& attributes) {
  while (pos.right) {
    if (pos.right->deleted) {
      pos.forward();
      continue;
    }
    if (pos.right->c.ref == ref_format) {
      const any* want = nullptr;
      for (const auto& [k, v] : attributes)
        if (k == pos.right->c.str) want = &v;
      if (!want || want->is_undefined()) want = &k_null_any;
      if (equal_attrs(want, format_value(pos.right))) {
        pos.forward();
        continue;
      }
    }
    break;
  }
}

// Returns negated attributes; values point into `attributes` / content / k_null_any.
attr_map insert_attributes(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, const any::object& attributes) {
  attr_map negated;
  for (const auto& [key, val] : attributes) {
    const any* cur = pos.attrs.get(key);
    if (!cur) cur = &k_null_any;
    if (!equal_attrs(cur, &val)) {
      negated.set(key, cur);
      item* f = d.local_insert(t, pos.left, pos.right, parent, nullptr, make_format(key, val));
      pos.right = f;
      pos.forward();
    }
  }
  return negated;
}
}  // namespace

void insert_text(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, content c, any::object attributes) {
  for (const auto& [key, v] : pos.attrs.entries()) {
    bool found = false;
    for (const auto& kv : attributes)
      if (kv.first == key && !kv.second.is_undefined()) found = true;
    if (!found) any::object_set(attributes, key, any(nullptr));
  }
  minimize_attribute_changes(pos, attributes);
  attr_map negated = insert_attributes(d, t, parent, pos, attributes);
  // negated values may point at pos.attrs entries' content (stable) or k_null_any.
  if (parent->markers_on) update_marker_changes(parent, pos.index, static_cast<std::int64_t>(c.len));
  std::uint64_t index = pos.index;
  item* r = d.local_insert(t, pos.left, pos.right, parent, nullptr, std::move(c));
  pos.right = r;
  pos.index = index;
  pos.forward();
  insert_negated_attributes(d, t, parent, pos, negated);
}

void format_text(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, std::uint64_t length,
                 const any::object& attributes) {
  minimize_attribute_changes(pos, attributes);
  attr_map negated = insert_attributes(d, t, parent, pos, attributes);
  while (pos.right && (length > 0 || (!negated.empty() && (pos.right->deleted || pos.right->c.ref == ref_format)))) {
    if (!pos.right->deleted) {
      if (pos.right->c.ref == ref_format) {
        const std::string& key = pos.right->c.str;
        const any* value = format_value(pos.right);
        const any* attr = nullptr;
        for (const auto& [k, v] : attributes)
          if (k == key && !v.is_undefined()) attr = &v;
        if (attr) {
          if (equal_attrs(attr, value)) {
            negated.erase(key);
          } else {
            if (length == 0) break;
            negated.set(key, value);
          }
          d.delete_item(t, pos.right);
        } else {
          pos.attrs.set(key, value);
        }
      } else {
        if (length < pos.right->length)
          d.get_item_clean_start(t, {pos.right->id_.client, pos.right->id_.clock + length});
        length -= std::min(length, pos.right->length);
      }
    }
    pos.forward();
  }
  if (length > 0) {
    content c;
    c.ref = ref_string;
    c.str.assign(static_cast<std::size_t>(length), '\n');
    c.len = length;
    item* r = d.local_insert(t, pos.left, pos.right, parent, nullptr, std::move(c));
    pos.right = r;
    pos.forward();
  }
  insert_negated_attributes(d, t, parent, pos, negated);
}

std::uint64_t cleanup_formatting_gap(doc_impl& d, txn_impl& t, item* start, item* curr, const attr_map& start_attrs,
                                     attr_map& curr_attrs) {
  item* end = start;
  std::vector<std::pair<std::string, item*>> end_formats;
  auto set_end = [&](const std::string& k, item* v) {
    for (auto& e : end_formats)
      if (e.first == k) {
        e.second = v;
        return;
      }
    end_formats.emplace_back(k, v);
  };
  auto get_end = [&](const std::string& k) -> item* {
    for (auto& e : end_formats)
      if (e.first == k) return e.second;
    return nullptr;
  };
  while (end && (!end->countable() || end->deleted)) {
    if (!end->deleted && end->c.ref == ref_format) set_end(end->c.str, end);
    end = end->right;
  }
  std::uint64_t cleanups = 0;
  bool reached_curr = false;
  while (start != end) {
    if (curr == start) reached_curr = true;
    if (!start->deleted && start->c.ref == ref_format) {
      const std::string key = start->c.str;
      const any* value = format_value(start);
      const any* start_val = start_attrs.get(key);
      if (!start_val) start_val = &k_null_any;
      if (get_end(key) != start || strict_equal(start_val, value)) {
        d.delete_item(t, start);
        ++cleanups;
        const any* cv = curr_attrs.get(key);
        if (!cv) cv = &k_null_any;
        if (!reached_curr && strict_equal(cv, value) && !strict_equal(start_val, value)) {
          if (start_val->is_null())
            curr_attrs.erase(key);
          else
            curr_attrs.set(key, start_val);
        }
      }
      if (!reached_curr && !start->deleted) update_current_attributes(curr_attrs, start);
    }
    start = start->right;
  }
  return cleanups;
}

namespace {
void cleanup_contextless_formatting_gap(doc_impl& d, txn_impl& t, item* it) {
  while (it && it->right && (it->right->deleted || !it->right->countable())) it = it->right;
  std::vector<std::string> seen;
  while (it && (it->deleted || !it->countable())) {
    if (!it->deleted && it->c.ref == ref_format) {
      const std::string& key = it->c.str;
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        d.delete_item(t, it);
      else
        seen.push_back(key);
    }
    it = it->left;
  }
}

void cleanup_ytext_formatting(doc_impl& d, txn_impl& t, branch* type) {
  item* start = type->start;
  item* end = type->start;
  attr_map start_attrs;
  attr_map cur_attrs;
  while (end) {
    if (!end->deleted) {
      if (end->c.ref == ref_format) {
        update_current_attributes(cur_attrs, end);
      } else {
        cleanup_formatting_gap(d, t, start, end, start_attrs, cur_attrs);
        start_attrs = cur_attrs;
        start = end;
      }
    }
    end = end->right;
  }
}

template <class F>
void iterate_structs(doc_impl& d, txn_impl& t, struct_list& structs, std::uint64_t clock_start,
                     std::uint64_t len, F&& f) {
  if (len == 0) return;
  std::uint64_t clock_end = clock_start + len;
  auto index = d.find_index_clean_start(t, structs, clock_start);
  if (index == static_cast<std::size_t>(-1)) return;
  item* s;
  do {
    s = structs[index++];
    if (clock_end < s->id_.clock + s->length) d.find_index_clean_start(t, structs, clock_end);
    f(s);
  } while (index < structs.size() && structs[index]->id_.clock < clock_end);
}
}  // namespace

void doc_impl::cleanup_ytext_after_transaction(txn_impl& tr) {
  std::vector<branch*> need_full;
  auto add_full = [&](branch* b) {
    if (std::find(need_full.begin(), need_full.end(), b) == need_full.end()) need_full.push_back(b);
  };
  for (std::size_t slot = 1; slot < tr.after.v.size(); ++slot) {
    if (!tr.after.has(slot)) continue;
    std::uint64_t clock = tr.before.get(slot), after_clock = tr.after.v[slot];
    if (after_clock == clock) continue;
    iterate_structs(*this, tr, clients[slot_client[slot]], clock, after_clock, [&](item* it) {
      if (!it->deleted && !it->is_gc && it->c.ref == ref_format) add_full(it->parent);
    });
  }
  transact(
      [&](txn_impl& t) {
        for (auto client : tr.ds.order) {
          auto& structs = clients[client];
          for (const auto& del : tr.ds.clients.at(client)) {
            iterate_structs(*this, tr, structs, del.clock, del.len, [&](item* it) {
              if (it->is_gc || !it->parent || !it->parent->has_formatting) return;
              if (std::find(need_full.begin(), need_full.end(), it->parent) != need_full.end()) return;
              if (it->c.ref == ref_format)
                add_full(it->parent);
              else
                cleanup_contextless_formatting_gap(*this, t, it);
            });
          }
        }
        for (branch* b : need_full) cleanup_ytext_formatting(*this, t, b);
      },
      nullptr, true);
}

void delete_text(doc_impl& d, txn_impl& t, text_pos& pos, std::uint64_t length) {
  std::uint64_t start_length = length;
  attr_map start_attrs = pos.attrs;
  item* start = pos.right;
  while (length > 0 && pos.right) {
    if (!pos.right->deleted) {
      auto r = pos.right->c.ref;
      if (r == ref_type || r == ref_embed || r == ref_string) {
        if (length < pos.right->length)
          d.get_item_clean_start(t, {pos.right->id_.client, pos.right->id_.clock + length});
        length -= std::min(length, pos.right->length);
        d.delete_item(t, pos.right);
      }
    }
    pos.forward();
  }
  // Without any format item in the list the gap cleanup finds nothing to do (it only touches
  // format items), so skip its walk over the deleted items that follow.
  if (start && start->parent && start->parent->ever_formatted)
    cleanup_formatting_gap(d, t, start, pos.right, start_attrs, pos.attrs);
  item* n = pos.left ? pos.left : pos.right;
  if (n && n->parent && n->parent->markers_on)
    update_marker_changes(n->parent, pos.index, -static_cast<std::int64_t>(start_length) + static_cast<std::int64_t>(length));
}

}  // namespace tandem::crdt::detail
