// Opening bad directories (not a store, newer format, read-only) and hot backup.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_util.hpp"

using namespace tandem::storage;
using namespace storage_test;

namespace {
// Every file under p with its size and content, to prove "no change on disk".
std::string tree_fingerprint(const fs::path& p) {
  std::ostringstream o;
  for (auto& e : fs::recursive_directory_iterator(p)) {
    o << e.path().lexically_relative(p).string() << ':';
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      o << in.rdbuf();
    }
    o << '\n';
  }
  return o.str();
}
void write_file(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}
// Root ignores permission bits, so for root the read-only directory is made immutable
// (FS_IMMUTABLE_FL, what `chattr +i` sets): nobody can create files in it. Returns false
// when the file system does not support the flag.
bool set_immutable(const fs::path& p, bool on) {
  int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok) {
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ::close(fd);
  return ok;
}
}  // namespace

TEST_CASE("storage: a directory with other files and no marker is refused and left untouched") {
  temp_dir d;
  write_file(d / "notes.txt", "my files");
  fs::create_directory(d / "sub");
  auto before = tree_fingerprint(d.path);
  auto r = store::open(opts_for(d.path));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_a_store);
  CHECK(r.err().message.find("not a Tandem store") != std::string::npos);
  CHECK(tree_fingerprint(d.path) == before);
}

TEST_CASE("storage: LMDB files without a Tandem marker are refused") {
  temp_dir d;
  write_file(d / "data.mdb", std::string(8192, '\x01'));
  auto before = tree_fingerprint(d.path);
  auto r = store::open(opts_for(d.path));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_a_store);
  CHECK(tree_fingerprint(d.path) == before);
}

TEST_CASE("storage: a marker with a garbage data.mdb is refused as not a store") {
  temp_dir d;
  write_file(d / "TANDEM-STORE", "tandem-store\nformat 1\n");
  write_file(d / "data.mdb", std::string(16384, '\x07'));
  auto r = store::open(opts_for(d.path));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_a_store);
}

TEST_CASE("storage: a file in place of the directory is refused") {
  temp_dir d;
  write_file(d / "file", "x");
  auto r = store::open(opts_for(d / "file"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_a_store);
  // and a path below a file cannot be created
  auto r2 = store::open(opts_for(d.path / "file" / "store"));
  REQUIRE_FALSE(r2.ok());
}

TEST_CASE("storage: a store of a newer format is refused with a clear message, unchanged") {
  temp_dir d;
  {
    auto s = store::open(opts_for(d.path));
    REQUIRE(s.ok());
    REQUIRE(s.value()->append("n/doc", str_bytes("x")).get().ok());
  }
  write_file(d / "TANDEM-STORE", "tandem-store\nformat 2\n");
  auto before = tree_fingerprint(d.path);
  auto r = store::open(opts_for(d.path));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::format_too_new);
  CHECK(r.err().message.find("newer") != std::string::npos);
  CHECK(tree_fingerprint(d.path) == before);
}

TEST_CASE("storage: a read-only directory gives a clear error and nothing is created") {
  if (::geteuid() != 0) {
    temp_dir d;
    fs::path ro = d / "ro";
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    auto r = store::open(opts_for(ro));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::read_only);
    CHECK(fs::is_empty(ro));
    return;
  }
  temp_dir d;
  fs::path ro = d / "ro";
  fs::create_directory(ro);
  if (!set_immutable(ro, true)) {
    MESSAGE("running as root on a file system without FS_IMMUTABLE_FL: read-only case not exercised");
    return;
  }
  auto r = store::open(opts_for(ro));
  auto r2 = store::open(opts_for(ro / "sub"));
  bool empty = fs::is_empty(ro);
  set_immutable(ro, false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::read_only);
  CHECK(r.err().message.find(ro.string()) != std::string::npos);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.err().code == errc::read_only);
  CHECK(empty);
}

TEST_CASE("storage: opening read-only a missing or empty directory is refused without creating it") {
  temp_dir d;
  auto o = opts_for(d / "missing");
  o.read_only = true;
  auto r = store::open(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_a_store);
  CHECK_FALSE(fs::exists(d / "missing"));
  auto o2 = opts_for(d.path);
  o2.read_only = true;
  auto r2 = store::open(o2);
  REQUIRE_FALSE(r2.ok());
  CHECK(fs::is_empty(d.path));
}

TEST_CASE(
    "storage: a hot backup taken during writes opens, passes check and holds every acknowledged update") {
  temp_dir d;
  auto s = store::open(opts_for(d / "live"));
  REQUIRE(s.ok());
  auto& st = *s.value();
  std::atomic<bool> stop{false};
  std::atomic<seq_t> acked{0};
  std::thread writer([&] {
    std::uint64_t i = 0;
    while (!stop) {
      ++i;
      auto r = st.append("b/doc", payload(9, i)).get();
      if (r.ok()) acked = r.value();
    }
  });
  while (acked < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  seq_t acked_before = acked;
  auto b = st.backup(d / "copy");
  seq_t acked_after_min = acked_before;
  stop = true;
  writer.join();
  REQUIRE_MESSAGE(b.ok(), (b.ok() ? "" : b.err().message));
  auto copy = store::open(opts_for(d / "copy"));
  REQUIRE(copy.ok());
  auto rep = copy.value()->check();
  REQUIRE(rep.ok());
  CHECK(rep->ok());
  auto ld = copy.value()->load("b/doc");
  REQUIRE(ld.ok());
  CHECK(ld->log.size() >= acked_after_min);
  for (std::size_t i = 0; i < ld->log.size(); ++i) CHECK(ld->log[i].data == payload(9, i + 1));
  MESSAGE("backup holds " << ld->log.size() << " updates; " << acked_before
                          << " were acknowledged before it began");
  // an occupied destination is refused
  auto again = st.backup(d / "copy");
  REQUIRE_FALSE(again.ok());
}

TEST_CASE("storage: a store on an unwritable medium opens read-only and refuses a writable open") {
  temp_dir d;
  fs::path dir = d / "st";
  {
    auto s = store::open(opts_for(dir));
    REQUIRE(s.ok());
    REQUIRE(s.value()->append("m/doc", str_bytes("abc")).get().ok());
  }
  const fs::path files[] = {dir / "data.mdb", dir / "lock.mdb", dir / "TANDEM-STORE", dir};
  if (::geteuid() == 0) {
    for (const auto& f : files)
      if (!set_immutable(f, true)) {
        for (const auto& g : files) set_immutable(g, false);
        MESSAGE("file system without FS_IMMUTABLE_FL: case not exercised");
        return;
      }
  } else {
    for (const auto& f : files) fs::permissions(f, fs::perms::owner_write, fs::perm_options::remove);
  }
  auto before = tree_fingerprint(dir);
  auto rw = store::open(opts_for(dir));
  auto o = opts_for(dir);
  o.read_only = true;
  auto ro = store::open(o);
  std::optional<std::size_t> loaded;
  if (ro.ok()) {
    auto st = ro.value()->load("m/doc");
    if (st.ok()) loaded = st->log.size();
    ro.value().reset();
  }
  auto after = tree_fingerprint(dir);
  if (::geteuid() == 0)
    for (const auto& f : files) set_immutable(f, false);
  REQUIRE_FALSE(rw.ok());
  CHECK(rw.err().code == errc::read_only);
  REQUIRE_MESSAGE(ro.ok(), (ro.ok() ? "" : ro.err().message));
  CHECK(loaded == std::optional<std::size_t>(1));
  CHECK(before == after);
}
