// Internal data model of tandem_crdt: ids, contents, items (integrated structs), raw structs
// (decoded, not yet integrated), delete sets and the document state. Not a public header.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tandem/crdt/doc.hpp"
#include "tandem/crdt/lib0.hpp"

namespace tandem::crdt::detail {

// Concatenation by appending (GCC 12's -Wrestrict misfires on chains of operator+ at -O3).
template <class... A>
std::string str_cat(const A&... a) {
  std::string s;
  (s.append(std::string_view(a)), ...);
  return s;
}

struct id {
  std::uint64_t client = 0;
  std::uint64_t clock = 0;
  bool operator==(const id&) const = default;
};

// Info byte low 5 bits (Item.js contentRefs) and the struct kinds that are not items.
enum : std::uint8_t {
  ref_gc = 0,
  ref_deleted = 1,
  ref_json = 2,
  ref_binary = 3,
  ref_string = 4,
  ref_embed = 5,
  ref_format = 6,
  ref_type = 7,
  ref_any = 8,
  ref_doc = 9,
  ref_skip = 10,
};
enum : std::uint8_t { info_origin = 0x80, info_right_origin = 0x40, info_parent_sub = 0x20 };

struct branch;

// Item content. `len` is the length in clock units (UTF-16 units for strings).
struct content {
  std::uint8_t ref = ref_deleted;
  std::uint8_t type_ref = 0;    // ContentType: wire type ref
  std::uint64_t len = 0;
  std::string str;              // string (UTF-8) / format key / embed JSON unused / doc guid / xml node name
  std::vector<any> values;      // any / json values; embed [value]; format [value]; binary [bytes]; doc [opts]
  branch* type = nullptr;       // ContentType once integrated

  bool countable() const { return ref != ref_deleted && ref != ref_format; }
};

// Split content at `offset` (clock units): this keeps [0, offset), returns the rest.
content content_splice(content& c, std::uint64_t offset);
// Append `right` to `left` if the content kind merges (Deleted, String, Any, JSON).
bool content_merge(content& left, content& right);
// Write the content from `offset` on (v1).
void content_write(lib0::encoder& e, const content& c, std::uint64_t offset);
content content_read(lib0::decoder& d, std::uint8_t ref);
// For strings: byte offset of UTF-16 position `u16` (must be at a char boundary or inside a pair).
std::size_t utf8_offset_of_utf16(std::string_view s, std::uint64_t u16, bool* inside_pair);

// Cache-line aligned so that the fields read while walking a list (up to c.ref) share one line;
// at its natural size (176 bytes) three items in four straddled two lines there.
struct alignas(64) item {
  // Fields read while walking a list come first (one cache line).
  id id_;
  std::uint64_t length = 0;
  item* left = nullptr;
  item* right = nullptr;
  bool deleted = false;
  bool keep = false;
  bool is_gc = false;     // a GC struct (no parent, no content)
  bool marker = false;    // a search marker points here (yjs's flag, not always accurate)
  std::uint16_t marker_refs = 0;  // exact number of search markers whose p is this item
  bool has_origin = false;
  bool has_right_origin = false;
  content c;
  id origin;
  id right_origin;
  branch* parent = nullptr;
  const std::string* parent_sub = nullptr;  // interned map key

  bool countable() const { return c.countable(); }
  id last_id() const { return id{id_.client, id_.clock + length - 1}; }
};

// The structs of one client in clock order (StructStore.clients[client] in yjs), addressed by
// position like yjs's array. Stored in blocks of at most `max_block` so that splitting or merging
// a struct in the middle of a long history moves one block's tail, not the whole array.
class struct_list {
 public:
  static constexpr std::size_t max_block = 256;
  mutable std::size_t slot = 0;  // the client's slot in transactions' state vectors (0 = none yet)
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  item* back() const { return blocks_.back().back().it; }
  item* front() const { return blocks_.front().front().it; }
  [[gnu::always_inline]] item* operator[](std::size_t i) const {
    std::size_t b = hint_;
    if (b >= blocks_.size() || i - starts_[b] >= blocks_[b].size()) b = hint_ = locate(i);
    return blocks_[b][i - starts_[b]].it;
  }
  void push_back(item* it);
  void insert(std::size_t pos, item* it);         // before the struct at `pos` (pos == size() appends)
  void erase(std::size_t first, std::size_t last);  // [first, last)
  // findIndexSS: position of the struct holding `clock` (or the last one if it starts there), npos if none.
  std::size_t find(std::uint64_t clock) const;

  class iterator {
   public:
    iterator(const struct_list* l, std::size_t i) : l_(l), i_(i) {}
    item* operator*() const { return (*l_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const struct_list* l_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }

 private:
  // A struct's start clock never changes while it is in the store (a split keeps the left part's
  // id, a merge keeps the left one), so it is kept next to the pointer for the searches.
  struct entry {
    std::uint64_t clock;
    item* it;
  };
  std::size_t locate(std::size_t i) const;  // block holding position i (i < size())
  void shift_starts(std::size_t from_block, std::ptrdiff_t delta);
  void remove_block(std::size_t b);
  std::vector<std::vector<entry>> blocks_;
  std::vector<std::size_t> starts_;         // position of each block's first struct
  std::vector<std::uint64_t> first_clock_;  // clock of each block's first struct
  std::size_t size_ = 0;
  mutable std::size_t hint_ = 0;
  mutable std::size_t hint_off_ = 0;  // position in block hint_ that find() returned last (a guess)
};

// A decoded struct that is not (yet) part of a store: GC, Skip or Item.
struct raw_struct {
  std::uint8_t kind = 1;  // 0 gc, 1 item, 2 skip
  id id_;
  std::uint64_t length = 0;
  bool has_origin = false, has_right_origin = false;
  id origin, right_origin;
  std::uint8_t parent_kind = 0;  // 0 none (copied from neighbour), 1 root name, 2 item id
  std::string parent_name;
  id parent_id;
  bool has_parent_sub = false;
  std::string parent_sub;
  content c;
  bool first_in_block = false;  // starts a client block on the wire
  std::size_t at = 0;           // byte offset of its info byte in the update (for errors)
  // Resolution state while integrating (getMissing).
  item* r_left = nullptr;
  item* r_right = nullptr;
  branch* r_parent = nullptr;
  bool r_parent_null = false;
};

struct ds_range {
  std::uint64_t clock, len;
};
struct delete_set {
  std::unordered_map<std::uint64_t, std::vector<ds_range>> clients;
  std::vector<std::uint64_t> order;  // clients in first-seen order (JS Map order)
  // A client without ranges is absent (reset() keeps the map's nodes for reuse).
  void add(std::uint64_t client, std::uint64_t clock, std::uint64_t len) {
    auto& v = ranges(client);
    if (v.empty()) order.push_back(client);
    v.push_back({clock, len});
  }
  // clients[client], remembering the last client asked for (map nodes stay put; entries are never
  // erased from a delete set, and a copied or moved set starts without the memo).
  std::vector<ds_range>& ranges(std::uint64_t client) {
    if (last_.v && last_.client == client) return *last_.v;
    auto& v = clients[client];
    last_.client = client;
    last_.v = &v;
    return v;
  }
  const std::vector<ds_range>& ranges(std::uint64_t client) const {  // clients.at(client)
    if (last_.v && last_.client == client) return *last_.v;
    return clients.at(client);
  }
  void reset() {
    for (auto c : order) ranges(c).clear();
    order.clear();
  }
  void sort_and_merge();
  bool empty() const { return order.empty(); }

 private:
  struct memo {
    std::uint64_t client = 0;
    std::vector<ds_range>* v = nullptr;
    memo() = default;
    memo(const memo&) {}
    memo& operator=(const memo&) {
      client = 0;
      v = nullptr;
      return *this;
    }
  };
  mutable memo last_;
};
void write_delete_set(lib0::encoder& e, const delete_set& ds);
delete_set read_delete_set(lib0::decoder& d);
delete_set merge_delete_sets(const std::vector<const delete_set*>& dss);

struct decoded_update {
  std::vector<raw_struct> structs;  // in wire order (clients grouped)
  delete_set ds;
};
decoded_update read_update(lib0::decoder& d);  // throws lib0::decode_error
decoded_update read_update_bytes(bytes_view b);
void write_raw_struct(lib0::encoder& e, const raw_struct& s, std::uint64_t offset);

// LazyStructWriter (updates.js): structs written client by client.
class lazy_writer {
 public:
  explicit lazy_writer(lib0::encoder& out) : out_(out) {}
  void write(const raw_struct& s, std::uint64_t offset);
  void finish();  // writes the struct section into `out`

 private:
  void flush();
  lib0::encoder& out_;
  lib0::encoder cur_;
  std::uint64_t client_ = 0;
  std::uint64_t written_ = 0;
  std::vector<std::pair<std::uint64_t, bytes>> parts_;
};

bytes encode_update(const decoded_update& u);  // struct-by-struct re-encode (convertUpdateFormat)
decoded_update merge_decoded(std::vector<decoded_update>& updates);  // mergeUpdates
bytes merge_to_bytes(std::vector<decoded_update>& updates);
bytes diff_decoded(const decoded_update& u, const std::unordered_map<std::uint64_t, std::uint64_t>& sv);
std::unordered_map<std::uint64_t, std::uint64_t> decode_sv(bytes_view sv);  // throws

using state_map = std::unordered_map<std::uint64_t, std::uint64_t>;
void write_state_vector(lib0::encoder& e, const state_map& sv);

}  // namespace tandem::crdt::detail
