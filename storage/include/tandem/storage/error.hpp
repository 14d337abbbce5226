// Error model of tandem_storage: one `error` value type and a small `result<T>`.
//
// Three tiers (see ../../../../shared/STYLE.md, practice 4):
//  * not-found is a value, never an error: load() of an unknown document returns a
//    doc_state with found == false, get() of an unknown key returns std::nullopt.
//  * recoverable conditions are handled inside the store and never reach the caller:
//    MDB_MAP_FULL grows the map and retries the transaction (up to options::max_map_size,
//    after which errc::map_full is returned), MDB_MAP_RESIZED (another process grew the
//    map) adopts the new size and retries.
//  * fatal conditions are returned as errors and name what broke: errc::corrupt carries
//    the document name and sequence of the damaged record in error::doc / error::seq.
//    Other documents keep working.
// Programmer errors (broken invariants) are asserts, each with a comment.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tandem::storage {

enum class errc {
  invalid_argument = 1,  // bad doc name, oversized record, bad range, seq out of range
  not_a_store,           // directory holds other files and no Tandem marker
  format_too_new,        // store written by a newer Tandem (format version > ours)
  read_only,             // directory or file system does not accept writes
  map_full,              // map reached options::max_map_size
  corrupt,               // checksum or structure mismatch; doc + seq name the record
  io,                    // any other LMDB or OS error (message has the detail)
  closed,                // the store is shutting down; the append was not written
};

// Sequence numbers of a document's update log start at 1; 0 means "none / before all".
using seq_t = std::uint64_t;

struct error {
  errc code{errc::io};
  std::string message;  // one line, human readable, already names doc/seq when known
  std::string doc;      // document the error is about ("" when none)
  seq_t seq{0};         // record sequence for errc::corrupt (0 = metadata or snapshot)
};

// result<T>: a T or an error. [[nodiscard]]: every result must be looked at.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  result(error e) : v_(std::move(e)) {}      // NOLINT: implicit by design
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & {
    assert(ok() && "result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok() && "result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const error& err() const& {
    assert(!ok() && "result::err() on a value");
    return std::get<1>(v_);
  }
  error&& err() && {
    assert(!ok() && "result::err() on a value");
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)) {}  // NOLINT: implicit by design
  bool ok() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const error& err() const& {
    assert(!ok() && "result::err() on a value");
    return *e_;
  }
  error&& err() && {
    assert(!ok() && "result::err() on a value");
    return std::move(*e_);
  }

 private:
  std::optional<error> e_;
};

// Short name of an error code ("corrupt", "map_full", ...), for logs and CLI output.
const char* to_string(errc code) noexcept;

}  // namespace tandem::storage
