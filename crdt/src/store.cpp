// Struct store, item integration (YATA), deletion, GC, merging, transactions and applying /
// encoding updates — a port of yjs 13.6.33 Item.js, StructStore.js, Transaction.js, encoding.js.
#include <new>
#include <random>

#include "doc_impl.hpp"

namespace tandem::crdt::detail {

namespace {
constexpr std::size_t npos = static_cast<std::size_t>(-1);
bool same_opt_id(bool ha, const id& a, bool hb, const id& b) { return ha == hb && (!ha || a == b); }
}  // namespace

std::uint64_t random_client_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng() & 0xffffffffull;
}

// ---- struct_list -------------------------------------------------------------------------------

std::size_t struct_list::locate(std::size_t i) const {
  if (i >= starts_.back()) return starts_.size() - 1;  // the tail, where most accesses are
  // Last block whose start is <= i.
  auto it = std::upper_bound(starts_.begin(), starts_.end(), i);
  return static_cast<std::size_t>(it - starts_.begin()) - 1;
}

void struct_list::shift_starts(std::size_t from_block, std::ptrdiff_t delta) {
  for (std::size_t k = from_block; k < starts_.size(); ++k) starts_[k] = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(starts_[k]) + delta);
}

void struct_list::remove_block(std::size_t b) {
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b));
  starts_.erase(starts_.begin() + static_cast<std::ptrdiff_t>(b));
  first_clock_.erase(first_clock_.begin() + static_cast<std::ptrdiff_t>(b));
}

void struct_list::push_back(item* it) {
  if (blocks_.empty() || blocks_.back().size() >= max_block) {
    blocks_.emplace_back();
    blocks_.back().reserve(blocks_.size() == 1 ? 4 : max_block);
    starts_.push_back(size_);
    first_clock_.push_back(it->id_.clock);
  }
  blocks_.back().push_back({it->id_.clock, it});
  ++size_;
}

void struct_list::insert(std::size_t pos, item* it) {
  if (pos >= size_) {
    push_back(it);
    return;
  }
  std::size_t b = locate(pos);
  auto& v = blocks_[b];
  std::size_t o = pos - starts_[b];
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(o), entry{it->id_.clock, it});
  if (o == 0) first_clock_[b] = it->id_.clock;
  ++size_;
  shift_starts(b + 1, 1);
  if (v.size() > max_block) {
    // Split the block in two halves.
    std::size_t half = v.size() / 2;
    std::vector<entry> tail;
    tail.reserve(max_block);
    tail.assign(v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
    v.resize(half);
    std::size_t tail_start = starts_[b] + half;
    std::uint64_t tail_clock = tail.front().clock;
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(tail));
    starts_.insert(starts_.begin() + static_cast<std::ptrdiff_t>(b) + 1, tail_start);
    first_clock_.insert(first_clock_.begin() + static_cast<std::ptrdiff_t>(b) + 1, tail_clock);
  }
  hint_ = b;  // only a guess: operator[] checks it
}

void struct_list::erase(std::size_t first, std::size_t last) {
  if (last == size_ && first < last && first > starts_.back()) {
    // The tail of the last block (merging what a transaction appended): nothing moves.
    blocks_.back().resize(first - starts_.back());
    size_ = first;
    return;
  }
  while (first < last) {
    std::size_t b = locate(first);
    auto& v = blocks_[b];
    std::size_t o = first - starts_[b];
    std::size_t n = std::min(last - first, v.size() - o);
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(o), v.begin() + static_cast<std::ptrdiff_t>(o + n));
    size_ -= n;
    last -= n;
    shift_starts(b + 1, -static_cast<std::ptrdiff_t>(n));
    if (v.empty()) {
      remove_block(b);
      continue;
    }
    first_clock_[b] = v.front().clock;
    if (b + 1 < blocks_.size() && v.size() + blocks_[b + 1].size() <= max_block / 2) {
      // Join small neighbours so that the block count stays proportional to the size.
      auto& w = blocks_[b + 1];
      v.insert(v.end(), w.begin(), w.end());
      remove_block(b + 1);
    }
    hint_ = b;  // only a guess: operator[] checks it
  }
}

std::size_t struct_list::find(std::uint64_t clock) const {
  if (size_ == 0) return npos;
  // findIndexSS first looks at the last struct by its start clock (this also finds a
  // zero-length struct there, which yjs accepts and keeps).
  const entry& last = blocks_.back().back();
  if (last.clock == clock) {
    hint_ = blocks_.size() - 1;
    return size_ - 1;
  }
  // The struct holding `clock` is unique (clocks are contiguous), so checking the last one
  // first, as integrating an update in clock order mostly asks for, finds the same struct.
  if (last.clock < clock) {
    if (clock >= last.clock + last.it->length) return npos;
    hint_ = blocks_.size() - 1;
    return size_ - 1;
  }
  // Otherwise it is the last struct starting at or before `clock` (zero-length structs start
  // where their successor starts and come before it): in the last block starting there.
  std::size_t b = hint_;
  if (!(b < blocks_.size() && first_clock_[b] <= clock && (b + 1 == blocks_.size() || clock < first_clock_[b + 1]))) {
    auto bi = std::upper_bound(first_clock_.begin(), first_clock_.end(), clock);
    if (bi == first_clock_.begin()) return npos;
    b = static_cast<std::size_t>(bi - first_clock_.begin()) - 1;
  }
  // The last entry starting at or before `clock` (v[0] does): the entry found last time or the
  // one after it (a transaction looks up the same spot several times: delete, split, GC, merge),
  // checked by the clocks around it, else a branch-free binary search.
  const auto& v = blocks_[b];
  auto holds = [&](std::size_t k) { return k < v.size() && v[k].clock <= clock && (k + 1 == v.size() || clock < v[k + 1].clock); };
  const entry* base = v.data();
  if (holds(hint_off_)) {
    base += hint_off_;
  } else if (holds(hint_off_ + 1)) {
    base += hint_off_ + 1;
  } else {
    for (std::size_t len = v.size(); len > 1;) {
      std::size_t half = len / 2;
      base = base[half].clock <= clock ? base + half : base;
      len -= half;
    }
  }
  std::size_t o = static_cast<std::size_t>(base - v.data());
  hint_off_ = o;
  const item* s = base->it;
  if (clock >= s->id_.clock + s->length) return npos;
  hint_ = b;
  return starts_[b] + o;
}

// ---- store -------------------------------------------------------------------------------------

std::uint64_t doc_impl::get_state(std::uint64_t client) const {
  const struct_list* l = list_of(client);
  if (!l || l->empty()) return 0;
  const item* last = l->back();
  return last->id_.clock + last->length;
}

state_map doc_impl::state_vector() const {
  state_map sv;
  state_vector_into(sv);
  return sv;
}

void doc_impl::state_vector_into(state_map& sv) const {
  // No clear(): clients never leave the store, so a reused map is overwritten entry by entry
  // (keeps its nodes; a transaction object is only ever reused by the same document).
  for (const auto& [c, v] : clients)
    if (!v.empty()) sv[c] = v.back()->id_.clock + v.back()->length;
}

void doc_impl::state_vector_into(slot_clocks& sv) const {
  if (slot_list.size() != clients.size() + 1) {
    // Lists created since the last call get the next slots (in the order the map lists them).
    for (const auto& [c, v] : clients) {
      if (v.slot) continue;
      v.slot = slot_client.size();
      slot_client.push_back(c);
      slot_list.push_back(&v);
    }
  }
  const std::size_t n = slot_list.size();
  sv.v.resize(n);
  for (std::size_t k = 1; k < n; ++k) {
    const struct_list& v = *slot_list[k];
    sv.v[k] = v.empty() ? slot_clocks::absent : v.back()->id_.clock + v.back()->length;
  }
}

std::size_t doc_impl::find_index(const struct_list& structs, std::uint64_t clock) { return structs.find(clock); }

item* doc_impl::find(id i) const {
  const struct_list* l = list_of(i.client);
  if (!l) return nullptr;
  auto idx = find_index(*l, i.clock);
  return idx == npos ? nullptr : (*l)[idx];
}

item* doc_impl::split_item(txn_impl& t, item* left, std::uint64_t diff) {
  item* r = new_item();
  r->id_ = {left->id_.client, left->id_.clock + diff};
  r->length = left->length - diff;
  r->left = left;
  r->has_origin = true;
  r->origin = {left->id_.client, left->id_.clock + diff - 1};
  r->right = left->right;
  r->has_right_origin = left->has_right_origin;
  r->right_origin = left->right_origin;
  r->parent = left->parent;
  r->parent_sub = left->parent_sub;
  r->c = content_splice(left->c, diff);
  r->deleted = left->deleted;
  r->keep = left->keep;
  left->right = r;
  if (r->right) r->right->left = r;
  t.merge_structs.push_back(r);
  if (r->parent_sub && !r->right) r->parent->map_set(r->parent_sub, r);
  left->length = diff;
  return r;
}

std::size_t doc_impl::find_index_clean_start(txn_impl& t, struct_list& structs, std::uint64_t clock) {
  auto index = find_index(structs, clock);
  if (index == npos) return npos;
  item* s = structs[index];
  if (s->id_.clock < clock && clock < s->id_.clock + s->length && !s->is_gc) {
    structs.insert(index + 1, split_item(t, s, clock - s->id_.clock));
    return index + 1;
  }
  return index;
}

item* doc_impl::get_item_clean_start(txn_impl& t, id i) {
  struct_list* l = list_of(i.client);
  if (!l) return nullptr;
  auto idx = find_index_clean_start(t, *l, i.clock);
  return idx == npos ? nullptr : (*l)[idx];
}

item* doc_impl::get_item_clean_end(txn_impl& t, id i) {
  struct_list* l = list_of(i.client);
  if (!l) return nullptr;
  auto& structs = *l;
  auto index = find_index(structs, i.clock);
  if (index == npos) return nullptr;
  item* s = structs[index];
  if (!s->is_gc && i.clock >= s->id_.clock && i.clock + 1 < s->id_.clock + s->length)
    structs.insert(index + 1, split_item(t, s, i.clock - s->id_.clock + 1));
  return s;
}

void doc_impl::add_struct(item* it) {
  auto& v = list_for(it->id_.client);
  if (!v.empty()) {
    const item* last = v.back();
    if (last->id_.clock + last->length != it->id_.clock) throw std::logic_error("invariant: addStruct with a clock gap");
  }
  v.push_back(it);
}

item* doc_impl::new_item() {
  if (!free_items.empty()) {
    item* it = free_items.back();
    free_items.pop_back();
    it->~item();  // cheaper than assigning a fresh item (no moves and swaps of the content)
    ::new (static_cast<void*>(it)) item();
    return it;
  }
  if (chunk_used == chunk_size) {
    chunk_size = std::min<std::size_t>(chunk_size ? chunk_size * 2 : 16, 1024);
    item_chunks.emplace_back(new item[chunk_size]);
    chunk_used = 0;
  }
  return &item_chunks.back()[chunk_used++];
}

const std::string* doc_impl::intern(std::string_view s) { return &*interned.emplace(s).first; }

branch* doc_impl::new_branch(type_kind k) {
  branch* b = &branch_pool.emplace_back();
  b->d = this;
  b->kind = k;
  b->markers_on = k == type_kind::array || k == type_kind::text || k == type_kind::xml_text;
  return b;
}

branch* doc_impl::root(std::string_view name) {
  auto it = share_index.find(std::string(name));
  if (it != share_index.end()) return it->second;
  branch* b = new_branch(type_kind::unknown);
  b->root_name = std::string(name);
  share.emplace_back(b->root_name, b);
  share_index.emplace(b->root_name, b);
  return b;
}

void doc_impl::type_root(branch* b, type_kind k) {
  if (b->kind != type_kind::unknown) return;
  // doc.get(name, YText) replaces the untyped AbstractType by a fresh typed instance.
  b->kind = k;
  b->markers_on = k == type_kind::array || k == type_kind::text || k == type_kind::xml_text;
  b->clear_markers();
  b->has_formatting = false;
}

// ---- items -------------------------------------------------------------------------------------

void doc_impl::add_changed(txn_impl& t, branch* type) {
  if (t.last_changed == type || type->changed_in == t.serial) return;  // already in t.changed
  item* it = type->it;
  if (it && !(it->id_.clock < before_of(t, it->id_.client) && !it->deleted)) return;
  type->changed_in = t.serial;
  type->changed_pos = t.changed.size();
  t.changed.push_back(type);
  if (!it) t.last_changed = type;
}

void doc_impl::integrate(txn_impl& t, item* it) {
  branch* parent = it->parent;
  if ((!it->left && (!it->right || it->right->left != nullptr)) || (it->left && it->left->right != it->right)) {
    item* left = it->left;
    item* o;
    if (left) {
      o = left->right;
    } else if (it->parent_sub) {
      o = parent->map_get(it->parent_sub);
      while (o && o->left) o = o->left;
    } else {
      o = parent->start;
    }
    scan_before.clear();
    scan_conflict.clear();
    while (o && o != it->right) {
      scan_before.insert(o);
      scan_conflict.insert(o);
      if (same_opt_id(it->has_origin, it->origin, o->has_origin, o->origin)) {
        if (o->id_.client < it->id_.client) {
          left = o;
          scan_conflict.clear();
        } else if (same_opt_id(it->has_right_origin, it->right_origin, o->has_right_origin, o->right_origin)) {
          break;
        }
      } else if (o->has_origin && scan_before.count(find(o->origin))) {
        if (!scan_conflict.count(find(o->origin))) {
          left = o;
          scan_conflict.clear();
        }
      } else {
        break;
      }
      o = o->right;
    }
    it->left = left;
  }
  if (it->left) {
    it->right = it->left->right;
    it->left->right = it;
  } else {
    item* r;
    if (it->parent_sub) {
      r = parent->map_get(it->parent_sub);
      while (r && r->left) r = r->left;
    } else {
      r = parent->start;
      parent->start = it;
    }
    it->right = r;
  }
  if (it->right) {
    it->right->left = it;
  } else if (it->parent_sub) {
    parent->map_set(it->parent_sub, it);
    if (it->left) delete_item(t, it->left);
  }
  if (!it->parent_sub && it->countable() && !it->deleted) parent->length += it->length;
  add_struct(it);
  switch (it->c.ref) {
    case ref_deleted:
      t.ds.add(it->id_.client, it->id_.clock, it->c.len);
      it->deleted = true;
      break;
    case ref_type: {
      if (!it->c.type) {
        it->c.type = new_branch(static_cast<type_kind>(it->c.type_ref));
        it->c.type->node_name = it->c.str;
      }
      it->c.type->it = it;
      break;
    }
    case ref_format:
      parent->markers_on = false;
      parent->clear_markers();
      parent->has_formatting = true;
      parent->ever_formatted = true;
      break;
    default: break;
  }
  add_changed(t, parent);
  if ((parent->it && parent->it->deleted) || (it->parent_sub && it->right)) delete_item(t, it);
}

void doc_impl::delete_item(txn_impl& t, item* first) {
  struct frame {
    branch* b;
    item* cur;
    std::size_t key;
    bool in_map;
  };
  std::vector<frame> stack;
  auto del_one = [&](item* it) {
    if (it->deleted) return;
    branch* parent = it->parent;
    if (it->countable() && !it->parent_sub) parent->length -= it->length;
    it->deleted = true;
    if (it->marker_refs) parent->markers_clean = false;
    t.ds.add(it->id_.client, it->id_.clock, it->length);
    add_changed(t, parent);
    if (it->c.ref == ref_type && it->c.type) stack.push_back({it->c.type, it->c.type->start, 0, false});
  };
  auto child = [&](item* x) {
    if (!x->deleted)
      del_one(x);
    else if (x->id_.clock < before_of(t, x->id_.client))
      t.merge_structs.push_back(x);
  };
  del_one(first);
  while (!stack.empty()) {
    frame& f = stack.back();
    if (!f.in_map) {
      if (f.cur) {
        item* x = f.cur;
        f.cur = x->right;
        child(x);
        continue;
      }
      f.in_map = true;
      continue;
    }
    if (f.key < f.b->keys.size()) {
      item* x = f.b->map_get(f.b->keys[f.key++]);
      if (x) child(x);
      continue;
    }
    if (f.b->changed_in == t.serial) {  // t.changed.delete(type)
      t.changed[f.b->changed_pos] = nullptr;
      f.b->changed_in = 0;
    }
    if (t.last_changed == f.b) t.last_changed = nullptr;
    stack.pop_back();
  }
}

void doc_impl::gc_item(item* first, bool parent_gcd) {
  if (first->is_gc) return;
  if (first->c.ref != ref_type) {  // no nested items: the loop below for one item, without its stack
    gc_one(first, parent_gcd);
    return;
  }
  std::vector<std::pair<item*, bool>> work{{first, parent_gcd}};
  while (!work.empty()) {
    auto [it, pg] = work.back();
    work.pop_back();
    if (it->is_gc) continue;
    if (it->c.ref == ref_type && it->c.type) {
      branch* b = it->c.type;
      for (item* x = b->start; x; x = x->right) work.emplace_back(x, true);
      for (auto* k : b->keys)
        for (item* x = b->map_get(k); x; x = x->left) work.emplace_back(x, true);
      b->start = nullptr;
      b->clear_markers();  // its items become GC structs, which merging may recycle
      b->map.clear();
      b->keys.clear();
    }
    gc_one(it, pg);
  }
}

void doc_impl::gc_one(item* it, bool pg) {
  if (pg) {
    it->is_gc = true;
    it->deleted = true;
    it->c = content{};
    it->parent = nullptr;
    it->parent_sub = nullptr;
    it->left = it->right = nullptr;
  } else if (it->c.ref != ref_deleted || it->c.len != it->length || !it->c.str.empty() || !it->c.values.empty()) {
    content d;
    d.ref = ref_deleted;
    d.len = it->length;
    it->c = std::move(d);
  }
}

bool doc_impl::merge_with(item* l, item* r) {
  if (l->is_gc != r->is_gc) return false;
  if (l->is_gc) {
    l->length += r->length;
    dead_items.push_back(r);
    return true;
  }
  if (r->has_origin && r->origin == l->last_id() && l->right == r &&
      same_opt_id(l->has_right_origin, l->right_origin, r->has_right_origin, r->right_origin) &&
      l->id_.client == r->id_.client && l->id_.clock + l->length == r->id_.clock && l->deleted == r->deleted &&
      l->c.ref == r->c.ref && content_merge(l->c, r->c)) {
    branch* parent = l->parent;
    if (parent && parent->markers_on && r->marker_refs) {
      for (auto& m : parent->markers) {
        if (m.p == r) {
          m.p = l;
          parent->markers_clean = false;  // l's flag may be unset
          parent->marker_order_ok = false;
          --r->marker_refs;
          ++l->marker_refs;
          if (!l->deleted && l->countable()) m.index -= l->length;
        }
      }
    }
    if (r->keep) l->keep = true;
    l->right = r->right;
    if (l->right) l->right->left = l;
    l->length += r->length;
    dead_items.push_back(r);
    return true;
  }
  return false;
}

namespace {
std::size_t try_merge_lefts(doc_impl& d, struct_list& structs, std::size_t pos) {
  std::size_t i = pos;
  for (; i > 0; --i) {
    item* l = structs[i - 1];
    item* r = structs[i];
    if (l->deleted == r->deleted && l->is_gc == r->is_gc && d.merge_with(l, r)) {
      if (!r->is_gc && r->parent_sub && r->parent && r->parent->map_get(r->parent_sub) == r)
        r->parent->map_set(r->parent_sub, l);
      continue;
    }
    break;
  }
  std::size_t merged = pos - i;
  if (merged)
    structs.erase(pos + 1 - merged, pos + 1);
  return merged;
}
}  // namespace

item* doc_impl::local_insert(txn_impl& t, item* left, item* right, branch* parent, const std::string* parent_sub,
                             content c) {
  item* it = new_item();
  it->id_ = {client_id, get_state(client_id)};
  it->length = c.len;
  it->left = left;
  it->right = right;
  if (left) {
    it->has_origin = true;
    it->origin = left->last_id();
  }
  if (right) {
    it->has_right_origin = true;
    it->right_origin = right->id_;
  }
  it->parent = parent;
  it->parent_sub = parent_sub;
  it->c = std::move(c);
  integrate(t, it);
  return it;
}

// ---- transactions ------------------------------------------------------------------------------

void doc_impl::transact(const std::function<void(txn_impl&)>& fn, const void* origin, bool local) {
  bool initial = false;
  if (!current) {
    std::unique_ptr<txn_impl> t;
    if (!spare_txns.empty()) {
      t = std::move(spare_txns.back());
      spare_txns.pop_back();
      t->ds.reset();
      t->merge_structs.clear();
      t->changed.clear();
      t->last_changed = nullptr;
      t->need_formatting_cleanup = false;
    } else {
      t = std::make_unique<txn_impl>();
    }
    t->d = this;
    t->serial = ++txn_serial;
    t->origin = origin;
    t->local = local;
    state_vector_into(t->before);
    current = t.get();
    cleanups.push_back(std::move(t));
    initial = true;
  }
  auto finish = [&] {
    if (!initial) return;
    bool first = current == cleanups[0].get();
    current = nullptr;
    if (first) {
      try {
        for (std::size_t i = 0; i < cleanups.size(); ++i) cleanup(*cleanups[i]);
      } catch (...) {
        // An update handler threw: drop the queue so the next transaction starts clean.
        cleanups.clear();
        dead_items.clear();
        throw;
      }
      for (auto& t : cleanups) spare_txns.push_back(std::move(t));
      cleanups.clear();
      // Items merged away are unreachable now (markers and map entries were redirected).
      free_items.insert(free_items.end(), dead_items.begin(), dead_items.end());
      dead_items.clear();
    }
  };
  try {
    fn(*current);
  } catch (...) {
    finish();
    throw;
  }
  finish();
}

void doc_impl::cleanup(txn_impl& t) {
  t.ds.sort_and_merge();
  state_vector_into(t.after);
  for (branch* b : t.changed) {
    if (!b || (b->it && b->it->deleted)) continue;
    if (!t.local && b->markers_on) b->clear_markers();
    if ((b->kind == type_kind::text || b->kind == type_kind::xml_text) && !t.local && b->has_formatting)
      t.need_formatting_cleanup = true;
  }
  if (t.need_formatting_cleanup) cleanup_ytext_after_transaction(t);
  // tryGcDeleteSet
  if (gc) {
    for (auto client : t.ds.order) {
      struct_list* l = list_of(client);
      if (!l) continue;
      auto& structs = *l;
      const auto& dels = t.ds.ranges(client);
      for (std::size_t di = dels.size(); di-- > 0;) {
        const auto& del = dels[di];
        std::uint64_t end = del.clock + del.len;
        auto si = find_index(structs, del.clock);
        if (si == npos) continue;
        for (; si < structs.size() && structs[si]->id_.clock < end; ++si) {
          item* s = structs[si];
          if (!s->is_gc && s->deleted && !s->keep) gc_item(s, false);
        }
      }
    }
  }
  // tryMergeDeleteSet
  for (auto client : t.ds.order) {
    struct_list* l = list_of(client);
    if (!l) continue;
    auto& structs = *l;
    const auto& dels = t.ds.ranges(client);
    for (std::size_t di = dels.size(); di-- > 0;) {
      const auto& del = dels[di];
      auto fi = find_index(structs, del.clock + del.len - 1);
      if (fi == npos) continue;
      auto si = static_cast<std::int64_t>(std::min(structs.size() - 1, 1 + fi));
      while (si > 0 && structs[static_cast<std::size_t>(si)]->id_.clock >= del.clock)
        si -= 1 + static_cast<std::int64_t>(try_merge_lefts(*this, structs, static_cast<std::size_t>(si)));
    }
  }
  for (std::size_t slot = 1; slot < t.after.v.size(); ++slot) {
    if (!t.after.has(slot)) continue;
    std::uint64_t before = t.before.get(slot);
    if (before == t.after.v[slot]) continue;
    auto& structs = const_cast<struct_list&>(*slot_list[slot]);
    auto fi = find_index(structs, before);
    auto first = static_cast<std::int64_t>(std::max<std::size_t>(fi == npos ? 1 : fi, 1));
    for (auto i = static_cast<std::int64_t>(structs.size()) - 1; i >= first;)
      i -= 1 + static_cast<std::int64_t>(try_merge_lefts(*this, structs, static_cast<std::size_t>(i)));
  }
  for (std::size_t k = t.merge_structs.size(); k-- > 0;) {
    id mid = t.merge_structs[k]->id_;
    auto& structs = list_for(mid.client);
    auto pos = find_index(structs, mid.clock);
    if (pos == npos) continue;
    if (pos + 1 < structs.size()) {
      if (try_merge_lefts(*this, structs, pos + 1) > 1) continue;
    }
    if (pos > 0) try_merge_lefts(*this, structs, pos);
  }
  if (!t.local) {
    const struct_list* own = list_of(client_id);
    if (own && t.after.get(own->slot) != t.before.get(own->slot)) client_id = random_client_id();
  }
  emit_update(t);
}

void doc_impl::emit_update(txn_impl& t) {
  if (handlers.empty()) return;
  bool changed = !t.ds.empty();
  if (!changed)
    for (std::size_t slot = 1; slot < t.after.v.size(); ++slot)
      if (t.after.has(slot) && (!t.before.has(slot) || t.before.v[slot] != t.after.v[slot])) {
        changed = true;
        break;
      }
  if (!changed) return;
  lib0::encoder& e = update_buf;
  e.data().clear();
  write_clients_structs(e, t.before);
  write_delete_set(e, t.ds);
  if (handlers.size() == 1 && calling_handler == 0) {
    // Called in place (no copy); if it unsubscribes itself, the erasure waits for its return.
    auto only = handlers.begin();
    calling_handler = only->first;
    calling_retired = false;
    struct done {
      doc_impl& d;
      ~done() {
        const std::size_t id = d.calling_handler;
        d.calling_handler = 0;
        if (d.calling_retired) d.handlers.erase(id);
      }
    } guard{*this};
    only->second(e.data(), t.origin);
    return;
  }
  auto hs = handlers;  // handlers may unsubscribe while being called
  for (auto& [hid, h] : hs) h(e.data(), t.origin);
}

// ---- encoding ----------------------------------------------------------------------------------

void doc_impl::write_item(lib0::encoder& e, const item* it, std::uint64_t offset) const {
  if (it->is_gc) {
    e.write_u8(ref_gc);
    e.write_var_uint(it->length - offset);
    return;
  }
  bool has_origin = offset > 0 || it->has_origin;
  id origin = offset > 0 ? id{it->id_.client, it->id_.clock + offset - 1} : it->origin;
  auto info = static_cast<std::uint8_t>((it->c.ref & 0x1f) | (has_origin ? info_origin : 0) |
                                        (it->has_right_origin ? info_right_origin : 0) |
                                        (it->parent_sub ? info_parent_sub : 0));
  e.write_u8(info);
  if (has_origin) {
    e.write_var_uint(origin.client);
    e.write_var_uint(origin.clock);
  }
  if (it->has_right_origin) {
    e.write_var_uint(it->right_origin.client);
    e.write_var_uint(it->right_origin.clock);
  }
  if (!has_origin && !it->has_right_origin) {
    const branch* p = it->parent;
    if (!p->it) {
      e.write_var_uint(1);
      e.write_var_string(p->root_name);
    } else {
      e.write_var_uint(0);
      e.write_var_uint(p->it->id_.client);
      e.write_var_uint(p->it->id_.clock);
    }
    if (it->parent_sub) e.write_var_string(*it->parent_sub);
  }
  content_write(e, it->c, offset);
}

namespace {
// Writes the structs after the state vector given by `known(client, structs)` -> {known?, clock}.
template <class Known>
void write_structs_after(const doc_impl& d, lib0::encoder& e, bool by_slot, Known&& known) {
  // (client, clock, structs) to write, highest client first; no allocation for a few clients.
  struct entry {
    std::uint64_t client, clock;
    const struct_list* structs;
  };
  entry small[4];
  std::vector<entry> many;
  std::size_t n = 0;
  auto push = [&](std::uint64_t client, std::uint64_t clock, const struct_list* structs) {
    if (n < 4) {
      small[n++] = {client, clock, structs};
      return;
    }
    if (many.empty()) many.assign(small, small + 4);
    many.push_back({client, clock, structs});
    ++n;
  };
  auto consider = [&](std::uint64_t client, const struct_list& v) {
    if (v.empty()) return;
    const auto [found, clock] = known(client, v);
    if (!found || v.back()->id_.clock + v.back()->length > clock) push(client, clock, &v);
  };
  if (by_slot && d.slot_list.size() == d.clients.size() + 1) {  // every client has a slot
    for (std::size_t k = 1; k < d.slot_list.size(); ++k) consider(d.slot_client[k], *d.slot_list[k]);
  } else {
    for (const auto& [client, v] : d.clients) consider(client, v);
  }
  entry* first = many.empty() ? small : many.data();
  if (n > 1) std::sort(first, first + n, [](const entry& a, const entry& b) { return a.client > b.client; });
  e.write_var_uint(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto client = first[k].client;
    auto clock = first[k].clock;
    const auto& structs = *first[k].structs;
    clock = std::max(clock, structs.front()->id_.clock);
    auto start = doc_impl::find_index(structs, clock);
    e.write_var_uint(structs.size() - start);
    e.write_var_uint(client);
    e.write_var_uint(clock);
    const item* first_item = structs[start];
    d.write_item(e, first_item, clock - first_item->id_.clock);
    for (auto i = start + 1; i < structs.size(); ++i) d.write_item(e, structs[i], 0);
  }
}

}  // namespace

void doc_impl::write_clients_structs(lib0::encoder& e, const state_map& sv) const {
  write_structs_after(*this, e, false, [&](std::uint64_t client, const struct_list&) {
    auto f = sv.find(client);
    return f == sv.end() ? std::pair<bool, std::uint64_t>{false, 0} : std::pair<bool, std::uint64_t>{true, f->second};
  });
}

void doc_impl::write_clients_structs(lib0::encoder& e, const slot_clocks& sv) const {
  write_structs_after(*this, e, true, [&](std::uint64_t, const struct_list& l) {
    return std::pair<bool, std::uint64_t>{sv.has(l.slot), sv.get(l.slot)};
  });
}

delete_set doc_impl::delete_set_from_store() const {
  delete_set ds;
  for (const auto& [client, structs] : clients) {
    for (std::size_t i = 0; i < structs.size(); ++i) {
      if (!structs[i]->deleted) continue;
      std::uint64_t clock = structs[i]->id_.clock;
      std::uint64_t len = structs[i]->length;
      while (i + 1 < structs.size() && structs[i + 1]->deleted) len += structs[++i]->length;
      ds.add(client, clock, len);
    }
  }
  return ds;
}

bytes doc_impl::encode_state_as_update(bytes_view sv_bytes) const {
  state_map target;
  bytes sv_default{0};
  if (!sv_bytes.empty()) {
    try {
      target = decode_sv(sv_bytes);
    } catch (const lib0::decode_error&) {
      target.clear();
    }
  } else {
    sv_bytes = sv_default;
  }
  lib0::encoder e;
  write_clients_structs(e, target);
  write_delete_set(e, delete_set_from_store());
  if (!pending && !pending_ds) return e.take();
  std::vector<decoded_update> us;
  us.push_back(read_update_bytes(e.data()));
  if (pending_ds) {
    decoded_update p;
    p.ds = *pending_ds;
    us.push_back(std::move(p));
  }
  if (pending) {
    auto pu = read_update_bytes(pending->update);
    us.push_back(read_update_bytes(diff_decoded(pu, target)));
  }
  return merge_to_bytes(us);
}

// ---- applying updates --------------------------------------------------------------------------

bool doc_impl::get_missing(txn_impl& t, raw_struct& s, std::uint64_t* missing) {
  if (s.kind != 1) return false;
  if (s.has_origin && s.origin.client != s.id_.client && s.origin.clock >= get_state(s.origin.client)) {
    *missing = s.origin.client;
    return true;
  }
  if (s.has_right_origin && s.right_origin.client != s.id_.client &&
      s.right_origin.clock >= get_state(s.right_origin.client)) {
    *missing = s.right_origin.client;
    return true;
  }
  if (s.parent_kind == 2 && s.id_.client != s.parent_id.client && s.parent_id.clock >= get_state(s.parent_id.client)) {
    *missing = s.parent_id.client;
    return true;
  }
  s.r_left = nullptr;
  s.r_right = nullptr;
  if (s.has_origin) {
    s.r_left = get_item_clean_end(t, s.origin);
    if (s.r_left) s.origin = s.r_left->last_id();
  }
  if (s.has_right_origin) {
    s.r_right = get_item_clean_start(t, s.right_origin);
    if (s.r_right) s.right_origin = s.r_right->id_;
  }
  if ((s.r_left && s.r_left->is_gc) || (s.r_right && s.r_right->is_gc)) {
    s.r_parent_null = true;
  } else if (s.parent_kind == 0) {
    item* n = s.r_left ? s.r_left : s.r_right;
    if (n) {
      s.r_parent = n->parent;
      s.has_parent_sub = n->parent_sub != nullptr;
      if (n->parent_sub) s.parent_sub = *n->parent_sub;
    } else {
      s.r_parent_null = true;
    }
  } else if (s.parent_kind == 2) {
    item* p = find(s.parent_id);
    if (!p || p->is_gc || p->c.ref != ref_type || !p->c.type)
      s.r_parent_null = true;
    else
      s.r_parent = p->c.type;
  }
  // Hardening (not in yjs, which would corrupt its lists): neighbours that live in another list
  // than the item (only forged updates produce this) make it a GC struct instead.
  if (!s.r_parent_null && s.r_parent) {
    const std::string* sub = s.has_parent_sub ? intern(s.parent_sub) : nullptr;
    for (item* n : {s.r_left, s.r_right})
      if (n && (n->parent != s.r_parent || n->parent_sub != sub)) s.r_parent_null = true;
  }
  return false;
}

void doc_impl::integrate_raw(txn_impl& t, raw_struct& s, std::uint64_t offset) {
  id iid = s.id_;
  std::uint64_t len = s.length;
  if (s.kind == 0 || s.r_parent_null || !s.r_parent) {
    // A GC struct, or an item without a live parent (integrated as GC like yjs).
    item* g = new_item();
    g->id_ = {iid.client, iid.clock + offset};
    g->length = len - offset;
    g->is_gc = true;
    g->deleted = true;
    add_struct(g);
    return;
  }
  item* it = new_item();
  it->left = s.r_left;
  it->right = s.r_right;
  it->has_origin = s.has_origin;
  it->origin = s.origin;
  it->has_right_origin = s.has_right_origin;
  it->right_origin = s.right_origin;
  it->c = std::move(s.c);
  if (offset > 0) {
    iid.clock += offset;
    it->left = get_item_clean_end(t, {iid.client, iid.clock - 1});
    if (it->left) {
      it->has_origin = true;
      it->origin = it->left->last_id();
    }
    it->c = content_splice(it->c, offset);
    len -= offset;
  }
  it->id_ = iid;
  it->length = len;
  it->parent = s.r_parent;
  it->parent_sub = s.has_parent_sub ? intern(s.parent_sub) : nullptr;
  if (offset > 0 && it->left && (it->left->is_gc || it->left->parent != it->parent || it->left->parent_sub != it->parent_sub)) {
    // Forged overlap with known clocks in another list: keep the clocks, drop the content.
    gc_one(it, true);
    add_struct(it);
    return;
  }
  integrate(t, it);
}

std::optional<pending_structs> doc_impl::integrate_structs(txn_impl& t, decoded_update& u) {
  struct refs_t {
    std::vector<raw_struct*> refs;
    std::size_t i = 0;
    bool gone = false;
  };
  std::map<std::uint64_t, refs_t> client_refs;
  for (std::size_t k = 0; k < u.structs.size();) {
    std::uint64_t client = u.structs[k].id_.client;
    refs_t r;
    do {
      r.refs.push_back(&u.structs[k]);
      ++k;
    } while (k < u.structs.size() && !u.structs[k].first_in_block);
    client_refs[client] = std::move(r);
  }
  std::vector<std::uint64_t> ids;
  for (auto& [c, r] : client_refs) ids.push_back(c);
  if (ids.empty()) return std::nullopt;
  auto lookup = [&](std::uint64_t c) -> refs_t* {
    auto f = client_refs.find(c);
    return f == client_refs.end() || f->second.gone ? nullptr : &f->second;
  };
  auto get_next = [&]() -> refs_t* {
    if (ids.empty()) return nullptr;
    refs_t* n = &client_refs[ids.back()];
    while (n->refs.size() == n->i) {
      ids.pop_back();
      if (ids.empty()) return nullptr;
      n = &client_refs[ids.back()];
    }
    return n;
  };
  refs_t* cur = get_next();
  if (!cur) return std::nullopt;
  std::map<std::uint64_t, std::vector<raw_struct*>> rest;
  state_map missing_sv;
  auto update_missing = [&](std::uint64_t client, std::uint64_t clock) {
    auto f = missing_sv.find(client);
    if (f == missing_sv.end() || f->second > clock) missing_sv[client] = clock;
  };
  std::vector<raw_struct*> stack;
  auto add_stack_to_rest = [&] {
    for (raw_struct* s : stack) {
      std::uint64_t client = s->id_.client;
      if (refs_t* r = lookup(client)) {
        r->i--;
        rest[client].assign(r->refs.begin() + static_cast<std::ptrdiff_t>(r->i), r->refs.end());
        r->gone = true;
        r->i = 0;
        r->refs.clear();
      } else {
        rest[client] = {s};
      }
      ids.erase(std::remove(ids.begin(), ids.end(), client), ids.end());
    }
    stack.clear();
  };
  state_map state;
  raw_struct* head = cur->refs[cur->i++];
  while (true) {
    if (head->kind != 2) {
      std::uint64_t client = head->id_.client;
      auto sc = state.find(client);
      if (sc == state.end()) sc = state.emplace(client, get_state(client)).first;
      std::uint64_t local_clock = sc->second;
      if (local_clock < head->id_.clock) {
        stack.push_back(head);
        update_missing(client, head->id_.clock - 1);
        add_stack_to_rest();
      } else {
        std::uint64_t offset = local_clock - head->id_.clock;
        std::uint64_t missing = 0;
        if (get_missing(t, *head, &missing)) {
          stack.push_back(head);
          refs_t* sr = lookup(missing);
          if (!sr || sr->refs.size() == sr->i) {
            update_missing(missing, get_state(missing));
            add_stack_to_rest();
          } else {
            head = sr->refs[sr->i++];
            continue;
          }
        } else if (offset == 0 || offset < head->length) {
          std::uint64_t end = head->id_.clock + head->length;
          integrate_raw(t, *head, offset);
          state[client] = end;
        }
      }
    }
    if (!stack.empty()) {
      head = stack.back();
      stack.pop_back();
    } else if (cur && cur->i < cur->refs.size()) {
      head = cur->refs[cur->i++];
    } else {
      cur = get_next();
      if (!cur) break;
      head = cur->refs[cur->i++];
    }
  }
  if (rest.empty()) return std::nullopt;
  lib0::encoder e;
  e.write_var_uint(rest.size());
  for (auto it = rest.rbegin(); it != rest.rend(); ++it) {
    const auto& v = it->second;
    e.write_var_uint(v.size());
    e.write_var_uint(it->first);
    e.write_var_uint(v[0]->id_.clock);
    for (auto* s : v) write_raw_struct(e, *s, 0);
  }
  e.write_var_uint(0);
  return pending_structs{std::move(missing_sv), e.take()};
}

std::optional<delete_set> doc_impl::apply_delete_set(txn_impl& t, const delete_set& ds) {
  delete_set unapplied;
  for (auto client : ds.order) {
    std::uint64_t state = get_state(client);
    for (const auto& r : ds.clients.at(client)) {
      std::uint64_t clock = r.clock;
      std::uint64_t end = r.clock + r.len;
      if (clock < state) {
        if (state < end) unapplied.add(client, state, end - state);
        auto& structs = list_for(client);
        auto index = find_index(structs, clock);
        if (index == npos) continue;
        item* s = structs[index];
        if (!s->deleted && s->id_.clock < clock) {
          structs.insert(index + 1, split_item(t, s, clock - s->id_.clock));
          index++;
        }
        while (index < structs.size()) {
          s = structs[index++];
          if (s->id_.clock < end) {
            if (!s->deleted) {
              if (end < s->id_.clock + s->length)
                structs.insert(index, split_item(t, s, end - s->id_.clock));
              delete_item(t, s);
            }
          } else {
            break;
          }
        }
      } else {
        unapplied.add(client, clock, end - clock);
      }
    }
  }
  if (unapplied.empty()) return std::nullopt;
  return unapplied;
}

void doc_impl::apply_decoded(txn_impl& t, decoded_update& first) {
  decoded_update* u = &first;
  decoded_update retry_update;
  while (true) {
    t.local = false;
    for (auto& s : u->structs)
      if (s.kind == 1 && s.parent_kind == 1) s.r_parent = root(s.parent_name);
    auto rest = integrate_structs(t, *u);
    bool retry = false;
    if (pending) {
      for (const auto& [client, clock] : pending->missing)
        if (clock < get_state(client)) {
          retry = true;
          break;
        }
      if (rest) {
        for (const auto& [client, clock] : rest->missing) {
          auto f = pending->missing.find(client);
          if (f == pending->missing.end() || f->second > clock) pending->missing[client] = clock;
        }
        std::vector<decoded_update> us;
        us.push_back(read_update_bytes(pending->update));
        us.push_back(read_update_bytes(rest->update));
        pending->update = merge_to_bytes(us);
      }
    } else {
      pending = std::move(rest);
    }
    auto ds_rest = apply_delete_set(t, u->ds);
    if (pending_ds) {
      delete_set old = std::move(*pending_ds);
      pending_ds.reset();
      auto ds_rest2 = apply_delete_set(t, old);
      if (ds_rest && ds_rest2)
        pending_ds = merge_delete_sets({&*ds_rest, &*ds_rest2});
      else if (ds_rest)
        pending_ds = std::move(ds_rest);
      else
        pending_ds = std::move(ds_rest2);
    } else {
      pending_ds = std::move(ds_rest);
    }
    if (!retry) break;
    bytes upd = std::move(pending->update);
    pending.reset();
    retry_update = read_update_bytes(upd);
    u = &retry_update;
  }
}

}  // namespace tandem::crdt::detail
