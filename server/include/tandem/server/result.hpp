// Error model of the server's pure layer: decoders return result<T> carrying either a value
// or an error (message + byte offset where decoding stopped). Async paths use error_code.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace tandem::server {

struct error {
  std::string message;
  std::size_t offset = 0;  // byte offset in the input where decoding failed (0 if not applicable)
  int code = 0;            // optional classification, e.g. the HTTP status a REST caller should answer
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  result(error err) : v_(std::move(err)) {}          // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  [[nodiscard]] const error& err() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, error> v_;
};

struct ok_t {};
using status = result<ok_t>;
inline status ok() { return ok_t{}; }

}  // namespace tandem::server
