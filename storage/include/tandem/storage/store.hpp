// The Tandem document store: one LMDB environment holding, per document, an append-only
// update log, one compacted snapshot, named versions and metadata, plus a small key/value
// area for the server's own records. Byte-oriented: it stores updates, it knows no CRDT.
//
// Contract (read this before calling; layouts are in storage/FORMAT.md):
//  * Threads. A `store` is safe to use from any number of threads at once. Every call
//    except append() is synchronous: it runs one short LMDB transaction on the calling
//    thread and returns. Write calls (compact, versions, kv, delete, set_doc_info) take
//    LMDB's single writer lock and, with durability::full, an fsync: call them off your
//    I/O threads (or accept a few ms). Read calls never block on writers (only, briefly, on
//    map growth).
//  * Group commit. append() only queues. One writer thread takes everything queued (from
//    all documents), writes it in ONE transaction with ONE fsync, and then calls each
//    on_durable callback, in append order (so in sequence order per document).
//    Callbacks run ON THE WRITER THREAD: keep them short and post the real work back to
//    your own executor (e.g. asio::post(strand, ...)). Never call a blocking store
//    method (flush, destructor) from inside a callback.
//  * Durability. durability::full (default): a callback with a seq is called only after
//    the transaction holding it is committed and fsync'ed; a crash of the process, the OS
//    or the machine loses nothing that was reported durable. durability::relaxed: the
//    transaction is committed without fsync and the map is synced every
//    options::sync_interval; a crash of the PROCESS loses nothing reported (the data is
//    in the OS page cache), but an OS crash or power cut can lose the updates of the
//    last sync_interval. The database stays consistent in both modes (LMDB's
//    copy-on-write B-tree; a lost tail is lost whole transactions, never torn records).
//  * No views into the map. Everything returned owns its bytes; nothing points into the
//    LMDB map after the transaction ends.
//  * Errors: see error.hpp. Not-found is a value. errc::corrupt names doc and seq.
//  * Doc names: 1..max_doc_name bytes, any bytes except NUL (the server validates its
//    own stricter syntax before calling). Record size limit: options::max_record_size.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/storage/error.hpp"

namespace tandem::storage {

using bytes = std::vector<std::uint8_t>;
using bytes_view = std::span<const std::uint8_t>;
using time_ms = std::int64_t;  // milliseconds since the Unix epoch (system clock)

inline constexpr std::size_t max_doc_name = 511;  // LMDB's default key limit is 511 bytes

enum class durability {
  full,     // fsync per group-commit batch (default): nothing reported durable is ever lost
  relaxed,  // no fsync per batch; periodic sync: an OS crash loses up to sync_interval
};

struct options {
  std::filesystem::path dir{"tandem-data"};  // created (with parents) when missing
  durability mode{durability::full};
  std::chrono::milliseconds sync_interval{1000};  // durability::relaxed only
  std::uint64_t initial_map_size{64ull << 20};    // 64 MiB; used when creating a store
  std::uint64_t max_map_size{64ull << 30};        // growth stops here -> errc::map_full
  std::size_t max_record_size{64u << 20};         // per update / snapshot / version / kv value
  std::size_t max_batch_updates{8192};            // per group-commit transaction
  std::size_t max_batch_bytes{32u << 20};         // per group-commit transaction
  unsigned max_readers{254};                      // concurrent read transactions
  bool read_only{false};  // open an existing store without writing anything (CLI tools)
};

// Per-document metadata, kept up to date by every write.
struct doc_info {
  std::string name;
  std::uint64_t id{0};    // internal numeric id (stable until the document is deleted)
  std::string kind;       // set by the server (set_doc_info), "" until then
  std::string title;      // set by the server (set_doc_info), "" until then
  std::string workspace;  // the name up to the first '/', or the whole name
  time_ms created{0};
  time_ms updated{0};               // time of the last write of any kind
  seq_t last_seq{0};                // highest sequence ever appended (0 = none)
  seq_t snapshot_seq{0};            // the snapshot covers sequences 1..snapshot_seq (0 = no snapshot)
  std::uint64_t log_count{0};       // update records currently in the log
  std::uint64_t log_bytes{0};       // sum of their payload sizes
  std::uint64_t snapshot_bytes{0};  // payload size of the snapshot
  std::uint32_t version_count{0};   // named versions currently stored
  bool damaged{false};  // list_docs only: metadata unreadable, only name/workspace valid (run check)
};

struct log_entry {
  seq_t seq{0};
  time_ms time{0};  // append time; non-decreasing along a document's log
  bytes data;
};

// What a document needs to be rebuilt: snapshot, then every update after it, in order.
struct doc_state {
  bool found{false};  // false: no such document (everything else empty / zero)
  doc_info info;
  bytes snapshot;              // empty when info.snapshot_seq == 0
  std::vector<log_entry> log;  // sequences info.snapshot_seq+1 .. info.last_seq
};

// Selects part of a log; all bounds inclusive. Default: everything.
struct log_range {
  seq_t from_seq{0};
  seq_t to_seq{std::numeric_limits<seq_t>::max()};
  time_ms from_time{std::numeric_limits<time_ms>::min()};
  time_ms to_time{std::numeric_limits<time_ms>::max()};
  std::size_t limit{std::numeric_limits<std::size_t>::max()};  // at most this many entries
};

struct version_info {
  std::uint32_t number{0};  // 1, 2, ... per document; never reused while the doc exists
  std::string label;
  std::string author;
  time_ms time{0};
  seq_t at_seq{0};        // doc's last_seq when the version was created
  std::uint64_t size{0};  // bytes of state
};

struct version {
  version_info info;
  bytes state;
};

// One damaged record found by check() or reported by load().
struct corruption {
  std::string doc;   // document name ("" for records of no document, e.g. the KV area)
  seq_t seq{0};      // sequence of the damaged log record; 0 = metadata/snapshot/version
  std::string what;  // e.g. "log record checksum mismatch", "snapshot truncated"
};

struct check_report {
  std::uint64_t documents{0};
  std::uint64_t records{0};  // records verified (all databases)
  std::vector<corruption> problems;
  bool ok() const noexcept { return problems.empty(); }
};

// Progress reporting for long walks (check, backup); done <= total. May be empty.
using progress_fn = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct store_stats {
  std::uint64_t map_size{0};    // current LMDB map size
  std::uint64_t used_bytes{0};  // pages in use * page size
  std::uint64_t file_bytes{0};  // size of data.mdb on disk
  std::uint64_t documents{0};
  std::uint64_t batches{0};  // group-commit transactions since open
  std::uint64_t batched_updates{0};
};

class store {
 public:
  using durable_fn = std::function<void(result<seq_t>)>;

  // Opens (or creates) the store in opts.dir.
  // Errors: not_a_store (dir is a file, or holds other files and no Tandem marker),
  // format_too_new (written by a newer Tandem; refused, nothing changed), read_only
  // (cannot create or write; nothing changed), io.
  static result<std::unique_ptr<store>> open(const options& opts);

  // Stops accepting appends, writes everything already queued, then joins the writer.
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // ---- update log ----
  // Queues one update of `doc` (created on first append). on_durable(seq) runs on the
  // writer thread once the update is durable (see Durability above), or with an error
  // (invalid_argument, map_full, io, closed) if it was not written. Never throws.
  void append(std::string_view doc, bytes update, durable_fn on_durable);
  // Same, as a future (for tests, CLI tools and code that may block).
  [[nodiscard]] std::future<result<seq_t>> append(std::string_view doc, bytes update);
  // Blocks until everything appended before this call is durable (or failed).
  void flush();

  // Snapshot + log after it, in one read transaction. Unknown doc -> found == false.
  // A damaged record -> errc::corrupt naming doc and seq.
  [[nodiscard]] result<doc_state> load(std::string_view doc) const;
  // Log entries of `doc` within `range` (sequence AND time bounds). Entries covered by
  // the snapshot are gone after compaction. Unknown doc -> empty vector.
  [[nodiscard]] result<std::vector<log_entry>> read_log(std::string_view doc,
                                                        const log_range& range = {}) const;
  // Streaming form: fn is called per entry, inside the read transaction, with a view
  // valid only during the call; return false to stop. Keep fn short.
  struct log_view {
    seq_t seq;
    time_ms time;
    bytes_view data;
  };
  [[nodiscard]] result<void> scan_log(std::string_view doc, const log_range& range,
                                      const std::function<bool(const log_view&)>& fn) const;

  // ---- metadata ----
  [[nodiscard]] result<std::optional<doc_info>> info(std::string_view doc) const;
  [[nodiscard]] result<std::vector<doc_info>> list_docs(std::string_view prefix = {}) const;
  // Sets kind/title (the server reads them from the CRDT). Unknown doc -> created empty.
  [[nodiscard]] result<void> set_doc_info(std::string_view doc, std::string_view kind,
                                          std::string_view title);

  // ---- compaction ----
  // Atomically: the snapshot of `doc` becomes `snapshot` (which must cover sequences
  // 1..up_to, built by the caller by merging the old snapshot and the log), and the log
  // entries 1..up_to are deleted. Entries after up_to stay. Errors: invalid_argument when
  // up_to > last_seq or up_to < the current snapshot_seq, or doc unknown.
  [[nodiscard]] result<void> compact(std::string_view doc, bytes_view snapshot, seq_t up_to);

  // ---- named versions ----
  // Stores `state` (bytes built by the caller) as the next version number of `doc`.
  [[nodiscard]] result<version_info> create_version(std::string_view doc, std::string_view label,
                                                    std::string_view author, bytes_view state);
  [[nodiscard]] result<std::vector<version_info>> list_versions(std::string_view doc) const;
  [[nodiscard]] result<std::optional<version>> read_version(std::string_view doc, std::uint32_t number) const;
  [[nodiscard]] result<bool> delete_version(std::string_view doc, std::uint32_t number);

  // Deletes the document and all its records (log, snapshot, versions, metadata).
  // Appends to it still queued are written to a fresh document afterwards.
  // Returns false if there was no such document.
  [[nodiscard]] result<bool> delete_doc(std::string_view doc);

  // ---- key/value area for the server's own records (workspaces, accounts, ...) ----
  // Keys: 1..511 bytes. Values are checksummed like every record.
  [[nodiscard]] result<void> kv_put(std::string_view key, bytes_view value);
  [[nodiscard]] result<std::optional<bytes>> kv_get(std::string_view key) const;
  [[nodiscard]] result<bool> kv_delete(std::string_view key);
  [[nodiscard]] result<std::vector<std::pair<std::string, bytes>>> kv_list(std::string_view prefix) const;

  // ---- maintenance ----
  // Walks every record of every database, verifies checksums, structure and the
  // agreement of metadata with the records; reports every problem (never stops early,
  // never skips silently). One read transaction for the whole walk: in a serving process,
  // map growth waits until it ends (prefer `tandem check`, a separate process).
  [[nodiscard]] result<check_report> check(const progress_fn& progress = {}) const;
  // Hot, compacting copy (mdb_env_copy2 + MDB_CP_COMPACT) into `dest`, which must not
  // exist or be an empty directory. Safe while appends run; they are not blocked
  // (the copy reads one consistent snapshot), but map growth waits for the copy.
  [[nodiscard]] result<void> backup(const std::filesystem::path& dest) const;
  [[nodiscard]] result<store_stats> stats() const;
  const options& opts() const noexcept;

 private:
  struct impl;
  explicit store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// The store format this build writes and reads (see storage/FORMAT.md).
inline constexpr std::uint32_t format_version = 1;

}  // namespace tandem::storage
