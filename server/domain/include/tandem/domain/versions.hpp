// Version history and restore. A version is a named full state (one v1 update) kept by the
// store; restoring computes NEW CRDT operations on the current document that turn its
// content into the version's, so connected clients move to it and history is kept.
// Also: loading a document's current state from the store, and replay of the update log
// between two times (the session recording).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/crdt/doc.hpp"
#include "tandem/domain/error.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::domain {

// Current state of `doc_name` (snapshot + log) as a crdt doc; an unknown document loads
// empty. A record that fails to decode is an error naming document and sequence.
[[nodiscard]] result<crdt::doc> load_doc(const storage::store& s, std::string_view doc_name);

// Changes `current` (inside one transaction) so that its content equals the content of the
// document described by `version_state`, and returns the update holding exactly those
// changes (empty when nothing differs). Roots are matched by name; their kind comes from
// DESIGN.md's board/plan schemas (meta, elements: Map; goals, checkins, feedback: Array;
// notes: Text) and otherwise from the version's content. Unchanged entries keep their
// identity: maps are compared key by key and arrays keep their common prefix and suffix,
// so concurrent edits to untouched parts survive a restore.
[[nodiscard]] result<crdt::bytes> apply_restore(crdt::doc& current, crdt::bytes_view version_state);

class version_service {
 public:
  explicit version_service(storage::store& s) : store_(s) {}
  // Saves the document's current state as the next numbered version.
  [[nodiscard]] result<storage::version_info> save(std::string_view doc_name, std::string_view label,
                                                   std::string_view author);
  [[nodiscard]] result<std::vector<storage::version_info>> list(std::string_view doc_name) const;
  // The version's state as one v1 update (read-only view / export); nullopt if absent.
  [[nodiscard]] result<std::optional<crdt::bytes>> state(std::string_view doc_name,
                                                         std::uint32_t number) const;
  // The version's content as JSON text (doc.to_json of the version).
  [[nodiscard]] result<std::optional<std::string>> json(std::string_view doc_name,
                                                        std::uint32_t number) const;
  // The update that restores version `number` over the document's current stored state.
  // It is NOT written: the server applies it through the document's room (which makes it
  // durable and broadcasts it), like any client update.
  [[nodiscard]] result<crdt::bytes> restore_update(std::string_view doc_name, std::uint32_t number) const;

 private:
  storage::store& store_;
};

// Replay: the document's state just before `from` and the logged updates in [from, to].
struct replay_result {
  crdt::bytes base;                         // merged state of everything before `from` (may be empty)
  std::vector<storage::log_entry> updates;  // in sequence order, times non-decreasing
  bool history_compacted = false;           // the log before the snapshot is gone: `base`
                                            // includes it and its times are unknown
  bool truncated = false;                   // more updates than `limit` in the range
};
[[nodiscard]] result<replay_result> replay(const storage::store& s, std::string_view doc_name,
                                           storage::time_ms from, storage::time_ms to,
                                           std::size_t limit = 100000);
// Binary framing for the HTTP stream, in lib0 encoding: varUint8Array(base), then per
// update varUint(seq), varUint(time ms), varUint8Array(update). Read with lib0's decoding
// (readVarUint8Array / readVarUint) until the buffer ends.
[[nodiscard]] crdt::bytes encode_replay(const replay_result& r);

}  // namespace tandem::domain
