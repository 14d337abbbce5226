// Document state: struct store, shared types (branches), transactions. Internal header.
#pragma once
#include <deque>
#include <functional>
#include <map>

#include "internal.hpp"

namespace tandem::crdt::detail {

struct search_marker {
  item* p;
  std::uint64_t index;
  std::uint64_t timestamp;
};

struct branch {
  doc_impl* d = nullptr;
  item* it = nullptr;  // the item holding this type; nullptr for roots
  std::string root_name;
  type_kind kind = type_kind::unknown;
  std::string node_name;  // XmlElement node name / XmlHook hook name
  item* start = nullptr;
  std::unordered_map<const std::string*, item*> map;
  std::vector<const std::string*> keys;  // map keys in first-set order
  std::uint64_t length = 0;
  bool has_formatting = false;
  bool markers_on = false;  // _searchMarker !== null
  std::vector<search_marker> markers;
  bool markers_clean = true;     // see update_marker_changes
  std::vector<std::uint8_t> marker_order;  // see find_marker (text.cpp)
  std::vector<std::uint8_t> marker_slot;
  bool marker_order_ok = true;
  bool ever_formatted = false;  // a format item was ever integrated here (has_formatting can be reset)
  // Membership in a transaction's `changed` list: the serial of the transaction whose list holds
  // this type at position `changed_pos` (0 = none). Only trusted while that transaction runs its
  // function, when no other transaction can start.
  std::uint64_t changed_in = 0;
  std::size_t changed_pos = 0;

  void clear_markers() {
    for (auto& m : markers) --m.p->marker_refs;
    markers.clear();
    markers_clean = true;
    marker_order.clear();
    marker_slot.clear();
    marker_order_ok = true;
  }

  void map_set(const std::string* k, item* v) {
    auto [itr, fresh] = map.try_emplace(k, v);
    if (fresh)
      keys.push_back(k);
    else
      itr->second = v;
  }
  item* map_get(const std::string* k) const {
    auto itr = map.find(k);
    return itr == map.end() ? nullptr : itr->second;
  }
};

// A state vector taken by a transaction, indexed by the clients' slots (struct_list::slot, given
// in first-seen order); `absent` where the client had no structs.
struct slot_clocks {
  static constexpr std::uint64_t absent = ~std::uint64_t{0};
  std::vector<std::uint64_t> v;
  // Slot 0 (a list without a slot yet) is never present.
  std::uint64_t get(std::size_t slot) const { return has(slot) ? v[slot] : 0; }
  bool has(std::size_t slot) const { return slot != 0 && slot < v.size() && v[slot] != absent; }
};

struct txn_impl {
  doc_impl* d = nullptr;
  const void* origin = nullptr;
  bool local = true;
  std::uint64_t serial = 0;  // unique per transaction of the document (see branch::changed_in)
  slot_clocks before;
  slot_clocks after;
  delete_set ds;
  std::vector<item*> merge_structs;
  std::vector<branch*> changed;  // types changed (nullptr: removed again); no duplicates
  branch* last_changed = nullptr;  // the last type added to `changed` (and still in it)
  bool need_formatting_cleanup = false;
};

struct pending_structs {
  state_map missing;
  bytes update;  // v1
};

struct doc_impl {
  doc* owner = nullptr;
  std::uint64_t client_id = 0;
  bool gc = true;
  std::unordered_map<std::uint64_t, struct_list> clients;  // entries are never removed
  // Clients by slot (1-based, first-seen order of state_vector_into); [0] unused.
  mutable std::vector<std::uint64_t> slot_client{0};
  mutable std::vector<const struct_list*> slot_list{nullptr};
  std::uint64_t txn_serial = 0;
  std::uint64_t before_of(const txn_impl& t, std::uint64_t client) const {  // t.before[client] or 0
    const struct_list* l = list_of(client);
    return l ? t.before.get(l->slot) : 0;
  }
  // The last client looked up (nodes of an unordered_map stay put, so the pointer stays valid).
  mutable std::uint64_t cached_client = 0;
  mutable struct_list* cached_list = nullptr;
  struct_list* list_of(std::uint64_t client) const {  // nullptr if the client is unknown
    if (cached_list && cached_client == client) return cached_list;
    auto it = clients.find(client);
    if (it == clients.end()) return nullptr;
    cached_client = client;
    cached_list = const_cast<struct_list*>(&it->second);
    return cached_list;
  }
  struct_list& list_for(std::uint64_t client) {  // clients[client]
    if (cached_list && cached_client == client) return *cached_list;
    cached_list = &clients[client];
    cached_client = client;
    return *cached_list;
  }
  // Items live in chunks that grow geometrically (16 .. 1024 items): one allocation per chunk
  // rather than per couple of items as a std::deque of items of this size would do.
  std::vector<std::unique_ptr<item[]>> item_chunks;
  std::size_t chunk_size = 0, chunk_used = 0;
  std::deque<branch> branch_pool;
  std::unordered_set<std::string> interned;
  std::vector<std::pair<std::string, branch*>> share;  // roots in creation order
  std::unordered_map<std::string, branch*> share_index;
  std::optional<pending_structs> pending;
  std::optional<delete_set> pending_ds;
  std::map<std::size_t, doc::update_handler> handlers;
  // The handler being called alone by emit_update (0: none) and whether it unsubscribed meanwhile
  // (its erasure waits until it returns: it must not be destroyed while running).
  std::size_t calling_handler = 0;
  bool calling_retired = false;
  std::size_t next_handler = 1;
  txn_impl* current = nullptr;
  std::vector<std::unique_ptr<txn_impl>> cleanups;
  std::vector<std::unique_ptr<txn_impl>> spare_txns;  // reused to keep hash tables' buckets
  std::vector<item*> dead_items;                      // merged away during cleanup; recycled after it
  std::vector<item*> free_items;
  lib0::encoder update_buf;
  std::unordered_set<item*> scan_before, scan_conflict;

  // --- store
  std::uint64_t get_state(std::uint64_t client) const;
  state_map state_vector() const;
  void state_vector_into(state_map& sv) const;
  void state_vector_into(slot_clocks& sv) const;
  static std::size_t find_index(const struct_list& structs, std::uint64_t clock);  // npos if absent
  item* find(id i) const;
  item* get_item_clean_start(txn_impl& t, id i);
  item* get_item_clean_end(txn_impl& t, id i);
  std::size_t find_index_clean_start(txn_impl& t, struct_list& structs, std::uint64_t clock);
  item* split_item(txn_impl& t, item* left, std::uint64_t diff);
  void add_struct(item* it);
  item* new_item();
  const std::string* intern(std::string_view s);
  branch* new_branch(type_kind k);
  branch* root(std::string_view name);
  void type_root(branch* b, type_kind k);

  // --- items
  void integrate(txn_impl& t, item* it);
  void delete_item(txn_impl& t, item* it);
  void gc_item(item* it, bool parent_gcd);
  void gc_one(item* it, bool parent_gcd);  // gc_item's step for one item (after its nested type)
  bool merge_with(item* left, item* right);
  void add_changed(txn_impl& t, branch* type);
  item* local_insert(txn_impl& t, item* left, item* right, branch* parent, const std::string* parent_sub, content c);

  // --- transactions
  void transact(const std::function<void(txn_impl&)>& fn, const void* origin, bool local);
  void cleanup(txn_impl& t);
  void emit_update(txn_impl& t);

  // --- updates
  void apply_decoded(txn_impl& t, decoded_update& u);
  std::optional<pending_structs> integrate_structs(txn_impl& t, decoded_update& u);
  bool get_missing(txn_impl& t, raw_struct& s, std::uint64_t* missing_client);
  void integrate_raw(txn_impl& t, raw_struct& s, std::uint64_t offset);
  std::optional<delete_set> apply_delete_set(txn_impl& t, const delete_set& ds);
  void write_item(lib0::encoder& e, const item* it, std::uint64_t offset) const;
  void write_clients_structs(lib0::encoder& e, const state_map& sv) const;
  void write_clients_structs(lib0::encoder& e, const slot_clocks& sv) const;
  delete_set delete_set_from_store() const;
  bytes encode_state_as_update(bytes_view sv) const;

  // --- text formatting cleanup
  void cleanup_ytext_after_transaction(txn_impl& t);
};

// Search markers (AbstractType.js).
search_marker* find_marker(branch* b, std::uint64_t index);
void update_marker_changes(branch* b, std::uint64_t index, std::int64_t len);

std::uint64_t random_client_id();

}  // namespace tandem::crdt::detail
