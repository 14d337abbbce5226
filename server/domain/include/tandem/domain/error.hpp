// Error model of the domain layer: expected failures (bad input, unknown zone, missing
// record) come back as result<T> holding a human-readable message; asserts are only for
// broken invariants of our own code and are never reachable from user input.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace tandem::domain {

struct error {
  std::string message;
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  result(error e) : v_(std::move(e)) {}      // NOLINT: implicit on purpose
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  [[nodiscard]] const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

// result<void> equivalent.
struct ok_t {};
using status = result<ok_t>;
inline status ok_status() {
  return ok_t{};
}

}  // namespace tandem::domain
