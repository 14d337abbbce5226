// Error model of tandem_crdt: decoding and applying return result<T>; an error names what went
// wrong and the byte offset where it was noticed. Exceptions never escape the public API except
// std::logic_error from check_invariants() and std::out_of_range for programmer errors on refs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tandem::crdt {

using bytes = std::vector<std::uint8_t>;
using bytes_view = std::span<const std::uint8_t>;

struct error {
  std::string message;
  std::size_t offset = 0;
  /// "what, at byte N"
  std::string to_string() const { return message + ", at byte " + std::to_string(offset); }
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T v) : v_(std::in_place_index<0>, std::move(v)) {}                // NOLINT: implicit by design
  result(crdt::error e) : v_(std::in_place_index<1>, std::move(e)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const crdt::error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, crdt::error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(crdt::error e) : ok_(false), e_(std::move(e)) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {}
  const crdt::error& error() const { return e_; }

 private:
  bool ok_ = true;
  crdt::error e_;
};

}  // namespace tandem::crdt
