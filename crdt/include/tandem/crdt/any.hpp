// `any`: the JavaScript-like value carried by lib0's any encoding and by Y.Map/Y.Array entries.
// Objects keep JavaScript key order: integer-like keys ("0".."4294967294") first ascending, then
// the other keys in insertion order; assigning an existing key keeps its position.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tandem/crdt/result.hpp"

namespace tandem::crdt {

class any {
 public:
  struct undefined_t {
    bool operator==(const undefined_t&) const = default;
  };
  struct bigint_t {
    std::int64_t v = 0;
    bool operator==(const bigint_t&) const = default;
  };
  using array = std::vector<any>;
  using object = std::vector<std::pair<std::string, any>>;
  enum class kind { undefined, null, boolean, number, bigint, string, binary, array, object };

  any() = default;  // undefined
  any(std::nullptr_t) : v_(nullptr) {}
  any(bool b) : v_(b) {}
  template <class N, std::enable_if_t<std::is_arithmetic_v<N> && !std::is_same_v<N, bool>, int> = 0>
  any(N n) : v_(static_cast<double>(n)) {}
  any(const char* s) : v_(std::string(s)) {}
  any(std::string s) : v_(std::move(s)) {}
  any(std::string_view s) : v_(std::string(s)) {}
  any(bytes b) : v_(std::move(b)) {}
  any(array a) : v_(std::move(a)) {}
  /// Reorders keys like a JavaScript object literal would (see file comment).
  any(object o);
  static any undefined() { return any(); }
  static any bigint(std::int64_t v) {
    any a;
    a.v_ = bigint_t{v};
    return a;
  }

  kind type() const { return static_cast<kind>(v_.index()); }
  bool is_undefined() const { return type() == kind::undefined; }
  bool is_null() const { return type() == kind::null; }
  bool is_bool() const { return type() == kind::boolean; }
  bool is_number() const { return type() == kind::number; }
  bool is_bigint() const { return type() == kind::bigint; }
  bool is_string() const { return type() == kind::string; }
  bool is_binary() const { return type() == kind::binary; }
  bool is_array() const { return type() == kind::array; }
  bool is_object() const { return type() == kind::object; }

  bool as_bool() const { return std::get<bool>(v_); }
  double as_number() const { return std::get<double>(v_); }
  std::int64_t as_bigint() const { return std::get<bigint_t>(v_).v; }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const bytes& as_binary() const { return std::get<bytes>(v_); }
  const array& as_array() const { return std::get<array>(v_); }
  array& as_array() { return std::get<array>(v_); }
  const object& as_object() const { return std::get<object>(v_); }
  object& as_object() { return std::get<object>(v_); }
  /// Object lookup; nullptr when absent or not an object.
  const any* find(std::string_view key) const;

  /// Exactly like JSON.stringify (undefined at top level gives "undefined"; bigint is written as
  /// a plain integer since JSON.stringify would throw; Uint8Array as {"0":..} like JS).
  std::string to_json() const;
  void to_json(std::string& out) const;

  /// JSON.parse; objects get JS key order. Depth-limited.
  static result<any> parse_json(std::string_view text);

  /// JS object assignment semantics: set key, keeping position / JS integer-key order.
  static void object_set(object& o, std::string key, any value);

  bool operator==(const any& o) const { return v_ == o.v_; }

 private:
  std::variant<undefined_t, std::nullptr_t, bool, double, bigint_t, std::string, bytes, array, object> v_;
};

/// JavaScript Number.prototype.toString() for a double (shortest round-trip form).
std::string js_number_to_string(double d);
/// JSON string literal exactly as JSON.stringify writes it (input is UTF-8).
void json_quote(std::string_view utf8, std::string& out);

}  // namespace tandem::crdt
