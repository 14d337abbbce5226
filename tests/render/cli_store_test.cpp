// `tandem export DOC --data DIR`: documents loaded from a real store (snapshot-less log of
// several updates, and a named version), rendered by the CLI.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "tandem/crdt/crdt.hpp"
#include "tandem/storage/store.hpp"

using namespace render_test;
namespace st = tandem::storage;

namespace {

std::string fixture(const std::string& name) { return std::string(TANDEM_SOURCE_DIR "/tests/render/fixtures/") + name; }

// Two v1 updates for one document's log: an unrelated change from another client, then
// the fixture's whole state. The CLI has to apply every logged update.
std::pair<tandem::crdt::bytes, tandem::crdt::bytes> two_updates(const std::string& name) {
  auto all = read_file(fixture(name));
  tandem::crdt::doc d;
  REQUIRE(d.apply_update(all).ok());
  tandem::crdt::doc first;
  first.transact([&](tandem::crdt::transaction& t) { first.get_map("scratch").set(t, "x", tandem::crdt::any(1)); });
  auto a = first.encode_state_as_update();
  auto b = d.encode_state_as_update();
  return {a, b};
}

}  // namespace

TEST_CASE("render: tandem export loads a document's update log from the store") {
  auto dir = tmp_dir() / "store";
  std::filesystem::remove_all(dir);
  {
    st::options o;
    o.dir = dir;
    auto s = st::store::open(o);
    REQUIRE(s);
    auto [a, b] = two_updates("board.bin");
    REQUIRE(s.value()->append("acme/board/1", a).get());
    REQUIRE(s.value()->append("acme/board/1", b).get());
    auto plan = read_file(fixture("plan.bin"));
    REQUIRE(s.value()->append("acme/plan", tandem::crdt::bytes(plan.begin(), plan.end())).get());
    auto v = s.value()->create_version("acme/plan", "first", "tester", tandem::crdt::bytes(plan.begin(), plan.end()));
    REQUIRE(v);
  }
  const std::string exe = TANDEM_EXE;
  auto out = tmp_dir() / "store-board.pdf";
  auto log = run("'" + exe + "' export acme/board/1 --data '" + dir.string() + "' -o '" + out.string() + "' 2>&1");
  CAPTURE(log);
  CHECK(info_field(pdfinfo(out), "Pages") == "2");
  auto session = tmp_dir() / "store-session.pdf";
  run("'" + exe + "' export acme/board/1 --with-plan acme/plan --data '" + dir.string() + "' -o '" + session.string() +
      "' 2>&1");
  CHECK(std::atoi(info_field(pdfinfo(session), "Pages").c_str()) >= 3);
  auto version = tmp_dir() / "store-version.pdf";
  run("'" + exe + "' export acme/plan --version 1 --data '" + dir.string() + "' -o '" + version.string() + "' 2>&1");
  CHECK(pdftotext(version).find("Fixture plan") != std::string::npos);
  auto missing = run("'" + exe + "' export acme/nothing --data '" + dir.string() + "' -o '" +
                     (tmp_dir() / "none.pdf").string() + "' 2>&1; echo rc=$?");
  CHECK(missing.find("error: no document named 'acme/nothing'") != std::string::npos);
  CHECK(missing.find("rc=0") == std::string::npos);
  auto noversion = run("'" + exe + "' export acme/plan --version 9 --data '" + dir.string() + "' -o '" +
                       (tmp_dir() / "nov.pdf").string() + "' 2>&1");
  CHECK(noversion.find("has no version 9") != std::string::npos);
}
