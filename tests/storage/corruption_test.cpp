// Corruption: bytes flipped inside stored records are found by check() and by load(),
// named by document and sequence, and other documents keep working.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "test_util.hpp"

using namespace tandem::storage;
using namespace storage_test;

namespace {
bytes tagged(const std::string& tag) {
  std::string s = tag + std::string(120, 'x');
  return bytes(s.begin(), s.end());
}
// Rewrites the byte `offset` bytes from every occurrence of `needle` in the file with
// `change(old byte)`; returns how many were changed.
template <typename Change>
int patch_at(const fs::path& file, const std::string& needle, std::ptrdiff_t offset, Change change) {
  std::string data;
  {
    std::ifstream in(file, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  int n = 0;
  for (auto p = data.find(needle); p != std::string::npos; p = data.find(needle, p + 1)) {
    auto at = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(p) + offset);
    data[at] = static_cast<char>(change(static_cast<unsigned char>(data[at])));
    ++n;
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << data;
  return n;
}
// Flips one byte `offset` bytes after every occurrence of `needle`.
int flip_after(const fs::path& file, const std::string& needle, std::ptrdiff_t offset) {
  return patch_at(file, needle, offset, [](unsigned char b) { return b ^ 0x5A; });
}
// Opens the damaged store in `dir` and checks it: exactly one problem must be reported.
std::pair<std::unique_ptr<store>, corruption> open_with_one_problem(const fs::path& dir) {
  auto s = store::open(opts_for(dir));
  REQUIRE(s.ok());
  auto rep = s.value()->check();
  REQUIRE(rep.ok());
  REQUIRE(rep->problems.size() == 1);
  return {std::move(s.value()), rep->problems[0]};
}
void fill(const fs::path& dir) {
  auto s = store::open(opts_for(dir));
  REQUIRE(s.ok());
  for (int i = 1; i <= 10; ++i) {
    char tag[32];
    std::snprintf(tag, sizeof tag, "CORRUPTME-A-%04d", i);
    REQUIRE(s.value()->append("acme/plan", tagged(tag)).get().ok());
    std::snprintf(tag, sizeof tag, "CORRUPTME-B-%04d", i);
    REQUIRE(s.value()->append("acme/board/1", tagged(tag)).get().ok());
  }
  REQUIRE(s.value()->create_version("acme/board/1", "v", "me", tagged("VERSIONSTATE-1")).ok());
}
}  // namespace

TEST_CASE("storage: a flipped byte in a log record is named by check and load, other documents load") {
  temp_dir d;
  fill(d.path);
  REQUIRE(flip_after(d / "data.mdb", "CORRUPTME-A-0007", 20) >= 1);
  auto [st, problem] = open_with_one_problem(d.path);
  CHECK(problem.doc == "acme/plan");
  CHECK(problem.seq == 7);
  CHECK(problem.what.find("checksum") != std::string::npos);
  auto ld = st->load("acme/plan");
  REQUIRE_FALSE(ld.ok());
  CHECK(ld.err().code == errc::corrupt);
  CHECK(ld.err().doc == "acme/plan");
  CHECK(ld.err().seq == 7);
  CHECK(ld.err().message.find("acme/plan") != std::string::npos);
  auto other = st->load("acme/board/1");
  REQUIRE(other.ok());
  CHECK(other->log.size() == 10);
  // the rest of the damaged document's log can still be read around the bad record
  log_range r;
  r.to_seq = 6;
  auto head = st->read_log("acme/plan", r);
  REQUIRE(head.ok());
  CHECK(head->size() == 6);
  // and the store still accepts writes to the healthy document
  CHECK(st->append("acme/board/1", tagged("more")).get().ok());
}

TEST_CASE("storage: a flipped byte in a record's length field is caught, not read past") {
  temp_dir d;
  fill(d.path);
  // the u32 length sits 4 bytes before the payload: make it huge
  REQUIRE(patch_at(d / "data.mdb", "CORRUPTME-B-0003", -2, [](unsigned char) { return 0x7F; }) >= 1);
  auto [st, problem] = open_with_one_problem(d.path);
  CHECK(problem.doc == "acme/board/1");
  CHECK(problem.seq == 3);
  auto ld = st->load("acme/board/1");
  REQUIRE_FALSE(ld.ok());
  CHECK(ld.err().seq == 3);
  CHECK(st->load("acme/plan").ok());
}

TEST_CASE("storage: a damaged version state is reported with its document") {
  temp_dir d;
  fill(d.path);
  REQUIRE(flip_after(d / "data.mdb", "VERSIONSTATE-1", 30) >= 1);
  auto [st, problem] = open_with_one_problem(d.path);
  CHECK(problem.doc == "acme/board/1");
  CHECK(problem.what.find("version") != std::string::npos);
  auto v = st->read_version("acme/board/1", 1);
  REQUIRE_FALSE(v.ok());
  CHECK(v.err().code == errc::corrupt);
}

TEST_CASE("storage: tandem check exits non-zero and names the damaged document and sequence") {
#ifdef TANDEM_CLI_EXE
  if (!fs::exists(TANDEM_CLI_EXE)) {
    MESSAGE("tandem executable not built (" << TANDEM_CLI_EXE << "): CLI check not exercised");
    return;
  }
  temp_dir d;
  fill(d.path);
  std::string clean_cmd = std::string(TANDEM_CLI_EXE) + " check --data " + d.path.string() + " 2>&1";
  int rc0 = std::system(clean_cmd.c_str());
  CHECK(WEXITSTATUS(rc0) == 0);
  REQUIRE(flip_after(d / "data.mdb", "CORRUPTME-A-0004", 25) >= 1);
  std::string cmd = clean_cmd;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = ::pclose(p);
  CHECK(WEXITSTATUS(rc) != 0);
  CHECK(out.find("acme/plan") != std::string::npos);
  CHECK(out.find("seq=4") != std::string::npos);
  MESSAGE("tandem check said: " << out);
#else
  MESSAGE("tandem executable not part of this build: CLI check not exercised");
#endif
}

namespace {
// Runs a shell command, returns (exit status, stdout+stderr).
std::pair<int, std::string> run(const std::string& cmd) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = ::pclose(p);
  return {WEXITSTATUS(rc), out};
}
bytes from_hex(const std::string& h) {
  bytes b;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    b.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return b;
}
}  // namespace

TEST_CASE("storage: tandem docs, backup and compact work on a store and report failures by document") {
#ifdef TANDEM_CLI_EXE
  if (!fs::exists(TANDEM_CLI_EXE)) {
    MESSAGE("tandem executable not built: CLI not exercised");
    return;
  }
  const std::string exe = TANDEM_CLI_EXE;
  temp_dir d;
  fs::path data = d / "data";
  {
    auto s = store::open(opts_for(data));
    REQUIRE(s.ok());
    // Produced by yjs 13.6.33:
    //   const d = new Y.Doc(); d.clientID = 1; d.on('update', u => ups.push(u));
    //   d.getText('notes').insert(0, 'hi'); d.getMap('meta').set('kind', 'plan');
    REQUIRE(s.value()->append("acme/plan", from_hex("010101000401056e6f74657302686900")).get().ok());
    REQUIRE(s.value()
                ->append("acme/plan", from_hex("010101022801046d657461046b696e64017704706c616e00"))
                .get()
                .ok());
    REQUIRE(s.value()->append("acme/junk", str_bytes("not an update")).get().ok());
  }
  auto [rc_docs, docs] = run("TANDEM_DATA=" + data.string() + " " + exe + " docs");
  CHECK(rc_docs == 0);
  CHECK(docs.find("acme/junk\tupdates=1\t") != std::string::npos);
  CHECK(docs.find("acme/plan\tupdates=2\tbytes=40\tsnapshot=0\t") != std::string::npos);

  auto [rc_bk, bk] = run(exe + " backup " + (d / "bk").string() + " --data " + data.string());
  CHECK(rc_bk == 0);
  auto [rc_chk, chk] = run(exe + " check --data " + (d / "bk").string());
  CHECK(rc_chk == 0);
  CHECK(chk.find("2 documents") != std::string::npos);

  auto [rc_c, c] = run(exe + " compact --data " + data.string());
  CHECK(rc_c != 0);  // acme/junk cannot be merged
  CHECK(c.find("acme/junk seq 1") != std::string::npos);
  CHECK(c.find("acme/plan\t2 updates") != std::string::npos);
  auto s = store::open(opts_for(data));
  REQUIRE(s.ok());
  auto plan = s.value()->load("acme/plan");
  REQUIRE(plan.ok());
  CHECK(plan->log.empty());
  CHECK(plan->info.snapshot_seq == 2);
  CHECK_FALSE(plan->snapshot.empty());
  auto junk = s.value()->load("acme/junk");
  REQUIRE(junk.ok());
  CHECK(junk->log.size() == 1);  // untouched
  auto [rc_bad, bad] = run(exe + " docs --data " + (d / "nowhere").string());
  CHECK(rc_bad != 0);
  CHECK(bad.rfind("error: ", 0) == 0);
#else
  MESSAGE("tandem executable not part of this build: CLI not exercised");
#endif
}

TEST_CASE("storage: a document with damaged metadata is listed as damaged and the others stay listed") {
  temp_dir d;
  {
    auto s = store::open(opts_for(d.path));
    REQUIRE(s.ok());
    REQUIRE(s.value()->append("aa/one", str_bytes("x")).get().ok());
    REQUIRE(s.value()->append("zz/two", str_bytes("y")).get().ok());
    REQUIRE(s.value()->set_doc_info("aa/one", "plan", "TITLE-TO-DAMAGE").ok());
  }
  REQUIRE(flip_after(d / "data.mdb", "TITLE-TO-DAMAGE", 3) >= 1);
  auto s = store::open(opts_for(d.path));
  REQUIRE(s.ok());
  auto l = s.value()->list_docs();
  REQUIRE(l.ok());
  REQUIRE(l->size() == 2);
  CHECK((*l)[0].name == "aa/one");
  CHECK((*l)[0].damaged);
  CHECK_FALSE((*l)[1].damaged);
  CHECK((*l)[1].log_count == 1);
  auto ld = s.value()->load("aa/one");
  REQUIRE_FALSE(ld.ok());
  CHECK(ld.err().doc == "aa/one");
  CHECK(ld.err().message.find("metadata") != std::string::npos);
  auto rep = s.value()->check();
  REQUIRE(rep.ok());
  REQUIRE(rep->problems.size() >= 1);
  CHECK(rep->problems[0].doc == "aa/one");
  CHECK(s.value()->load("zz/two").ok());
}
