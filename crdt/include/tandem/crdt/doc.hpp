// The Yjs document: struct store, transactions, shared types (Map, Array, Text, Xml*) and the
// update format v1, byte-identical with yjs@13.6.33. Refs (map_ref, text_ref, ...) are cheap
// handles into a doc and must not outlive it. A doc is single-threaded: guard it externally.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tandem/crdt/any.hpp"
#include "tandem/crdt/result.hpp"

namespace tandem::crdt {

namespace detail {
struct branch;
struct doc_impl;
struct txn_impl;
}  // namespace detail

class doc;
class transaction;
class map_ref;
class array_ref;
class text_ref;
class xml_fragment_ref;
class xml_element_ref;
class xml_text_ref;

/// Type refs as on the wire (ContentType), plus `unknown` for a root never typed by get_*.
enum class type_kind : int {
  array = 0,
  map = 1,
  text = 2,
  xml_element = 3,
  xml_fragment = 4,
  xml_hook = 5,
  xml_text = 6,
  unknown = 100,
};

/// A value stored in a Map or Array: plain data (any) or a nested shared type.
/// Binary content is an any (Uint8Array); a sub-document is an any object {"guid": ...} with
/// is_subdoc() true.
class value {
 public:
  value() = default;
  explicit value(any a, bool subdoc = false) : v_(std::move(a)), subdoc_(subdoc) {}
  explicit value(detail::branch* b) : v_(b) {}

  bool is_any() const { return v_.index() == 0; }
  const any& as_any() const { return std::get<0>(v_); }
  bool is_subdoc() const { return subdoc_; }
  bool is_type() const { return v_.index() == 1; }
  type_kind kind() const;  // requires is_type()
  map_ref as_map() const;
  array_ref as_array() const;
  text_ref as_text() const;
  xml_fragment_ref as_xml_fragment() const;
  xml_element_ref as_xml_element() const;
  xml_text_ref as_xml_text() const;
  std::string to_json() const;

 private:
  std::variant<any, detail::branch*> v_;
  bool subdoc_ = false;
};

class transaction {
 public:
  const void* origin() const;
  bool local() const;
  crdt::doc& owner() const;

 private:
  friend class doc;
  friend struct detail::doc_impl;
  explicit transaction(detail::txn_impl* t) : t_(t) {}
  detail::txn_impl* t_;

 public:
  detail::txn_impl* impl() const { return t_; }  // internal
};

class shared_ref {
 public:
  bool valid() const { return b_ != nullptr; }
  type_kind kind() const;
  /// Deleted (its creating item is deleted) — such a type ignores writes.
  bool deleted() const;
  std::string to_json() const;
  detail::branch* impl() const { return b_; }  // internal
  bool operator==(const shared_ref& o) const { return b_ == o.b_; }

 protected:
  shared_ref() = default;
  explicit shared_ref(detail::branch* b) : b_(b) {}
  detail::branch* b_ = nullptr;
};

class map_ref : public shared_ref {
 public:
  map_ref() = default;
  explicit map_ref(detail::branch* b) : shared_ref(b) {}
  std::size_t size() const;
  std::vector<std::string> keys() const;  // in yjs iteration order (insertion order of keys)
  std::optional<value> get(std::string_view key) const;
  bool contains(std::string_view key) const;
  void set(transaction& txn, std::string_view key, any v);
  map_ref set_map(transaction& txn, std::string_view key);
  array_ref set_array(transaction& txn, std::string_view key);
  text_ref set_text(transaction& txn, std::string_view key);
  xml_fragment_ref set_xml_fragment(transaction& txn, std::string_view key);
  void remove(transaction& txn, std::string_view key);
};

class array_ref : public shared_ref {
 public:
  array_ref() = default;
  explicit array_ref(detail::branch* b) : shared_ref(b) {}
  std::size_t size() const;
  value get(std::size_t index) const;  // throws std::out_of_range
  std::vector<value> to_vector() const;
  /// Throws std::out_of_range past the end (like yjs's "Length exceeded!"); so does remove.
  void insert(transaction& txn, std::size_t index, std::vector<any> values);
  void push_back(transaction& txn, any v);
  map_ref insert_map(transaction& txn, std::size_t index);
  array_ref insert_array(transaction& txn, std::size_t index);
  text_ref insert_text(transaction& txn, std::size_t index);
  void remove(transaction& txn, std::size_t index, std::size_t count = 1);
};

struct delta_op {
  /// string = text, any = embed, value = embedded shared type
  std::variant<std::string, any, value> insert;
  any::object attributes;
};

class text_ref : public shared_ref {
 public:
  text_ref() = default;
  explicit text_ref(detail::branch* b) : shared_ref(b) {}
  std::size_t size() const;       // UTF-16 code units
  std::string to_string() const;  // UTF-8, text only (like YText.toString)
  std::vector<delta_op> to_delta() const;
  /// Empty `attrs` means "no attributes given" (YText.insert(i, s)): the text inherits the
  /// formatting at the position. Throws std::invalid_argument on malformed UTF-8.
  void insert(transaction& txn, std::size_t index, std::string_view utf8, const any::object& attrs = {});
  /// Empty `attrs` behaves like YText.insertEmbed(i, e) without attributes.
  void insert_embed(transaction& txn, std::size_t index, any embed, const any::object& attrs = {});
  void remove(transaction& txn, std::size_t index, std::size_t len);
  void format(transaction& txn, std::size_t index, std::size_t len, const any::object& attrs);
};

class xml_text_ref : public text_ref {
 public:
  xml_text_ref() = default;
  explicit xml_text_ref(detail::branch* b) : text_ref(b) {}
  /// Like YXmlText.toString(): formatting attributes become nested tags.
  std::string to_string() const;
};

class xml_fragment_ref : public shared_ref {
 public:
  xml_fragment_ref() = default;
  explicit xml_fragment_ref(detail::branch* b) : shared_ref(b) {}
  std::size_t size() const;
  value get(std::size_t index) const;
  std::vector<value> children() const;
  xml_element_ref insert_element(transaction& txn, std::size_t index, std::string_view node_name);
  xml_text_ref insert_text(transaction& txn, std::size_t index);
  void remove(transaction& txn, std::size_t index, std::size_t count = 1);
  /// Like yjs toString(): concatenated children.
  std::string to_string() const;
};

class xml_element_ref : public xml_fragment_ref {
 public:
  xml_element_ref() = default;
  explicit xml_element_ref(detail::branch* b) : xml_fragment_ref(b) {}
  std::string node_name() const;
  any::object attributes() const;
  std::optional<any> get_attribute(std::string_view name) const;
  void set_attribute(transaction& txn, std::string_view name, any v);
  void remove_attribute(transaction& txn, std::string_view name);
  /// Like YXmlElement.toString(): <name a="v">children</name>, attributes sorted by name.
  std::string to_string() const;
};

struct doc_options {
  std::optional<std::uint64_t> client_id;
  bool gc = true;
};

class doc {
 public:
  explicit doc(doc_options opts = {});
  ~doc();
  doc(doc&&) noexcept;
  doc& operator=(doc&&) noexcept;
  doc(const doc&) = delete;
  doc& operator=(const doc&) = delete;

  std::uint64_t client_id() const;
  bool gc() const;

  /// All-or-nothing: the update is decoded fully first; on error nothing changes.
  result<void> apply_update(bytes_view update_v1, const void* origin = nullptr);
  /// v1 update of everything the state vector lacks (all when empty or undecodable), pending
  /// data included (like Y.encodeStateAsUpdate).
  bytes encode_state_as_update(bytes_view state_vector = {}) const;
  bytes encode_state_vector() const;
  /// Structs or deletes waiting for missing dependencies.
  bool has_pending() const;
  /// Delete set + state vector (Y.encodeSnapshot(Y.snapshot(doc))).
  bytes encode_snapshot() const;

  using update_handler = std::function<void(bytes_view update, const void* origin)>;
  std::size_t on_update(update_handler h);
  void off_update(std::size_t id);

  /// Runs fn inside one transaction; nested calls join the outer transaction.
  void transact(const std::function<void(transaction&)>& fn, const void* origin = nullptr);

  text_ref get_text(std::string_view root);
  map_ref get_map(std::string_view root);
  array_ref get_array(std::string_view root);
  xml_fragment_ref get_xml_fragment(std::string_view root);
  std::vector<std::string> root_names() const;
  /// Whole document as JSON: each root as typed by get_*, otherwise guessed from content
  /// (map if any entry has a key, else text if it holds strings/formats, else array).
  std::string to_json() const;
  /// Throws std::logic_error naming the broken invariant.
  void check_invariants() const;

  detail::doc_impl* impl() const { return d_.get(); }  // internal

 private:
  std::unique_ptr<detail::doc_impl> d_;
};

/// createDocFromSnapshot: `source` must have gc off.
result<doc> doc_from_snapshot(const doc& source, bytes_view snapshot);
/// Y.mergeUpdates
result<bytes> merge_updates(std::span<const bytes_view> updates);
/// Y.diffUpdate
result<bytes> diff_update(bytes_view update, bytes_view state_vector);
/// Y.encodeStateVectorFromUpdate
result<bytes> encode_state_vector_from_update(bytes_view update);
/// Decodes a state vector into (client, clock) pairs (descending client as encoded).
result<std::vector<std::pair<std::uint64_t, std::uint64_t>>> decode_state_vector(bytes_view sv);

}  // namespace tandem::crdt
