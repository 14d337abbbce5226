// Fault injection points for tests (not part of the public API). Production code never
// sets them; each is a countdown checked at one place in store.cpp.
#pragma once

#include <atomic>

namespace tandem::storage::detail {

// While > 0: the next write transaction behaves as if mdb_txn_commit returned
// MDB_MAP_FULL (the map grows and the transaction is retried), and the count drops by 1.
extern std::atomic<int> inject_map_full_at_commit;

}  // namespace tandem::storage::detail
