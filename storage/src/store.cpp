// tandem::storage::store: LMDB environment, group-commit writer thread, reads, compaction,
// versions, KV area, check and backup. Layouts: codec.hpp and ../FORMAT.md.
#include "tandem/storage/store.hpp"

#include <lmdb.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "codec.hpp"
#include "test_hooks.hpp"

namespace tandem::storage {

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::not_a_store:
      return "not_a_store";
    case errc::format_too_new:
      return "format_too_new";
    case errc::read_only:
      return "read_only";
    case errc::map_full:
      return "map_full";
    case errc::corrupt:
      return "corrupt";
    case errc::io:
      return "io";
    case errc::closed:
      return "closed";
  }
  return "unknown";
}

namespace fs = std::filesystem;
using namespace detail;

std::atomic<int> detail::inject_map_full_at_commit{0};

namespace {

constexpr const char* marker_name = "TANDEM-STORE";
constexpr const char* marker_magic = "tandem-store";

// Internal control flow: LMDB failures and store errors unwind to the public method,
// which turns them into a result. They never leave this file.
struct lmdb_failure {
  int rc;
  std::string what;
};
struct store_failure {
  error e;
};

void chk(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw lmdb_failure{rc, what};
}
[[noreturn]] void fail(errc c, std::string msg, std::string doc = {}, seq_t seq = 0) {
  throw store_failure{error{c, std::move(msg), std::move(doc), seq}};
}
[[noreturn]] void corrupt(const std::string& doc, seq_t seq, const std::string& what) {
  std::string m = "document '" + doc + "'";
  if (seq) m += " sequence " + std::to_string(seq);
  m += ": " + what;
  fail(errc::corrupt, m, doc, seq);
}

time_ms now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

MDB_val val(const void* p, std::size_t n) {
  return MDB_val{n, const_cast<void*>(p)};
}
MDB_val val(std::string_view s) {
  return val(s.data(), s.size());
}
MDB_val val(const std::vector<std::uint8_t>& v) {
  return val(v.data(), v.size());
}
std::string_view sv(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

void check_name(std::string_view doc) {
  if (doc.empty() || doc.size() > max_doc_name || doc.find('\0') != std::string_view::npos)
    fail(errc::invalid_argument,
         "invalid document name (1.." + std::to_string(max_doc_name) + " bytes, no NUL)", std::string(doc));
}

error from_lmdb(const lmdb_failure& f) {
  errc c = errc::io;
  if (f.rc == MDB_MAP_FULL) c = errc::map_full;
  if (f.rc == EACCES || f.rc == EROFS || f.rc == EPERM) c = errc::read_only;
  if (f.rc == MDB_CORRUPTED || f.rc == MDB_PAGE_NOTFOUND) c = errc::corrupt;
  return error{c, std::string(f.what) + ": " + mdb_strerror(f.rc), {}, 0};
}

// Runs f and converts the internal failures into an error result.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const store_failure& s) {
    return s.e;
  } catch (const lmdb_failure& l) {
    return from_lmdb(l);
  } catch (const std::bad_alloc&) {
    return error{errc::io, "out of memory", {}, 0};
  } catch (const std::exception& e) {  // filesystem errors and the like
    return error{errc::io, e.what(), {}, 0};
  }
}

struct txn_guard {
  MDB_txn* t{nullptr};
  ~txn_guard() {
    if (t) mdb_txn_abort(t);
  }
  void commit() {
    if (inject_map_full_at_commit.load() > 0 && --inject_map_full_at_commit >= 0)
      throw lmdb_failure{MDB_MAP_FULL, "commit (injected)"};  // the guard still aborts t
    MDB_txn* x = t;
    t = nullptr;
    chk(mdb_txn_commit(x), "commit");
  }
};
struct cursor_guard {
  MDB_cursor* c{nullptr};
  ~cursor_guard() {
    if (c) mdb_cursor_close(c);
  }
};

std::optional<std::uint32_t> read_marker(const fs::path& p) {
  std::ifstream in(p);
  std::string magic, word;
  std::uint32_t v = 0;
  if (!(in >> magic >> word >> v) || magic != marker_magic || word != "format") return std::nullopt;
  return v;
}

bool write_marker(const fs::path& dir) {
  fs::path tmp = dir / (std::string(marker_name) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << marker_magic << "\nformat " << format_version
        << "\n# LMDB environment (data.mdb, lock.mdb) of a Tandem store; see storage/FORMAT.md\n";
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, dir / marker_name, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

}  // namespace

// ---------------------------------------------------------------------------------------
struct store::impl {
  options opts;
  MDB_env* env{nullptr};
  MDB_dbi db_names{}, db_meta{}, db_log{}, db_snap{}, db_ver{}, db_kv{}, db_sys{};

  // Every transaction holds resize_mu shared; growing the map holds it exclusively
  // (mdb_env_set_mapsize needs no transaction active in this process).
  mutable std::shared_mutex resize_mu;

  // Group-commit queue. Guarded by q_mu.
  struct pending {
    std::string doc;
    bytes data;
    durable_fn cb;
  };
  std::mutex q_mu;
  std::condition_variable q_cv;     // writer waits for work
  std::condition_variable done_cv;  // flush() waits for completion
  std::deque<pending> queue;
  std::uint64_t enqueued{0};
  std::uint64_t completed{0};
  bool stopping{false};
  std::thread writer;

  std::atomic<bool> unsynced{false};  // relaxed mode: commits not yet fsync'ed
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> batched_updates{0};

  ~impl() {
    {
      std::lock_guard lk(q_mu);
      stopping = true;
    }
    q_cv.notify_all();
    if (writer.joinable()) writer.join();
    if (env) {
      if (!opts.read_only) mdb_env_sync(env, 1);
      mdb_env_close(env);
    }
  }

  // ---- transactions ----
  // Begins a transaction; the caller holds resize_mu shared. MDB_MAP_RESIZED (another
  // process grew the map) is thrown to the caller's loop, which adopts the size with no
  // transaction of ours active (as mdb_env_set_mapsize requires) and retries.
  void begin(MDB_txn** t, unsigned flags) const {
    chk(mdb_txn_begin(env, nullptr, flags, t), "begin transaction");
  }

  void adopt_map_size() const {
    std::unique_lock lk(resize_mu);
    chk(mdb_env_set_mapsize(env, 0), "adopt map size");
  }

  template <class F>
  auto read(F&& f) const {
    for (int attempt = 0;; ++attempt) {
      try {
        std::shared_lock lk(resize_mu);
        txn_guard g;
        begin(&g.t, MDB_RDONLY);
        return f(g.t);
      } catch (const lmdb_failure& l) {
        if (l.rc != MDB_MAP_RESIZED || attempt > 3) throw;
      }
      adopt_map_size();
    }
  }

  void grow() {
    std::unique_lock lk(resize_mu);
    MDB_envinfo info;
    chk(mdb_env_info(env, &info), "env info");
    std::uint64_t cur = info.me_mapsize;
    if (cur >= opts.max_map_size)
      fail(errc::map_full, "store is full: map size " + std::to_string(cur) +
                               " bytes reached the limit (options::max_map_size)");
    std::uint64_t next = std::min<std::uint64_t>(opts.max_map_size, cur * 2);
    chk(mdb_env_set_mapsize(env, next), "grow map");
  }

  // Runs f(txn) in a write transaction and commits; on MDB_MAP_FULL grows and retries.
  template <class F>
  auto write(F&& f) {
    if (opts.read_only) fail(errc::read_only, "store was opened read-only");
    for (;;) {
      try {
        std::shared_lock lk(resize_mu);
        txn_guard g;
        begin(&g.t, 0);
        if constexpr (std::is_void_v<decltype(f(g.t))>) {
          f(g.t);
          g.commit();
          unsynced = true;
          return;
        } else {
          auto r = f(g.t);
          g.commit();
          unsynced = true;
          return r;
        }
      } catch (const lmdb_failure& l) {
        if (l.rc == MDB_MAP_RESIZED) {
          adopt_map_size();
          continue;
        }
        if (l.rc != MDB_MAP_FULL) throw;
      }
      grow();
    }
  }

  // ---- helpers inside a transaction ----
  std::optional<std::uint64_t> find_id(MDB_txn* t, std::string_view doc) const {
    MDB_val k = val(doc), v;
    int rc = mdb_get(t, db_names, &k, &v);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    chk(rc, "read names");
    if (v.mv_size != 8) corrupt(std::string(doc), 0, "name record malformed");
    return get_be(static_cast<const std::uint8_t*>(v.mv_data), 8);
  }

  meta_rec get_meta(MDB_txn* t, std::string_view doc, std::uint64_t id) const {
    id_key k(id);
    MDB_val kv = val(k.b, 8), v;
    int rc = mdb_get(t, db_meta, &kv, &v);
    if (rc == MDB_NOTFOUND) corrupt(std::string(doc), 0, "metadata record missing");
    chk(rc, "read metadata");
    std::string why;
    auto m = decode_meta(id, v.mv_data, v.mv_size, &why);
    if (!m) corrupt(std::string(doc), 0, why);
    if (m->info.name != doc) corrupt(std::string(doc), 0, "metadata names another document");
    return std::move(*m);
  }

  std::optional<meta_rec> find_meta(MDB_txn* t, std::string_view doc) const {
    auto id = find_id(t, doc);
    if (!id) return std::nullopt;
    return get_meta(t, doc, *id);
  }

  void put_meta(MDB_txn* t, const meta_rec& m) {
    id_key k(m.info.id);
    auto v = encode_meta(m);
    MDB_val kv = val(k.b, 8), vv = val(v);
    chk(mdb_put(t, db_meta, &kv, &vv, 0), "write metadata");
  }

  meta_rec create_doc(MDB_txn* t, std::string_view doc) {
    MDB_val k = val("next_id"), v;
    std::uint64_t id = 1;
    int rc = mdb_get(t, db_sys, &k, &v);
    if (rc == MDB_SUCCESS && v.mv_size == 8)
      id = get_be(static_cast<const std::uint8_t*>(v.mv_data), 8);
    else if (rc != MDB_NOTFOUND)
      chk(rc == MDB_SUCCESS ? MDB_CORRUPTED : rc, "read next id");
    std::uint8_t nb[8];
    put_be(nb, id + 1, 8);
    MDB_val nv = val(nb, 8);
    chk(mdb_put(t, db_sys, &k, &nv, 0), "write next id");
    std::uint8_t ib[8];
    put_be(ib, id, 8);
    MDB_val nk = val(doc), iv = val(ib, 8);
    chk(mdb_put(t, db_names, &nk, &iv, MDB_NOOVERWRITE), "write name");
    meta_rec m;
    m.info.name = std::string(doc);
    m.info.id = id;
    m.info.workspace = workspace_of(doc);
    m.info.created = m.info.updated = now_ms();
    return m;
  }

  meta_rec get_or_create(MDB_txn* t, std::string_view doc) {
    if (auto m = find_meta(t, doc)) return std::move(*m);
    return create_doc(t, doc);
  }

  static void touch(meta_rec& m) { m.info.updated = std::max(now_ms(), m.info.updated); }

  // Deletes every key of `dbi` that starts with the 8-byte id prefix and is <= `upto`
  // in its remaining part (a full-length key). Returns (count, payload bytes ignored).
  std::uint64_t delete_prefix(MDB_txn* t, MDB_dbi dbi, std::uint64_t id, const void* upto_key,
                              std::size_t key_size) {
    cursor_guard c;
    chk(mdb_cursor_open(t, dbi, &c.c), "open cursor");
    id_key p(id);
    MDB_val k = val(p.b, 8), v;
    std::uint64_t n = 0;
    int rc = mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
    while (rc == MDB_SUCCESS) {
      if (k.mv_size < 8 || std::memcmp(k.mv_data, p.b, 8) != 0) break;
      if (upto_key && k.mv_size == key_size && std::memcmp(k.mv_data, upto_key, key_size) > 0) break;
      chk(mdb_cursor_del(c.c, 0), "delete record");
      ++n;
      rc = mdb_cursor_get(c.c, &k, &v, MDB_GET_CURRENT);
      if (rc == MDB_NOTFOUND) break;  // deleted the last record of the db
      if (rc == EINVAL) rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) chk(rc, "walk records");
    return n;
  }

  // ---- writer thread ----
  void writer_loop() {
    const bool relaxed = opts.mode == durability::relaxed;
    auto last_sync = std::chrono::steady_clock::now();
    for (;;) {
      std::vector<pending> batch;
      {
        std::unique_lock lk(q_mu);
        auto ready = [&] { return !queue.empty() || stopping; };
        if (relaxed)
          q_cv.wait_until(lk, last_sync + opts.sync_interval, ready);
        else
          q_cv.wait(lk, ready);
        if (queue.empty() && stopping) break;
        std::size_t total = 0;
        while (!queue.empty() && batch.size() < opts.max_batch_updates &&
               (batch.empty() || total + queue.front().data.size() <= opts.max_batch_bytes)) {
          total += queue.front().data.size();
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      if (!batch.empty()) write_batch(batch);
      if (relaxed && std::chrono::steady_clock::now() - last_sync >= opts.sync_interval) {
        if (unsynced.exchange(false)) mdb_env_sync(env, 1);
        last_sync = std::chrono::steady_clock::now();
      }
    }
  }

  void write_batch(std::vector<pending>& batch) {
    std::vector<std::optional<result<seq_t>>> out(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto& p = batch[i];
      if (p.doc.empty() || p.doc.size() > max_doc_name || p.doc.find('\0') != std::string::npos)
        out[i] = error{errc::invalid_argument, "invalid document name", p.doc, 0};
      else if (p.data.size() > opts.max_record_size)
        out[i] =
            error{errc::invalid_argument,
                  "update of " + std::to_string(p.data.size()) + " bytes exceeds max_record_size", p.doc, 0};
    }
    // `out` holds only the per-update refusals here; sequence numbers are assigned by the
    // attempt that commits (a MAP_FULL retry, even one failing inside commit, starts over).
    std::vector<seq_t> seqs(batch.size(), 0);
    auto r = guarded([&]() -> result<void> {
      write([&](MDB_txn* t) {
        std::unordered_map<std::string, meta_rec> metas;
        std::fill(seqs.begin(), seqs.end(), 0);
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (out[i]) continue;
          auto& p = batch[i];
          auto it = metas.find(p.doc);
          if (it == metas.end()) it = metas.emplace(p.doc, get_or_create(t, p.doc)).first;
          meta_rec& m = it->second;
          touch(m);
          seq_t s = ++m.info.last_seq;
          log_key k(m.info.id, s);
          auto v = encode_log(k, m.info.updated, p.data);
          MDB_val kv = val(k.b, 16), vv = val(v);
          chk(mdb_put(t, db_log, &kv, &vv, MDB_NOOVERWRITE), "append log record");
          ++m.info.log_count;
          m.info.log_bytes += p.data.size();
          seqs[i] = s;
        }
        for (auto& [name, m] : metas) put_meta(t, m);
      });
      return {};
    });
    if (r) {
      for (std::size_t i = 0; i < batch.size(); ++i)
        if (!out[i]) out[i] = result<seq_t>(seqs[i]);
    }
    if (!r) {
      for (std::size_t i = 0; i < batch.size(); ++i)
        if (!out[i] || out[i]->ok()) {
          error e = r.err();
          e.doc = batch[i].doc;
          out[i] = e;
        }
    }
    ++batches;
    batched_updates += batch.size();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i].cb) continue;
      try {
        batch[i].cb(std::move(*out[i]));
      } catch (...) {
        // A throwing callback is a caller bug; it must not kill the writer thread.
      }
    }
    {
      std::lock_guard lk(q_mu);
      completed += batch.size();
    }
    done_cv.notify_all();
  }
};

// ---------------------------------------------------------------------------------------
store::store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
store::~store() = default;
const options& store::opts() const noexcept {
  return impl_->opts;
}

result<std::unique_ptr<store>> store::open(const options& o) {
  return guarded([&]() -> result<std::unique_ptr<store>> {
    const fs::path dir = o.dir;
    std::error_code ec;
    bool created_dir = false;
    bool fresh = false;
    auto st = fs::status(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      fail(errc::io, "cannot inspect " + dir.string() + ": " + ec.message());
    if (!fs::exists(st)) {
      if (o.read_only) fail(errc::not_a_store, dir.string() + " does not exist");
      fs::create_directories(dir, ec);
      if (ec) {
        bool ro = ec == std::errc::read_only_file_system || ec == std::errc::permission_denied ||
                  ec == std::errc::operation_not_permitted;
        fail(ro ? errc::read_only : errc::io,
             "cannot create store directory " + dir.string() + ": " + ec.message());
      }
      created_dir = fresh = true;
    } else if (!fs::is_directory(st)) {
      fail(errc::not_a_store, dir.string() + " is not a directory");
    } else {
      fs::path marker = dir / marker_name;
      if (fs::exists(marker)) {
        auto v = read_marker(marker);
        if (!v) fail(errc::not_a_store, marker.string() + " is not a Tandem store marker");
        if (*v > format_version)
          fail(errc::format_too_new, dir.string() + " holds a Tandem store of format " + std::to_string(*v) +
                                         ", newer than this build supports (" +
                                         std::to_string(format_version) + "); upgrade Tandem to open it");
        if (*v < 1) fail(errc::not_a_store, marker.string() + " names an unknown format");
      } else if (fs::is_empty(dir)) {
        if (o.read_only) fail(errc::not_a_store, dir.string() + " is empty, not a Tandem store");
        fresh = true;
      } else {
        fail(errc::not_a_store, dir.string() + " holds other files and no " + marker_name +
                                    " marker: not a Tandem store (refusing to touch it)");
      }
    }
    auto undo = [&] {
      if (!fresh) return;
      std::error_code e2;
      if (created_dir) {
        fs::remove_all(dir, e2);
      } else {
        for (const char* f : {marker_name, "data.mdb", "lock.mdb"}) fs::remove(dir / f, e2);
      }
    };
    if (fresh) {
      // access() first: as a non-root user on a read-only directory this avoids creating
      // anything; write_marker catches the rest (read-only file systems, root).
      if (::access(dir.c_str(), W_OK) != 0 || !write_marker(dir)) {
        int e = errno;
        undo();
        fail(errc::read_only, "cannot write to " + dir.string() + ": " +
                                  std::string(e ? std::strerror(e) : "permission denied"));
      }
    }

    auto p = std::make_unique<impl>();
    p->opts = o;
    try {
      unsigned flags = MDB_NOTLS;
      if (o.read_only) flags |= MDB_RDONLY;
      if (o.mode == durability::relaxed) flags |= MDB_NOSYNC;
      // A failed mdb_env_open leaves the handle unusable: each attempt gets a new one.
      auto try_open = [&](unsigned f) {
        if (p->env) mdb_env_close(p->env);
        p->env = nullptr;
        chk(mdb_env_create(&p->env), "create environment");
        chk(mdb_env_set_maxdbs(p->env, 16), "set max dbs");
        chk(mdb_env_set_maxreaders(p->env, o.max_readers), "set max readers");
        chk(mdb_env_set_mapsize(p->env, std::min(o.initial_map_size, o.max_map_size)), "set map size");
        return mdb_env_open(p->env, dir.c_str(), f, 0644);
      };
      int rc = try_open(flags);
      if (o.read_only && (rc == EACCES || rc == EROFS || rc == EPERM)) {
        // A store on a read-only medium (e.g. a mounted backup): lock.mdb cannot be
        // written, and no writer can exist there, so read without the lock file.
        rc = try_open(flags | MDB_NOLOCK);
      }
      if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
        fail(errc::not_a_store, dir.string() + ": data.mdb is not an LMDB file of a supported version (" +
                                    mdb_strerror(rc) + ")");
      if (rc == EACCES || rc == EROFS || rc == EPERM)
        fail(errc::read_only, "cannot open " + dir.string() + " for writing: " + mdb_strerror(rc) +
                                  " (use read-only mode for inspection)");
      chk(rc, "open environment");
      int dead = 0;
      mdb_reader_check(p->env, &dead);  // free reader slots of killed processes

      std::shared_lock lk(p->resize_mu);
      txn_guard g;
      p->begin(&g.t, o.read_only ? MDB_RDONLY : 0);
      unsigned cf = o.read_only ? 0 : MDB_CREATE;
      auto open_db = [&](const char* name, MDB_dbi* d) {
        int r = mdb_dbi_open(g.t, name, cf, d);
        if (r == MDB_NOTFOUND) fail(errc::not_a_store, dir.string() + ": database '" + name + "' missing");
        chk(r, "open database");
      };
      open_db("sys", &p->db_sys);
      MDB_val fk = val("format"), fv;
      rc = mdb_get(g.t, p->db_sys, &fk, &fv);
      if (rc == MDB_NOTFOUND) {
        if (!fresh) fail(errc::not_a_store, dir.string() + ": store has no format record");
        std::uint8_t b[4];
        put_be(b, format_version, 4);
        MDB_val v = val(b, 4);
        chk(mdb_put(g.t, p->db_sys, &fk, &v, 0), "write format");
      } else {
        chk(rc, "read format");
        if (fv.mv_size != 4) fail(errc::not_a_store, dir.string() + ": format record malformed");
        auto v = static_cast<std::uint32_t>(get_be(static_cast<const std::uint8_t*>(fv.mv_data), 4));
        if (v > format_version)
          fail(errc::format_too_new, dir.string() + " holds a Tandem store of format " + std::to_string(v) +
                                         ", newer than this build supports (" +
                                         std::to_string(format_version) + ")");
      }
      open_db("names", &p->db_names);
      open_db("meta", &p->db_meta);
      open_db("log", &p->db_log);
      open_db("snap", &p->db_snap);
      open_db("ver", &p->db_ver);
      open_db("kv", &p->db_kv);
      g.commit();
    } catch (...) {
      if (p->env) {
        mdb_env_close(p->env);
        p->env = nullptr;
      }
      undo();
      throw;
    }
    if (!o.read_only) p->writer = std::thread([raw = p.get()] { raw->writer_loop(); });
    return std::unique_ptr<store>(new store(std::move(p)));
  });
}

// ---- appends ----
void store::append(std::string_view doc, bytes update, durable_fn on_durable) {
  auto& d = *impl_;
  {
    std::unique_lock lk(d.q_mu);
    if (!d.stopping && !d.opts.read_only) {
      d.queue.push_back({std::string(doc), std::move(update), std::move(on_durable)});
      ++d.enqueued;
      lk.unlock();
      d.q_cv.notify_one();
      return;
    }
  }
  if (on_durable)
    on_durable(error{d.opts.read_only ? errc::read_only : errc::closed,
                     d.opts.read_only ? "store was opened read-only" : "store is closing", std::string(doc),
                     0});
}

std::future<result<seq_t>> store::append(std::string_view doc, bytes update) {
  auto pr = std::make_shared<std::promise<result<seq_t>>>();
  auto f = pr->get_future();
  append(doc, std::move(update), [pr](result<seq_t> r) { pr->set_value(std::move(r)); });
  return f;
}

void store::flush() {
  auto& d = *impl_;
  std::unique_lock lk(d.q_mu);
  std::uint64_t target = d.enqueued;
  d.done_cv.wait(lk, [&] { return d.completed >= target; });
}

// ---- reads ----
result<std::vector<log_entry>> store::read_log(std::string_view doc, const log_range& range) const {
  std::vector<log_entry> out;
  auto r = scan_log(doc, range, [&](const log_view& v) {
    out.push_back(log_entry{v.seq, v.time, bytes(v.data.begin(), v.data.end())});
    return true;
  });
  if (!r) return std::move(r).err();
  return out;
}

namespace {
// Walks the log of one document from `from`, verifying each record; fn(seq, dec) -> bool.
template <class F>
void walk_log(MDB_txn* t, MDB_dbi dbi, const std::string& doc, std::uint64_t id, seq_t from, seq_t to,
              F&& fn) {
  cursor_guard c;
  chk(mdb_cursor_open(t, dbi, &c.c), "open cursor");
  log_key start(id, from);
  MDB_val k = val(start.b, 16), v;
  int rc = mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS) {
    if (k.mv_size != 16 || std::memcmp(k.mv_data, start.b, 8) != 0) break;
    seq_t s = get_be(static_cast<const std::uint8_t*>(k.mv_data) + 8, 8);
    if (s > to) return;  // before decoding: a damaged record past the range is not our business
    std::string why;
    auto d = decode_log(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &why);
    if (!d) corrupt(doc, s, why);
    if (!fn(s, *d)) return;
    rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS) chk(rc, "walk log");
}
}  // namespace

result<void> store::scan_log(std::string_view doc, const log_range& range,
                             const std::function<bool(const log_view&)>& fn) const {
  return guarded([&]() -> result<void> {
    check_name(doc);
    if (range.from_seq > range.to_seq || range.from_time > range.to_time) return {};
    return impl_->read([&](MDB_txn* t) -> result<void> {
      auto m = impl_->find_meta(t, doc);
      if (!m) return {};
      std::string name(doc);
      std::size_t n = 0;
      seq_t from = std::max<seq_t>(range.from_seq, m->info.snapshot_seq + 1);
      if (n >= range.limit) return {};
      walk_log(t, impl_->db_log, name, m->info.id, from, range.to_seq, [&](seq_t s, const log_dec& d) {
        if (s > range.to_seq) return false;
        if (d.time > range.to_time) return false;  // times are non-decreasing along the log
        if (d.time < range.from_time) return true;
        if (!fn(log_view{s, d.time, d.data})) return false;
        return ++n < range.limit;
      });
      return {};
    });
  });
}

result<doc_state> store::load(std::string_view doc) const {
  return guarded([&]() -> result<doc_state> {
    check_name(doc);
    return impl_->read([&](MDB_txn* t) -> result<doc_state> {
      doc_state s;
      auto m = impl_->find_meta(t, doc);
      if (!m) return s;
      std::string name(doc);
      s.found = true;
      s.info = m->info;
      if (m->info.snapshot_seq > 0) {
        id_key k(m->info.id);
        MDB_val kv = val(k.b, 8), v;
        int rc = mdb_get(t, impl_->db_snap, &kv, &v);
        if (rc == MDB_NOTFOUND) corrupt(name, 0, "snapshot missing");
        chk(rc, "read snapshot");
        std::string why;
        auto d = decode_snap(m->info.id, v.mv_data, v.mv_size, &why);
        if (!d) corrupt(name, 0, why);
        if (d->seq != m->info.snapshot_seq) corrupt(name, 0, "snapshot sequence disagrees with metadata");
        s.snapshot.assign(d->data.begin(), d->data.end());
      }
      seq_t expect = m->info.snapshot_seq + 1;
      s.log.reserve(static_cast<std::size_t>(m->info.log_count));
      walk_log(t, impl_->db_log, name, m->info.id, expect, m->info.last_seq, [&](seq_t q, const log_dec& d) {
        if (q != expect) corrupt(name, expect, "log record missing");
        s.log.push_back(log_entry{q, d.time, bytes(d.data.begin(), d.data.end())});
        ++expect;
        return true;
      });
      if (expect != m->info.last_seq + 1) corrupt(name, expect, "log record missing (log ends early)");
      return s;
    });
  });
}

result<std::optional<doc_info>> store::info(std::string_view doc) const {
  return guarded([&]() -> result<std::optional<doc_info>> {
    check_name(doc);
    return impl_->read([&](MDB_txn* t) -> result<std::optional<doc_info>> {
      auto m = impl_->find_meta(t, doc);
      if (!m) return std::optional<doc_info>{};
      return std::optional<doc_info>(std::move(m->info));
    });
  });
}

result<std::vector<doc_info>> store::list_docs(std::string_view prefix) const {
  return guarded([&]() -> result<std::vector<doc_info>> {
    return impl_->read([&](MDB_txn* t) -> result<std::vector<doc_info>> {
      std::vector<doc_info> out;
      cursor_guard c;
      chk(mdb_cursor_open(t, impl_->db_names, &c.c), "open cursor");
      MDB_val k = val(prefix), v;
      int rc = prefix.empty() ? mdb_cursor_get(c.c, &k, &v, MDB_FIRST)
                              : mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS) {
        std::string_view name = sv(k);
        if (name.substr(0, prefix.size()) != prefix) break;
        // A damaged document is listed (flagged), never dropped, and never hides the others.
        doc_info di;
        try {
          if (v.mv_size != 8) corrupt(std::string(name), 0, "name record malformed");
          di = impl_->get_meta(t, name, get_be(static_cast<const std::uint8_t*>(v.mv_data), 8)).info;
        } catch (const store_failure& f) {
          if (f.e.code != errc::corrupt) throw;
          di = doc_info{};
          di.name = std::string(name);
          di.workspace = workspace_of(name);
          di.damaged = true;
        }
        out.push_back(std::move(di));
        rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
      }
      if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS) chk(rc, "list documents");
      return out;
    });
  });
}

result<void> store::set_doc_info(std::string_view doc, std::string_view kind, std::string_view title) {
  return guarded([&]() -> result<void> {
    check_name(doc);
    if (kind.size() > 255 || title.size() > 4096)
      fail(errc::invalid_argument, "kind (<=255 bytes) or title (<=4096 bytes) too long", std::string(doc));
    impl_->write([&](MDB_txn* t) {
      meta_rec m = impl_->get_or_create(t, doc);
      m.info.kind = std::string(kind);
      m.info.title = std::string(title);
      impl_->touch(m);
      impl_->put_meta(t, m);
    });
    return {};
  });
}

// ---- compaction ----
result<void> store::compact(std::string_view doc, bytes_view snapshot, seq_t up_to) {
  return guarded([&]() -> result<void> {
    check_name(doc);
    if (snapshot.size() > impl_->opts.max_record_size)
      fail(errc::invalid_argument, "snapshot exceeds max_record_size", std::string(doc));
    impl_->write([&](MDB_txn* t) {
      auto mo = impl_->find_meta(t, doc);
      if (!mo)
        fail(errc::invalid_argument, "compact: no document '" + std::string(doc) + "'", std::string(doc));
      meta_rec& m = *mo;
      if (up_to > m.info.last_seq || up_to < m.info.snapshot_seq)
        fail(errc::invalid_argument,
             "compact: sequence " + std::to_string(up_to) + " outside " +
                 std::to_string(m.info.snapshot_seq) + ".." + std::to_string(m.info.last_seq),
             std::string(doc));
      // Walk and delete the covered entries, keeping the counters exact.
      cursor_guard c;
      chk(mdb_cursor_open(t, impl_->db_log, &c.c), "open cursor");
      log_key start(m.info.id, 0);
      MDB_val k = val(start.b, 16), v;
      int rc = mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS) {
        if (k.mv_size != 16 || std::memcmp(k.mv_data, start.b, 8) != 0) break;
        seq_t s = get_be(static_cast<const std::uint8_t*>(k.mv_data) + 8, 8);
        if (s > up_to) break;
        std::size_t payload = v.mv_size >= 16 ? v.mv_size - 16 : 0;
        chk(mdb_cursor_del(c.c, 0), "delete log record");
        m.info.log_count -= std::min<std::uint64_t>(m.info.log_count, 1);
        m.info.log_bytes -= std::min<std::uint64_t>(m.info.log_bytes, payload);
        rc = mdb_cursor_get(c.c, &k, &v, MDB_GET_CURRENT);
        if (rc == EINVAL) rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
      }
      if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS) chk(rc, "walk log");
      impl_->touch(m);
      id_key sk(m.info.id);
      auto sv2 = encode_snap(m.info.id, up_to, m.info.updated, snapshot);
      MDB_val skv = val(sk.b, 8), svv = val(sv2);
      chk(mdb_put(t, impl_->db_snap, &skv, &svv, 0), "write snapshot");
      m.info.snapshot_seq = up_to;
      m.info.snapshot_bytes = snapshot.size();
      impl_->put_meta(t, m);
    });
    return {};
  });
}

// ---- versions ----
result<version_info> store::create_version(std::string_view doc, std::string_view label,
                                           std::string_view author, bytes_view state) {
  return guarded([&]() -> result<version_info> {
    check_name(doc);
    if (label.size() > 4096 || author.size() > 4096)
      fail(errc::invalid_argument, "label or author longer than 4096 bytes", std::string(doc));
    if (state.size() > impl_->opts.max_record_size)
      fail(errc::invalid_argument, "version state exceeds max_record_size", std::string(doc));
    return impl_->write([&](MDB_txn* t) {
      meta_rec m = impl_->get_or_create(t, doc);
      impl_->touch(m);
      version_info vi;
      vi.number = m.next_version++;
      vi.label = std::string(label);
      vi.author = std::string(author);
      vi.time = m.info.updated;
      vi.at_seq = m.info.last_seq;
      vi.size = state.size();
      ver_key k(m.info.id, vi.number);
      auto v = encode_ver(k, vi, state);
      MDB_val kv = val(k.b, 12), vv = val(v);
      chk(mdb_put(t, impl_->db_ver, &kv, &vv, MDB_NOOVERWRITE), "write version");
      ++m.info.version_count;
      impl_->put_meta(t, m);
      return vi;
    });
  });
}

result<std::vector<version_info>> store::list_versions(std::string_view doc) const {
  return guarded([&]() -> result<std::vector<version_info>> {
    check_name(doc);
    return impl_->read([&](MDB_txn* t) -> result<std::vector<version_info>> {
      std::vector<version_info> out;
      auto m = impl_->find_meta(t, doc);
      if (!m) return out;
      cursor_guard c;
      chk(mdb_cursor_open(t, impl_->db_ver, &c.c), "open cursor");
      ver_key start(m->info.id, 0);
      MDB_val k = val(start.b, 12), v;
      int rc = mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS) {
        if (k.mv_size != 12 || std::memcmp(k.mv_data, start.b, 8) != 0) break;
        ver_key vk(m->info.id,
                   static_cast<std::uint32_t>(get_be(static_cast<const std::uint8_t*>(k.mv_data) + 8, 4)));
        std::string why;
        auto vi = decode_ver(vk, v.mv_data, v.mv_size, nullptr, &why);
        if (!vi) corrupt(std::string(doc), 0, why + " (version " + std::to_string(get_be(vk.b + 8, 4)) + ")");
        out.push_back(std::move(*vi));
        rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
      }
      if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS) chk(rc, "list versions");
      return out;
    });
  });
}

result<std::optional<version>> store::read_version(std::string_view doc, std::uint32_t number) const {
  return guarded([&]() -> result<std::optional<version>> {
    check_name(doc);
    return impl_->read([&](MDB_txn* t) -> result<std::optional<version>> {
      auto m = impl_->find_meta(t, doc);
      if (!m) return std::optional<version>{};
      ver_key k(m->info.id, number);
      MDB_val kv = val(k.b, 12), v;
      int rc = mdb_get(t, impl_->db_ver, &kv, &v);
      if (rc == MDB_NOTFOUND) return std::optional<version>{};
      chk(rc, "read version");
      std::string why;
      bytes_view st;
      auto vi = decode_ver(k, v.mv_data, v.mv_size, &st, &why);
      if (!vi) corrupt(std::string(doc), 0, why + " (version " + std::to_string(number) + ")");
      return std::optional<version>(version{std::move(*vi), bytes(st.begin(), st.end())});
    });
  });
}

result<bool> store::delete_version(std::string_view doc, std::uint32_t number) {
  return guarded([&]() -> result<bool> {
    check_name(doc);
    return impl_->write([&](MDB_txn* t) {
      auto m = impl_->find_meta(t, doc);
      if (!m) return false;
      ver_key k(m->info.id, number);
      MDB_val kv = val(k.b, 12);
      int rc = mdb_del(t, impl_->db_ver, &kv, nullptr);
      if (rc == MDB_NOTFOUND) return false;
      chk(rc, "delete version");
      if (m->info.version_count) --m->info.version_count;
      impl_->touch(*m);
      impl_->put_meta(t, *m);
      return true;
    });
  });
}

result<bool> store::delete_doc(std::string_view doc) {
  return guarded([&]() -> result<bool> {
    check_name(doc);
    return impl_->write([&](MDB_txn* t) {
      auto id = impl_->find_id(t, doc);
      if (!id) return false;
      impl_->delete_prefix(t, impl_->db_log, *id, nullptr, 0);
      impl_->delete_prefix(t, impl_->db_ver, *id, nullptr, 0);
      id_key k(*id);
      MDB_val kv = val(k.b, 8);
      for (MDB_dbi d : {impl_->db_snap, impl_->db_meta}) {
        int rc = mdb_del(t, d, &kv, nullptr);
        if (rc != MDB_NOTFOUND) chk(rc, "delete document record");
      }
      MDB_val nk = val(doc);
      chk(mdb_del(t, impl_->db_names, &nk, nullptr), "delete name");
      return true;
    });
  });
}

// ---- KV ----
namespace {
void check_key(std::string_view key) {
  if (key.empty() || key.size() > 511) fail(errc::invalid_argument, "key must be 1..511 bytes");
}
}  // namespace

result<void> store::kv_put(std::string_view key, bytes_view value) {
  return guarded([&]() -> result<void> {
    check_key(key);
    if (value.size() > impl_->opts.max_record_size)
      fail(errc::invalid_argument, "value exceeds max_record_size");
    impl_->write([&](MDB_txn* t) {
      auto v = encode_kv(key, value);
      MDB_val kv = val(key), vv = val(v);
      chk(mdb_put(t, impl_->db_kv, &kv, &vv, 0), "write kv");
    });
    return {};
  });
}

result<std::optional<bytes>> store::kv_get(std::string_view key) const {
  return guarded([&]() -> result<std::optional<bytes>> {
    check_key(key);
    return impl_->read([&](MDB_txn* t) -> result<std::optional<bytes>> {
      MDB_val kv = val(key), v;
      int rc = mdb_get(t, impl_->db_kv, &kv, &v);
      if (rc == MDB_NOTFOUND) return std::optional<bytes>{};
      chk(rc, "read kv");
      auto d = decode_kv(key, v.mv_data, v.mv_size);
      if (!d) fail(errc::corrupt, "kv record '" + std::string(key) + "': checksum mismatch");
      return std::optional<bytes>(bytes(d->begin(), d->end()));
    });
  });
}

result<bool> store::kv_delete(std::string_view key) {
  return guarded([&]() -> result<bool> {
    check_key(key);
    return impl_->write([&](MDB_txn* t) {
      MDB_val kv = val(key);
      int rc = mdb_del(t, impl_->db_kv, &kv, nullptr);
      if (rc == MDB_NOTFOUND) return false;
      chk(rc, "delete kv");
      return true;
    });
  });
}

result<std::vector<std::pair<std::string, bytes>>> store::kv_list(std::string_view prefix) const {
  using out_t = std::vector<std::pair<std::string, bytes>>;
  return guarded([&]() -> result<out_t> {
    return impl_->read([&](MDB_txn* t) -> result<out_t> {
      out_t out;
      cursor_guard c;
      chk(mdb_cursor_open(t, impl_->db_kv, &c.c), "open cursor");
      MDB_val k = val(prefix), v;
      int rc = prefix.empty() ? mdb_cursor_get(c.c, &k, &v, MDB_FIRST)
                              : mdb_cursor_get(c.c, &k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS) {
        std::string_view key = sv(k);
        if (key.substr(0, prefix.size()) != prefix) break;
        auto d = decode_kv(key, v.mv_data, v.mv_size);
        if (!d) fail(errc::corrupt, "kv record '" + std::string(key) + "': checksum mismatch");
        out.emplace_back(std::string(key), bytes(d->begin(), d->end()));
        rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
      }
      if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS) chk(rc, "list kv");
      return out;
    });
  });
}

// ---- check ----
result<check_report> store::check(const progress_fn& progress) const {
  return guarded([&]() -> result<check_report> {
    return impl_->read([&](MDB_txn* t) -> result<check_report> {
      auto& d = *impl_;
      check_report rep;
      std::uint64_t total = 0, done = 0;
      for (MDB_dbi dbi : {d.db_names, d.db_meta, d.db_log, d.db_snap, d.db_ver, d.db_kv}) {
        MDB_stat s;
        chk(mdb_stat(t, dbi, &s), "stat");
        total += s.ms_entries;
      }
      auto tick = [&] {
        ++done;
        ++rep.records;
        if (progress && (done % 4096 == 0 || done == total)) progress(done, total);
      };
      auto problem = [&](std::string doc, seq_t seq, std::string what) {
        rep.problems.push_back(corruption{std::move(doc), seq, std::move(what)});
      };
      struct doc_seen {
        std::string name;
        std::optional<meta_rec> meta;
        bool named{false};
        std::uint64_t log_count{0};
        std::uint64_t log_bytes{0};
        seq_t next{0};  // expected next log seq
        bool snap{false};
        std::uint32_t versions{0};
      };
      std::map<std::uint64_t, doc_seen> docs;
      auto walk = [&](MDB_dbi dbi, auto&& fn) {
        cursor_guard c;
        chk(mdb_cursor_open(t, dbi, &c.c), "open cursor");
        MDB_val k, v;
        int rc = mdb_cursor_get(c.c, &k, &v, MDB_FIRST);
        while (rc == MDB_SUCCESS) {
          fn(k, v);
          tick();
          rc = mdb_cursor_get(c.c, &k, &v, MDB_NEXT);
        }
        if (rc != MDB_NOTFOUND) chk(rc, "walk database");
      };
      auto id_of = [](const MDB_val& k) { return get_be(static_cast<const std::uint8_t*>(k.mv_data), 8); };
      walk(d.db_names, [&](const MDB_val& k, const MDB_val& v) {
        std::string name(sv(k));
        if (v.mv_size != 8) return problem(name, 0, "name record malformed");
        auto& ds = docs[get_be(static_cast<const std::uint8_t*>(v.mv_data), 8)];
        if (ds.named) problem(name, 0, "document id shared with '" + ds.name + "'");
        ds.named = true;
        ds.name = name;
      });
      walk(d.db_meta, [&](const MDB_val& k, const MDB_val& v) {
        if (k.mv_size != 8) return problem("", 0, "metadata key malformed");
        std::uint64_t id = id_of(k);
        auto& ds = docs[id];
        std::string why;
        auto m = decode_meta(id, v.mv_data, v.mv_size, &why);
        std::string who = ds.named ? ds.name : (m ? m->info.name : "#" + std::to_string(id));
        if (!m) return problem(who, 0, why);
        if (!ds.named) {
          ds.name = m->info.name;
          return problem(who, 0, "metadata without a name record");
        }
        if (m->info.name != ds.name) return problem(who, 0, "metadata names '" + m->info.name + "'");
        ds.meta = std::move(m);
        ds.next = ds.meta->info.snapshot_seq + 1;
      });
      walk(d.db_log, [&](const MDB_val& k, const MDB_val& v) {
        if (k.mv_size != 16) return problem("", 0, "log key malformed");
        std::uint64_t id = id_of(k);
        seq_t s = get_be(static_cast<const std::uint8_t*>(k.mv_data) + 8, 8);
        auto it = docs.find(id);
        if (it == docs.end()) return problem("#" + std::to_string(id), s, "log record of unknown document");
        auto& ds = it->second;
        std::string why;
        auto dec = decode_log(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &why);
        if (!dec) problem(ds.name, s, why);
        ++ds.log_count;
        if (dec) ds.log_bytes += dec->data.size();
        if (ds.meta) {
          if (s != ds.next) {
            if (s < ds.next)
              problem(ds.name, s, "log record already covered by the snapshot");
            else
              for (seq_t q = ds.next; q < s && q < ds.next + 16; ++q)
                problem(ds.name, q, "log record missing");
          }
          if (s > ds.meta->info.last_seq) problem(ds.name, s, "log record beyond last sequence");
          ds.next = std::max(ds.next, s + 1);
        }
      });
      walk(d.db_snap, [&](const MDB_val& k, const MDB_val& v) {
        if (k.mv_size != 8) return problem("", 0, "snapshot key malformed");
        std::uint64_t id = id_of(k);
        auto it = docs.find(id);
        if (it == docs.end()) return problem("#" + std::to_string(id), 0, "snapshot of unknown document");
        auto& ds = it->second;
        ds.snap = true;
        std::string why;
        auto dec = decode_snap(id, v.mv_data, v.mv_size, &why);
        if (!dec) return problem(ds.name, 0, why);
        if (ds.meta && dec->seq != ds.meta->info.snapshot_seq)
          problem(ds.name, 0, "snapshot sequence disagrees with metadata");
      });
      walk(d.db_ver, [&](const MDB_val& k, const MDB_val& v) {
        if (k.mv_size != 12) return problem("", 0, "version key malformed");
        std::uint64_t id = id_of(k);
        auto num = static_cast<std::uint32_t>(get_be(static_cast<const std::uint8_t*>(k.mv_data) + 8, 4));
        auto it = docs.find(id);
        if (it == docs.end()) return problem("#" + std::to_string(id), 0, "version of unknown document");
        ++it->second.versions;
        std::string why;
        if (!decode_ver(ver_key(id, num), v.mv_data, v.mv_size, nullptr, &why))
          problem(it->second.name, 0, why + " (version " + std::to_string(num) + ")");
      });
      walk(d.db_kv, [&](const MDB_val& k, const MDB_val& v) {
        if (!decode_kv(sv(k), v.mv_data, v.mv_size))
          problem("", 0, "kv record '" + std::string(sv(k)) + "': checksum mismatch");
      });
      for (auto& [id, ds] : docs) {
        if (!ds.named) continue;
        ++rep.documents;
        if (!ds.meta) {
          // decode failures were reported already; a plain absence was not
          MDB_val kv;
          id_key k(id);
          MDB_val kk = val(k.b, 8);
          if (mdb_get(t, d.db_meta, &kk, &kv) == MDB_NOTFOUND) problem(ds.name, 0, "metadata record missing");
          continue;
        }
        const auto& mi = ds.meta->info;
        if (ds.next <= mi.last_seq) problem(ds.name, ds.next, "log record missing (log ends early)");
        if (ds.log_count != mi.log_count) problem(ds.name, 0, "metadata log count disagrees with the log");
        if (mi.snapshot_seq > 0 && !ds.snap) problem(ds.name, 0, "snapshot missing");
        if (ds.versions != mi.version_count) problem(ds.name, 0, "metadata version count disagrees");
      }
      if (progress) progress(total, total);
      return rep;
    });
  });
}

// ---- backup / stats ----
result<void> store::backup(const fs::path& dest) const {
  return guarded([&]() -> result<void> {
    std::error_code ec;
    if (fs::exists(dest)) {
      if (!fs::is_directory(dest) || !fs::is_empty(dest))
        fail(errc::invalid_argument,
             "backup destination " + dest.string() + " must be missing or an empty directory");
    } else {
      fs::create_directories(dest, ec);
      if (ec) fail(errc::io, "cannot create " + dest.string() + ": " + ec.message());
    }
    {
      std::shared_lock lk(impl_->resize_mu);
      chk(mdb_env_copy2(impl_->env, dest.c_str(), MDB_CP_COMPACT), "copy environment");
    }
    if (!write_marker(dest)) fail(errc::io, "cannot write the store marker into " + dest.string());
    return {};
  });
}

result<store_stats> store::stats() const {
  return guarded([&]() -> result<store_stats> {
    store_stats s;
    MDB_envinfo info;
    MDB_stat st;
    chk(mdb_env_info(impl_->env, &info), "env info");
    chk(mdb_env_stat(impl_->env, &st), "env stat");
    s.map_size = info.me_mapsize;
    s.used_bytes = (info.me_last_pgno + 1) * st.ms_psize;
    std::error_code ec;
    auto fsz = fs::file_size(impl_->opts.dir / "data.mdb", ec);
    s.file_bytes = ec ? 0 : fsz;
    s.batches = impl_->batches.load();
    s.batched_updates = impl_->batched_updates.load();
    impl_->read([&](MDB_txn* t) {
      MDB_stat ds;
      chk(mdb_stat(t, impl_->db_names, &ds), "stat");
      s.documents = ds.ms_entries;
    });
    return s;
  });
}

}  // namespace tandem::storage
