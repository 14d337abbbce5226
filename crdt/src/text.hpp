// Y.Text editing internals shared by the ref API (text.cpp).
#pragma once
#include "doc_impl.hpp"

namespace tandem::crdt::detail {

// JS Map<string, value> of formatting attributes; values point at content values (identity
// matters for yjs's === comparisons) or at a shared null.
class attr_map {
 public:
  const any* get(std::string_view k) const;
  bool has(std::string_view k) const { return get(k) != nullptr; }
  void set(std::string_view k, const any* v);
  void erase(std::string_view k);
  bool empty() const { return v_.empty(); }
  const std::vector<std::pair<std::string, const any*>>& entries() const { return v_; }

 private:
  std::vector<std::pair<std::string, const any*>> v_;
};

struct text_pos {
  item* left = nullptr;
  item* right = nullptr;
  std::uint64_t index = 0;
  attr_map attrs;
  void forward();
};

bool strict_equal(const any* a, const any* b);
bool equal_attrs(const any* a, const any* b);
text_pos find_text_position(doc_impl& d, txn_impl& t, branch* parent, std::uint64_t index, bool use_marker);
void insert_text(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, content c, any::object attributes);
void format_text(doc_impl& d, txn_impl& t, branch* parent, text_pos& pos, std::uint64_t length,
                 const any::object& attributes);
void delete_text(doc_impl& d, txn_impl& t, text_pos& pos, std::uint64_t length);
std::uint64_t cleanup_formatting_gap(doc_impl& d, txn_impl& t, item* start, item* curr, const attr_map& start_attrs,
                                     attr_map& curr_attrs);

}  // namespace tandem::crdt::detail
