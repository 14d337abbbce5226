// What a room needs from durable storage: load, group-commit append with an on-durable
// callback, and compaction. Implementations are thread-safe; load/compact/flush block and
// must be called off the I/O threads. on_durable runs on a storage thread, in append order.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tandem/server/result.hpp"

namespace tandem::server {

struct loaded_doc {
  std::vector<std::string> updates;  // snapshot first (if any), then the log, in order
  std::uint64_t last_seq = 0;        // sequence of the last update (0: none)
  std::uint64_t log_count = 0;       // updates in the log after the snapshot
};

class doc_store {
 public:
  virtual ~doc_store() = default;
  using durable_fn = std::function<void(result<std::uint64_t> seq)>;
  [[nodiscard]] virtual result<loaded_doc> load(const std::string& doc) = 0;
  virtual void append(const std::string& doc, std::string update, durable_fn on_durable) = 0;
  // The snapshot replaces sequences 1..up_to.
  [[nodiscard]] virtual status compact(const std::string& doc, const std::string& snapshot, std::uint64_t up_to) = 0;
  virtual void flush() = 0;
  [[nodiscard]] virtual const char* name() const = 0;
};

// Keeps everything in memory (tests, and builds without tandem_storage): durable at once.
[[nodiscard]] std::unique_ptr<doc_store> make_memory_store();
// The data directory's store (LMDB via tandem_storage when linked, else an error).
[[nodiscard]] result<std::unique_ptr<doc_store>> open_data_store(const std::string& data_dir, bool relaxed_durability);

}  // namespace tandem::server
