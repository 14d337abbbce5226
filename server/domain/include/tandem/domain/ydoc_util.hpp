// Writing to a crdt document from the domain layer: one transaction, its v1 update back.
#pragma once
#include <utility>

#include "tandem/crdt/doc.hpp"

namespace tandem::domain {

// Runs `fn(transaction&)` as one transaction on `d` and returns the v1 update that the
// document's update event reported for it (empty when the transaction changed nothing).
template <class Fn>
crdt::bytes transact_update(crdt::doc& d, Fn&& fn) {
  crdt::bytes out;
  auto handler = d.on_update([&out](crdt::bytes_view u, const void*) { out.assign(u.begin(), u.end()); });
  struct unhook {
    crdt::doc& doc;
    decltype(handler) id;
    ~unhook() { doc.off_update(id); }
  } guard{d, handler};
  d.transact(std::forward<Fn>(fn));
  return out;
}

}  // namespace tandem::domain
