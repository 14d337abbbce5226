// The storage commands of `tandem`: docs, check, backup, compact. Each opens the store in
// the data directory (read-only unless it writes), does one thing, and reports failure
// as one `error: ...` line plus CLI::RuntimeError(exit code).
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "tandem/crdt/crdt.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::cli {
namespace {

namespace st = tandem::storage;

[[noreturn]] void die(const std::string& msg, int code = 1) {
  std::cerr << "error: " << msg << "\n";
  throw CLI::RuntimeError(code);
}

std::unique_ptr<st::store> open_store(const std::string& dir, bool read_only) {
  st::options o;
  o.dir = dir;
  o.read_only = read_only;
  auto r = st::store::open(o);
  if (!r) die(r.err().message, 2);
  return std::move(r).value();
}

std::string iso_time(st::time_ms ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A one-line progress bar on stderr, only when stderr is a terminal.
class progress_bar {
 public:
  explicit progress_bar(std::string label) : label_(std::move(label)), tty_(::isatty(2) == 1) {}
  ~progress_bar() {
    if (tty_ && shown_) std::fprintf(stderr, "\n");
  }
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (!tty_ || total == 0) return;
    int pct = static_cast<int>(done * 100 / total);
    if (pct == last_) return;
    last_ = pct;
    shown_ = true;
    int filled = pct * 30 / 100;
    std::fprintf(stderr, "\r%s [%-30s] %3d%% (%llu/%llu)", label_.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), pct,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool tty_;
  bool shown_{false};
  int last_{-1};
};

void add_data_option(CLI::App* cmd, std::string& dir) {
  cmd->add_option("--data", dir, "data directory of the store")
      ->envname("TANDEM_DATA")
      ->capture_default_str();
}

}  // namespace

void register_storage_commands(CLI::App& app) {
  // Option storage must outlive parsing: CLI11 keeps references.
  static std::string dir = "./tandem-data";
  static std::string dest;
  static std::string doc_name;

  auto* docs =
      app.add_subcommand("docs", "list stored documents: name<TAB>updates, bytes, snapshot, updated");
  add_data_option(docs, dir);
  docs->callback([] {
    auto s = open_store(dir, true);
    auto l = s->list_docs();
    if (!l) die(l.err().message);
    for (const auto& d : *l) {
      if (d.damaged) {
        std::cout << d.name << "\tdamaged (run tandem check)\n";
        continue;
      }
      std::cout << d.name << "\tupdates=" << d.log_count << "\tbytes=" << d.log_bytes
                << "\tsnapshot=" << d.snapshot_bytes << "\tupdated=" << iso_time(d.updated) << "\n";
    }
  });

  auto* check = app.add_subcommand("check", "verify every record; names each damaged document and sequence");
  add_data_option(check, dir);
  check->callback([] {
    auto s = open_store(dir, true);
    progress_bar bar("checking");
    auto rep = s->check([&bar](std::uint64_t d, std::uint64_t t) { bar(d, t); });
    if (!rep) die(rep.err().message);
    for (const auto& p : rep->problems) {
      std::cout << "damaged\t" << (p.doc.empty() ? "(no document)" : p.doc) << "\tseq=" << p.seq << "\t"
                << p.what << "\n";
    }
    std::cout << rep->documents << " documents, " << rep->records << " records checked, "
              << rep->problems.size() << " problems\n";
    if (!rep->ok()) die(std::to_string(rep->problems.size()) + " damaged record(s) in " + dir, 1);
  });

  auto* backup =
      app.add_subcommand("backup", "hot, compacting copy of the store into DEST (safe while serving)");
  backup->add_option("DEST", dest, "destination directory (must be missing or empty)")
      ->required()
      ->envname("TANDEM_BACKUP_DEST");
  add_data_option(backup, dir);
  backup->callback([] {
    auto s = open_store(dir, true);
    auto r = s->backup(dest);
    if (!r) die(r.err().message);
    std::cout << "backup written to " << dest << "\n";
  });

  auto* compact = app.add_subcommand("compact", "merge each document's log into its snapshot (or only DOC)");
  compact->add_option("DOC", doc_name, "only this document")->envname("TANDEM_DOC");
  add_data_option(compact, dir);
  compact->callback([] {
    auto s = open_store(dir, false);
    std::vector<std::string> names;
    if (!doc_name.empty()) {
      names.push_back(doc_name);
    } else {
      auto l = s->list_docs();
      if (!l) die(l.err().message);
      for (auto& d : *l) names.push_back(d.name);
    }
    progress_bar bar("compacting");
    int failures = 0;
    std::uint64_t i = 0;
    for (const auto& name : names) {
      bar(i++, names.size());
      auto ld = s->load(name);
      if (!ld) {
        std::cerr << "error: " << ld.err().message << "\n";
        ++failures;
        continue;
      }
      if (!ld->found) die("no document '" + name + "' in " + dir);
      if (ld->log.empty()) continue;
      crdt::doc d;
      bool ok = true;
      if (!ld->snapshot.empty()) {
        auto r = d.apply_update(ld->snapshot);
        if (!r) {
          std::cerr << "error: " << name << ": snapshot does not decode: " << r.error().to_string() << "\n";
          ok = false;
        }
      }
      for (const auto& e : ld->log) {
        if (!ok) break;
        auto r = d.apply_update(e.data);
        if (!r) {
          std::cerr << "error: " << name << " seq " << e.seq
                    << ": update does not decode: " << r.error().to_string() << "\n";
          ok = false;
        }
      }
      if (!ok) {
        ++failures;
        continue;
      }
      auto merged = d.encode_state_as_update();
      auto before = ld->info.log_bytes + ld->info.snapshot_bytes;
      auto r = s->compact(name, merged, ld->log.back().seq);
      if (!r) {
        std::cerr << "error: " << r.err().message << "\n";
        ++failures;
        continue;
      }
      std::cout << name << "\t" << ld->log.size() << " updates, " << before << " bytes -> " << merged.size()
                << " bytes\n";
    }
    bar(names.size(), names.size());
    if (failures) die(std::to_string(failures) + " document(s) not compacted", 1);
  });
}

}  // namespace tandem::cli
