// Public API of tandem_crdt: doc, transactions, shared-type refs, values and JSON views.
#include <stdexcept>

#include "text.hpp"

namespace tandem::crdt {

using namespace detail;

namespace {
constexpr std::size_t max_json_depth = 2000;

txn_impl& T(transaction& t) { return *t.impl(); }

std::string js_string(const any& a) {
  switch (a.type()) {
    case any::kind::undefined: return "undefined";
    case any::kind::null: return "null";
    case any::kind::boolean: return a.as_bool() ? "true" : "false";
    case any::kind::number: return js_number_to_string(a.as_number());
    case any::kind::bigint: return std::to_string(a.as_bigint());
    case any::kind::string: return a.as_string();
    case any::kind::binary: {
      std::string s;
      const auto& b = a.as_binary();
      for (std::size_t i = 0; i < b.size(); ++i) s += detail::str_cat(i ? "," : "", std::to_string(b[i]));
      return s;
    }
    case any::kind::array: {
      std::string s;
      const auto& v = a.as_array();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ",";
        if (!v[i].is_null() && !v[i].is_undefined()) s += js_string(v[i]);
      }
      return s;
    }
    case any::kind::object: return "[object Object]";
  }
  return "";
}

// Values of one item as getContent() returns them.
void item_values(const item* it, std::vector<value>& out) {
  const auto& c = it->c;
  switch (c.ref) {
    case ref_any:
    case ref_json:
      for (const auto& v : c.values) out.emplace_back(v);
      break;
    case ref_binary: out.emplace_back(c.values[0]); break;
    case ref_embed: out.emplace_back(c.values[0]); break;
    case ref_type: out.emplace_back(c.type); break;
    case ref_doc: {
      any::object o;
      o.emplace_back("guid", any(c.str));
      out.emplace_back(any(std::move(o)), true);
      break;
    }
    case ref_string: {
      // ContentString.getContent: one entry per UTF-16 unit; keep whole code points here.
      std::size_t i = 0;
      while (i < c.str.size()) {
        auto ch = static_cast<unsigned char>(c.str[i]);
        std::size_t len = ch < 0x80 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
        out.emplace_back(any(c.str.substr(i, len)));
        i += len;
      }
      break;
    }
    default: break;
  }
}

value last_value(const item* it) {
  std::vector<value> v;
  item_values(it, v);
  if (v.empty()) return value(any());
  return v.back();
}

std::vector<value> list_values(const branch* b) {
  std::vector<value> out;
  for (const item* n = b->start; n; n = n->right)
    if (!n->deleted && n->countable()) item_values(n, out);
  return out;
}

std::string text_string(const branch* b) {
  std::string s;
  for (const item* n = b->start; n; n = n->right)
    if (!n->deleted && n->c.ref == ref_string) s += n->c.str;
  return s;
}

type_kind guess_kind(const branch* b) {
  if (b->kind != type_kind::unknown) return b->kind;
  if (!b->start && !b->keys.empty()) return type_kind::map;
  for (const item* n = b->start; n; n = n->right) {
    if (n->deleted) continue;
    if (n->c.ref == ref_string || n->c.ref == ref_format || n->c.ref == ref_embed) return type_kind::text;
    return type_kind::array;
  }
  if (!b->keys.empty()) return type_kind::map;
  return type_kind::unknown;
}

any type_to_any(const branch* b, std::size_t depth);
std::string xml_to_string(const branch* b, std::size_t depth);

any value_to_any(const value& v, std::size_t depth) {
  if (v.is_subdoc()) return any(any::object{});  // Doc.toJSON() of a sub-document that is not loaded
  if (v.is_any()) return v.as_any();
  return type_to_any(v.is_type() ? value(v).as_map().impl() : nullptr, depth + 1);
}

any map_to_any(const branch* b, std::size_t depth) {
  any::object o;
  for (const auto* k : b->keys) {
    const item* it = b->map_get(k);
    if (!it || it->deleted) continue;
    any::object_set(o, *k, value_to_any(last_value(it), depth));
  }
  return any(std::move(o));
}

any type_to_any(const branch* b, std::size_t depth) {
  if (!b || depth > max_json_depth) return any(nullptr);
  switch (guess_kind(b)) {
    case type_kind::map:
    case type_kind::xml_hook: return map_to_any(b, depth);
    case type_kind::array: {
      any::array a;
      for (const auto& v : list_values(b)) a.push_back(value_to_any(v, depth));
      return any(std::move(a));
    }
    case type_kind::text: return any(text_string(b));
    case type_kind::xml_text:
    case type_kind::xml_element:
    case type_kind::xml_fragment: return any(xml_to_string(b, depth));
    case type_kind::unknown: return any(any::object{});
  }
  return any(nullptr);
}

std::vector<delta_op> text_delta(const branch* b) {
  std::vector<delta_op> ops;
  attr_map cur;
  std::string str;
  auto attrs_obj = [&] {
    any::object o;
    for (const auto& [k, v] : cur.entries()) any::object_set(o, k, *v);
    return o;
  };
  auto pack = [&] {
    if (!str.empty()) {
      delta_op op;
      op.insert = std::move(str);
      op.attributes = attrs_obj();
      ops.push_back(std::move(op));
      str.clear();
    }
  };
  for (const item* n = b->start; n; n = n->right) {
    if (n->deleted) continue;
    switch (n->c.ref) {
      case ref_string: str += n->c.str; break;
      case ref_type:
      case ref_embed: {
        pack();
        delta_op op;
        if (n->c.ref == ref_type)
          op.insert = value(n->c.type);
        else
          op.insert = n->c.values[0];
        op.attributes = attrs_obj();
        ops.push_back(std::move(op));
        break;
      }
      case ref_format: {
        pack();
        const any* v = &n->c.values[0];
        if (v->is_null())
          cur.erase(n->c.str);
        else
          cur.set(n->c.str, v);
        break;
      }
      default: break;
    }
  }
  pack();
  return ops;
}

std::string xml_text_string(const branch* b, std::size_t depth) {
  std::string out;
  for (const auto& op : text_delta(b)) {
    struct node {
      std::string name;
      std::vector<std::pair<std::string, std::string>> attrs;
    };
    std::vector<node> nested;
    for (const auto& [name, val] : op.attributes) {
      node nd{name, {}};
      if (val.is_object()) {
        for (const auto& [k, v] : val.as_object()) nd.attrs.emplace_back(k, js_string(v));
      } else if (val.is_string()) {
        // for..in over a string enumerates its indices
        std::vector<value> chars;
        std::size_t i = 0, idx = 0;
        const auto& s = val.as_string();
        while (i < s.size()) {
          auto ch = static_cast<unsigned char>(s[i]);
          std::size_t len = ch < 0x80 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
          nd.attrs.emplace_back(std::to_string(idx++), s.substr(i, len));
          i += len;
        }
      }
      std::stable_sort(nd.attrs.begin(), nd.attrs.end(), [](auto& a, auto& c) { return a.first < c.first; });
      nested.push_back(std::move(nd));
    }
    std::stable_sort(nested.begin(), nested.end(), [](auto& a, auto& c) { return a.name < c.name; });
    for (const auto& nd : nested) {
      out += str_cat("<", nd.name);
      for (const auto& [k, v] : nd.attrs) out += str_cat(" ", k, "=\"", v, "\"");
      out += ">";
    }
    if (auto* s = std::get_if<std::string>(&op.insert))
      out += *s;
    else if (auto* a = std::get_if<any>(&op.insert))
      out += js_string(*a);
    else if (auto* v = std::get_if<value>(&op.insert))
      out += xml_to_string(value(*v).as_map().impl(), depth + 1);
    for (auto i = nested.size(); i-- > 0;) out += str_cat("</", nested[i].name, ">");
  }
  return out;
}

std::string xml_to_string(const branch* b, std::size_t depth) {
  if (!b || depth > max_json_depth) return "";
  switch (b->kind) {
    case type_kind::xml_text: return xml_text_string(b, depth);
    case type_kind::xml_element:
    case type_kind::xml_fragment: {
      std::string inner;
      for (const auto& v : list_values(b)) {
        if (v.is_type())
          inner += xml_to_string(value(v).as_map().impl(), depth + 1);
        else
          inner += js_string(v.as_any());
      }
      if (b->kind == type_kind::xml_fragment) return inner;
      std::vector<std::pair<std::string, std::string>> attrs;
      for (const auto* k : b->keys) {
        const item* it = b->map_get(k);
        if (!it || it->deleted) continue;
        value lv = last_value(it);
        attrs.emplace_back(*k, lv.is_any() ? js_string(lv.as_any()) : "[object Object]");
      }
      std::sort(attrs.begin(), attrs.end(), [](auto& a, auto& c) { return a.first < c.first; });
      std::string name = b->node_name;
      for (auto& ch : name)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      std::string s = str_cat("<", name);
      for (const auto& [k, v] : attrs) s += str_cat(" ", k, "=\"", v, "\"");
      return str_cat(s, ">", inner, "</", name, ">");
    }
    case type_kind::text: return text_string(b);
    default: return "[object Object]";
  }
}

content any_content(std::vector<any> vals) {
  content c;
  c.ref = ref_any;
  c.len = vals.size();
  c.values = std::move(vals);
  return c;
}

content value_content(any v) {
  content c;
  if (v.is_binary()) {
    c.ref = ref_binary;
    c.values.push_back(std::move(v));
    c.len = 1;
    return c;
  }
  std::vector<any> vs;
  vs.push_back(std::move(v));
  return any_content(std::move(vs));
}

content type_content(doc_impl& d, type_kind k, std::string_view node_name = {}) {
  content c;
  c.ref = ref_type;
  c.type_ref = static_cast<std::uint8_t>(k);
  c.str = std::string(node_name);
  c.type = d.new_branch(k);
  c.type->node_name = c.str;
  c.len = 1;
  return c;
}

// typeMapSet
item* map_set(txn_impl& t, branch* b, std::string_view key, content c) {
  doc_impl& d = *t.d;
  const std::string* k = d.intern(key);
  item* left = b->map_get(k);
  return d.local_insert(t, left, nullptr, b, k, std::move(c));
}

// typeListInsertGenericsAfter
item* list_insert_after(txn_impl& t, branch* parent, item* ref, std::vector<content> contents) {
  doc_impl& d = *t.d;
  item* left = ref;
  item* right = ref ? ref->right : parent->start;
  for (auto& c : contents) left = d.local_insert(t, left, right, parent, nullptr, std::move(c));
  return left;
}

std::uint64_t contents_length(const std::vector<content>& cs) {
  std::uint64_t n = 0;
  for (const auto& c : cs) n += c.len;
  return n;
}

// typeListInsertGenerics
item* list_insert(txn_impl& t, branch* parent, std::uint64_t index, std::vector<content> contents) {
  doc_impl& d = *t.d;
  if (index > parent->length) throw std::out_of_range("array insert: length exceeded");
  auto n_content = static_cast<std::int64_t>(contents_length(contents));
  if (index == 0) {
    if (parent->markers_on) update_marker_changes(parent, index, n_content);
    return list_insert_after(t, parent, nullptr, std::move(contents));
  }
  std::uint64_t start_index = index;
  search_marker* m = find_marker(parent, index);
  item* n = parent->start;
  if (m) {
    n = m->p;
    index -= m->index;
    if (index == 0) {
      n = n->left;
      while (n && n->deleted) n = n->left;
      index += (n && n->countable() && !n->deleted) ? n->length : 0;
    }
  }
  for (; n; n = n->right) {
    if (!n->deleted && n->countable()) {
      if (index <= n->length) {
        if (index < n->length) d.get_item_clean_start(t, {n->id_.client, n->id_.clock + index});
        break;
      }
      index -= n->length;
    }
  }
  if (parent->markers_on) update_marker_changes(parent, start_index, n_content);
  return list_insert_after(t, parent, n, std::move(contents));
}

void list_delete(txn_impl& t, branch* parent, std::uint64_t index, std::uint64_t length) {
  if (length == 0) return;
  doc_impl& d = *t.d;
  std::uint64_t start_index = index, start_length = length;
  search_marker* m = find_marker(parent, index);
  item* n = parent->start;
  if (m) {
    n = m->p;
    index -= m->index;
  }
  for (; n && index > 0; n = n->right) {
    if (!n->deleted && n->countable()) {
      if (index < n->length) d.get_item_clean_start(t, {n->id_.client, n->id_.clock + index});
      index -= std::min(index, n->length);
    }
  }
  while (length > 0 && n) {
    if (!n->deleted) {
      if (length < n->length) d.get_item_clean_start(t, {n->id_.client, n->id_.clock + length});
      d.delete_item(t, n);
      length -= std::min(length, n->length);
    }
    n = n->right;
  }
  if (parent->markers_on)
    update_marker_changes(parent, start_index,
                          -static_cast<std::int64_t>(start_length) + static_cast<std::int64_t>(length));
  if (length > 0) throw std::out_of_range("array delete: length exceeded");
}

std::vector<content> pack_values(std::vector<any> values) {
  std::vector<content> out;
  std::vector<any> json;
  auto flush = [&] {
    if (!json.empty()) {
      out.push_back(any_content(std::move(json)));
      json.clear();
    }
  };
  for (auto& v : values) {
    if (v.is_binary()) {
      flush();
      out.push_back(value_content(std::move(v)));
    } else {
      json.push_back(std::move(v));
    }
  }
  flush();
  return out;
}

branch* insert_type(transaction& txn, branch* b, std::size_t index, type_kind k, std::string_view name = {}) {
  std::vector<content> cs;
  cs.push_back(type_content(*b->d, k, name));
  branch* nb = cs[0].type;
  list_insert(T(txn), b, index, std::move(cs));
  return nb;
}
}  // namespace

// ---- value -------------------------------------------------------------------------------------

type_kind value::kind() const { return std::get<1>(v_)->kind; }
map_ref value::as_map() const { return map_ref(std::get<1>(v_)); }
array_ref value::as_array() const { return array_ref(std::get<1>(v_)); }
text_ref value::as_text() const { return text_ref(std::get<1>(v_)); }
xml_fragment_ref value::as_xml_fragment() const { return xml_fragment_ref(std::get<1>(v_)); }
xml_element_ref value::as_xml_element() const { return xml_element_ref(std::get<1>(v_)); }
xml_text_ref value::as_xml_text() const { return xml_text_ref(std::get<1>(v_)); }
std::string value::to_json() const {
  if (is_subdoc()) return "{}";
  if (is_any()) return as_any().to_json();
  return type_to_any(std::get<1>(v_), 0).to_json();
}

// ---- transaction -------------------------------------------------------------------------------

const void* transaction::origin() const { return t_->origin; }
bool transaction::local() const { return t_->local; }
doc& transaction::owner() const { return *t_->d->owner; }

// ---- shared_ref --------------------------------------------------------------------------------

type_kind shared_ref::kind() const { return b_->kind; }
bool shared_ref::deleted() const { return b_->it && b_->it->deleted; }
std::string shared_ref::to_json() const { return type_to_any(b_, 0).to_json(); }

// ---- map ---------------------------------------------------------------------------------------

std::size_t map_ref::size() const {
  std::size_t n = 0;
  for (const auto* k : b_->keys) {
    const item* it = b_->map_get(k);
    if (it && !it->deleted) ++n;
  }
  return n;
}
std::vector<std::string> map_ref::keys() const {
  std::vector<std::string> out;
  for (const auto* k : b_->keys) {
    const item* it = b_->map_get(k);
    if (it && !it->deleted) out.push_back(*k);
  }
  return out;
}
std::optional<value> map_ref::get(std::string_view key) const {
  auto f = b_->d->interned.find(std::string(key));
  if (f == b_->d->interned.end()) return std::nullopt;
  const item* it = b_->map_get(&*f);
  if (!it || it->deleted) return std::nullopt;
  return last_value(it);
}
bool map_ref::contains(std::string_view key) const { return get(key).has_value(); }
void map_ref::set(transaction& txn, std::string_view key, any v) { map_set(T(txn), b_, key, value_content(std::move(v))); }
map_ref map_ref::set_map(transaction& txn, std::string_view key) {
  auto c = type_content(*b_->d, type_kind::map);
  branch* nb = c.type;
  map_set(T(txn), b_, key, std::move(c));
  return map_ref(nb);
}
array_ref map_ref::set_array(transaction& txn, std::string_view key) {
  auto c = type_content(*b_->d, type_kind::array);
  branch* nb = c.type;
  map_set(T(txn), b_, key, std::move(c));
  return array_ref(nb);
}
text_ref map_ref::set_text(transaction& txn, std::string_view key) {
  auto c = type_content(*b_->d, type_kind::text);
  branch* nb = c.type;
  map_set(T(txn), b_, key, std::move(c));
  return text_ref(nb);
}
xml_fragment_ref map_ref::set_xml_fragment(transaction& txn, std::string_view key) {
  auto c = type_content(*b_->d, type_kind::xml_fragment);
  branch* nb = c.type;
  map_set(T(txn), b_, key, std::move(c));
  return xml_fragment_ref(nb);
}
void map_ref::remove(transaction& txn, std::string_view key) {
  auto f = b_->d->interned.find(std::string(key));
  if (f == b_->d->interned.end()) return;
  item* it = b_->map_get(&*f);
  if (it) b_->d->delete_item(T(txn), it);
}

// ---- array -------------------------------------------------------------------------------------

std::size_t array_ref::size() const { return static_cast<std::size_t>(b_->length); }
value array_ref::get(std::size_t index) const {
  std::uint64_t i = index;
  for (const item* n = b_->start; n; n = n->right) {
    if (n->deleted || !n->countable()) continue;
    if (i < n->length) {
      std::vector<value> vs;
      item_values(n, vs);
      return vs.at(static_cast<std::size_t>(i));
    }
    i -= n->length;
  }
  throw std::out_of_range("array index out of range");
}
std::vector<value> array_ref::to_vector() const { return list_values(b_); }
void array_ref::insert(transaction& txn, std::size_t index, std::vector<any> values) {
  if (values.empty()) return;
  list_insert(T(txn), b_, index, pack_values(std::move(values)));
}
void array_ref::push_back(transaction& txn, any v) {
  // typeListPushGenerics: start from the marker with the highest index, walk to the end.
  item* n = b_->start;
  std::uint64_t best = 0;
  for (const auto& m : b_->markers)
    if (m.index > best) {
      best = m.index;
      n = m.p;
    }
  if (n)
    while (n->right) n = n->right;
  std::vector<any> vs;
  vs.push_back(std::move(v));
  list_insert_after(T(txn), b_, n, pack_values(std::move(vs)));
}
map_ref array_ref::insert_map(transaction& txn, std::size_t i) { return map_ref(insert_type(txn, b_, i, type_kind::map)); }
array_ref array_ref::insert_array(transaction& txn, std::size_t i) {
  return array_ref(insert_type(txn, b_, i, type_kind::array));
}
text_ref array_ref::insert_text(transaction& txn, std::size_t i) { return text_ref(insert_type(txn, b_, i, type_kind::text)); }
void array_ref::remove(transaction& txn, std::size_t index, std::size_t count) { list_delete(T(txn), b_, index, count); }

// ---- text --------------------------------------------------------------------------------------

std::size_t text_ref::size() const { return static_cast<std::size_t>(b_->length); }
std::string text_ref::to_string() const { return text_string(b_); }
std::vector<delta_op> text_ref::to_delta() const { return text_delta(b_); }
void text_ref::insert(transaction& txn, std::size_t index, std::string_view utf8, const any::object& attrs) {
  if (utf8.empty()) return;
  std::uint64_t n16 = 0;
  if (!lib0::utf8_validate(utf8, &n16)) throw std::invalid_argument("text insert: invalid UTF-8");
  txn_impl& t = T(txn);
  // No attributes given: inherit the formatting at the position (found with the search marker).
  bool given = !attrs.empty();
  text_pos pos = find_text_position(*t.d, t, b_, index, !given);
  any::object a = attrs;
  if (!given)
    for (const auto& [k, v] : pos.attrs.entries()) any::object_set(a, k, *v);
  content c;
  c.ref = ref_string;
  c.str = std::string(utf8);
  c.len = n16;
  insert_text(*t.d, t, b_, pos, std::move(c), std::move(a));
}
void text_ref::insert_embed(transaction& txn, std::size_t index, any embed, const any::object& attrs) {
  txn_impl& t = T(txn);
  // Like YText.insertEmbed: without attributes the search marker is used.
  text_pos pos = find_text_position(*t.d, t, b_, index, attrs.empty());
  content c;
  c.ref = ref_embed;
  c.values.push_back(std::move(embed));
  c.len = 1;
  insert_text(*t.d, t, b_, pos, std::move(c), attrs);
}
void text_ref::remove(transaction& txn, std::size_t index, std::size_t len) {
  if (len == 0) return;
  txn_impl& t = T(txn);
  text_pos pos = find_text_position(*t.d, t, b_, index, true);
  delete_text(*t.d, t, pos, len);
}
void text_ref::format(transaction& txn, std::size_t index, std::size_t len, const any::object& attrs) {
  if (len == 0) return;
  txn_impl& t = T(txn);
  text_pos pos = find_text_position(*t.d, t, b_, index, false);
  if (!pos.right) return;
  format_text(*t.d, t, b_, pos, len, attrs);
}
std::string xml_text_ref::to_string() const { return xml_text_string(b_, 0); }

// ---- xml ---------------------------------------------------------------------------------------

std::size_t xml_fragment_ref::size() const { return static_cast<std::size_t>(b_->length); }
value xml_fragment_ref::get(std::size_t index) const { return array_ref(b_).get(index); }
std::vector<value> xml_fragment_ref::children() const { return list_values(b_); }
xml_element_ref xml_fragment_ref::insert_element(transaction& txn, std::size_t index, std::string_view node_name) {
  return xml_element_ref(insert_type(txn, b_, index, type_kind::xml_element, node_name));
}
xml_text_ref xml_fragment_ref::insert_text(transaction& txn, std::size_t index) {
  return xml_text_ref(insert_type(txn, b_, index, type_kind::xml_text));
}
void xml_fragment_ref::remove(transaction& txn, std::size_t index, std::size_t count) {
  list_delete(T(txn), b_, index, count);
}
std::string xml_fragment_ref::to_string() const { return xml_to_string(b_, 0); }
std::string xml_element_ref::node_name() const { return b_->node_name; }
any::object xml_element_ref::attributes() const {
  any::object o;
  for (const auto* k : b_->keys) {
    const item* it = b_->map_get(k);
    if (!it || it->deleted) continue;
    value v = last_value(it);
    any::object_set(o, *k, v.is_any() ? v.as_any() : any(nullptr));
  }
  return o;
}
std::optional<any> xml_element_ref::get_attribute(std::string_view name) const {
  auto v = map_ref(b_).get(name);
  if (!v || !v->is_any()) return std::nullopt;
  return v->as_any();
}
void xml_element_ref::set_attribute(transaction& txn, std::string_view name, any v) { map_ref(b_).set(txn, name, std::move(v)); }
void xml_element_ref::remove_attribute(transaction& txn, std::string_view name) { map_ref(b_).remove(txn, name); }
std::string xml_element_ref::to_string() const { return xml_to_string(b_, 0); }

// ---- doc ---------------------------------------------------------------------------------------

doc::doc(doc_options opts) : d_(std::make_unique<doc_impl>()) {
  d_->owner = this;
  d_->client_id = opts.client_id ? *opts.client_id : random_client_id();
  d_->gc = opts.gc;
}
doc::~doc() = default;
doc::doc(doc&& o) noexcept : d_(std::move(o.d_)) {
  if (d_) d_->owner = this;
}
doc& doc::operator=(doc&& o) noexcept {
  d_ = std::move(o.d_);
  if (d_) d_->owner = this;
  return *this;
}

std::uint64_t doc::client_id() const { return d_->client_id; }
bool doc::gc() const { return d_->gc; }

result<void> doc::apply_update(bytes_view update, const void* origin) {
  decoded_update u;
  try {
    u = read_update_bytes(update);
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
  // An item can only refer to items its client wrote before it. A forged update whose
  // origin, right origin or parent points at the item itself or later (possible with
  // zero-length structs) would make an origin clock underflow on the next encode and
  // leave a state nobody can read back (yjs throws on it), so it is refused here.
  for (const auto& s : u.structs) {
    if (s.kind != 1) continue;
    auto self_or_later = [&](const id& r) { return r.client == s.id_.client && r.clock >= s.id_.clock; };
    if ((s.has_origin && self_or_later(s.origin)) || (s.has_right_origin && self_or_later(s.right_origin)) ||
        (s.parent_kind == 2 && self_or_later(s.parent_id)))
      return crdt::error{"item " + std::to_string(s.id_.client) + ":" + std::to_string(s.id_.clock) +
                             " refers to itself or to a later clock of its own client",
                         s.at};
  }
  try {
    d_->transact([&](txn_impl& t) { d_->apply_decoded(t, u); }, origin, false);
  } catch (const std::exception& e) {
    return crdt::error{std::string("internal error while integrating: ") + e.what(), 0};
  }
  return {};
}

bytes doc::encode_state_as_update(bytes_view sv) const { return d_->encode_state_as_update(sv); }
bytes doc::encode_state_vector() const {
  lib0::encoder e;
  write_state_vector(e, d_->state_vector());
  return e.take();
}
bool doc::has_pending() const { return d_->pending.has_value() || d_->pending_ds.has_value(); }
bytes doc::encode_snapshot() const {
  lib0::encoder e;
  write_delete_set(e, d_->delete_set_from_store());
  write_state_vector(e, d_->state_vector());
  return e.take();
}
std::size_t doc::on_update(update_handler h) {
  auto id = d_->next_handler++;
  d_->handlers.emplace(id, std::move(h));
  return id;
}
void doc::off_update(std::size_t id) {
  if (id != 0 && id == d_->calling_handler) {
    d_->calling_retired = true;
    return;
  }
  d_->handlers.erase(id);
}
void doc::transact(const std::function<void(transaction&)>& fn, const void* origin) {
  d_->transact(
      [&](txn_impl& t) {
        transaction tx(&t);
        fn(tx);
      },
      origin, true);
}
text_ref doc::get_text(std::string_view root) {
  branch* b = d_->root(root);
  d_->type_root(b, type_kind::text);
  return text_ref(b);
}
map_ref doc::get_map(std::string_view root) {
  branch* b = d_->root(root);
  d_->type_root(b, type_kind::map);
  return map_ref(b);
}
array_ref doc::get_array(std::string_view root) {
  branch* b = d_->root(root);
  d_->type_root(b, type_kind::array);
  return array_ref(b);
}
xml_fragment_ref doc::get_xml_fragment(std::string_view root) {
  branch* b = d_->root(root);
  d_->type_root(b, type_kind::xml_fragment);
  return xml_fragment_ref(b);
}
std::vector<std::string> doc::root_names() const {
  std::vector<std::string> out;
  for (const auto& [n, b] : d_->share) out.push_back(n);
  return out;
}
std::string doc::to_json() const {
  any::object o;
  for (const auto& [n, b] : d_->share) any::object_set(o, n, type_to_any(b, 0));
  return any(std::move(o)).to_json();
}

void doc::check_invariants() const {
  auto fail = [](const std::string& what) { throw std::logic_error(str_cat("crdt invariant broken: ", what)); };
  for (const auto& [client, structs] : d_->clients) {
    std::uint64_t clock = structs.empty() ? 0 : structs[0]->id_.clock;
    if (clock != 0) fail(str_cat("struct store of client ", std::to_string(client), " does not start at clock 0"));
    for (const item* s : structs) {
      if (s->id_.client != client) fail("struct filed under the wrong client");
      if (s->id_.clock != clock) fail(str_cat("struct store clocks not contiguous for client ", std::to_string(client)));
      clock += s->length;
      if (s->is_gc) continue;
      if (!s->parent) fail("item without parent");
      if (s->right && s->right->left != s) fail("right->left link broken");
      if (s->left && s->left->right != s) fail("left->right link broken");
      if (s->c.ref == ref_string && s->c.len != s->length) fail("string length mismatch");
    }
  }
  for (const auto& b : d_->branch_pool) {
    if (b.it && b.it->is_gc) continue;
    std::uint64_t len = 0;
    const item* prev = nullptr;
    for (const item* n = b.start; n; n = n->right) {
      if (n->left != prev) fail("list left link broken");
      if (n->parent != &b) fail("list item with a different parent");
      if (!n->deleted && n->countable()) len += n->length;
      prev = n;
    }
    if (len != b.length) fail("type length differs from the sum of its items");
    for (const auto& [k, it] : b.map)
      if (it->right) fail("map entry is not the rightmost item of its key");
  }
}

result<doc> doc_from_snapshot(const doc& source, bytes_view snapshot) {
  doc_impl& d = *source.impl();
  if (d.gc) return crdt::error{"source document must have gc disabled", 0};
  delete_set ds;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sv;
  try {
    lib0::decoder dec(snapshot);
    ds = read_delete_set(dec);
    std::size_t at = dec.offset();
    auto n = dec.read_var_uint();
    if (n > dec.remaining()) dec.fail_at("state vector count exceeds remaining data", at);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto c = dec.read_var_uint();
      auto k = dec.read_var_uint();
      bool dup = false;
      for (auto& e : sv)
        if (e.first == c) {
          e.second = k;
          dup = true;
        }
      if (!dup) sv.emplace_back(c, k);
    }
  } catch (const lib0::decode_error& e) {
    return e.to_error();
  }
  lib0::encoder e;
  d.transact(
      [&](txn_impl& t) {
        std::uint64_t size = 0;
        for (auto& [c, k] : sv)
          if (k > 0) ++size;
        e.write_var_uint(size);
        for (auto& [client, clock] : sv) {
          if (clock == 0) continue;
          if (clock < d.get_state(client)) d.get_item_clean_start(t, {client, clock});
          auto& structs = d.clients[client];
          std::size_t last = structs.empty() ? static_cast<std::size_t>(-1) : doc_impl::find_index(structs, clock - 1);
          if (last == static_cast<std::size_t>(-1)) last = structs.size() - 1;  // clock past the store
          e.write_var_uint(last + 1);
          e.write_var_uint(client);
          e.write_var_uint(0);
          for (std::size_t i = 0; i <= last && i < structs.size(); ++i) d.write_item(e, structs[i], 0);
        }
        write_delete_set(e, ds);
      },
      nullptr, true);
  doc out;
  auto r = out.apply_update(e.data());
  if (!r) return r.error();
  return out;
}

}  // namespace tandem::crdt
