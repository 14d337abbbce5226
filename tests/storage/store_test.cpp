// Unit tests of tandem::storage::store: every operation, group commit ordering,
// concurrent readers during writes, map growth, reopen.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "test_hooks.hpp"
#include "test_util.hpp"

using namespace tandem::storage;
using namespace storage_test;

namespace {
std::unique_ptr<store> must_open(const options& o) {
  auto r = store::open(o);
  if (!r) FAIL("open failed: " << r.err().message);
  return std::move(r).value();
}
seq_t must_append(store& s, const std::string& doc, bytes b) {
  auto r = s.append(doc, std::move(b)).get();
  if (!r) FAIL("append failed: " << r.err().message);
  return r.value();
}
// check() runs and finds nothing wrong; returns its report.
check_report require_clean_check(store& s) {
  auto rep = s.check();
  REQUIRE(rep.ok());
  CHECK(rep->ok());
  return *rep;
}

}  // namespace

TEST_CASE("storage: appended updates load back in order with sequences 1..n") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  for (seq_t i = 1; i <= 50; ++i) CHECK(must_append(*s, "acme/plan", payload(1, i)) == i);
  auto st = s->load("acme/plan");
  REQUIRE(st.ok());
  CHECK(st->found);
  CHECK(st->snapshot.empty());
  REQUIRE(st->log.size() == 50);
  for (seq_t i = 1; i <= 50; ++i) {
    CHECK(st->log[i - 1].seq == i);
    CHECK(st->log[i - 1].data == payload(1, i));
  }
  CHECK(st->info.last_seq == 50);
  CHECK(st->info.log_count == 50);
  CHECK(st->info.workspace == "acme");
  for (std::size_t i = 1; i < st->log.size(); ++i) CHECK(st->log[i].time >= st->log[i - 1].time);
}

TEST_CASE("storage: an unknown document loads as not found, not as an error") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  auto st = s->load("nobody/here");
  REQUIRE(st.ok());
  CHECK_FALSE(st->found);
  auto inf = s->info("nobody/here");
  REQUIRE(inf.ok());
  CHECK_FALSE(inf->has_value());
  auto lg = s->read_log("nobody/here");
  REQUIRE(lg.ok());
  CHECK(lg->empty());
}

TEST_CASE("storage: invalid document names and oversized updates are refused per update") {
  temp_dir d;
  auto o = opts_for(d.path);
  o.max_record_size = 1000;
  auto s = must_open(o);
  auto bad = s->append("", str_bytes("x")).get();
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().code == errc::invalid_argument);
  auto big = s->append("a/b", bytes(1001, 7));
  auto good = s->append("a/b", bytes(10, 7));
  auto rb = big.get();
  REQUIRE_FALSE(rb.ok());
  CHECK(rb.err().code == errc::invalid_argument);
  auto rg = good.get();
  REQUIRE(rg.ok());
  CHECK(rg.value() == 1);  // the refused update consumed no sequence
  CHECK_FALSE(s->load(std::string(600, 'a')).ok());
}

TEST_CASE("storage: group commit reports each document's updates durable in sequence order") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  constexpr int producers = 8, per = 200, ndocs = 5;
  std::mutex mu;
  std::map<std::string, std::vector<seq_t>> seen;
  std::atomic<int> errors{0};
  std::vector<std::thread> ts;
  for (int p = 0; p < producers; ++p)
    ts.emplace_back([&, p] {
      for (int i = 0; i < per; ++i) {
        std::string doc = "w/doc" + std::to_string((p + i) % ndocs);
        s->append(doc, payload(static_cast<std::uint64_t>(p), static_cast<std::uint64_t>(i)),
                  [&, doc](result<seq_t> r) {
                    if (!r) {
                      ++errors;
                      return;
                    }
                    std::lock_guard lk(mu);
                    seen[doc].push_back(r.value());
                  });
      }
    });
  for (auto& t : ts) t.join();
  s->flush();
  CHECK(errors == 0);
  std::size_t total = 0;
  for (auto& [doc, seqs] : seen) {
    total += seqs.size();
    for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i + 1);  // in order, no gaps
    auto st = s->load(doc);
    REQUIRE(st.ok());
    CHECK(st->log.size() == seqs.size());
  }
  CHECK(total == producers * per);
  auto stt = s->stats();
  REQUIRE(stt.ok());
  CHECK(stt->batched_updates == producers * per);
  MESSAGE("group commit: " << stt->batches << " transactions for " << stt->batched_updates << " updates");
}

TEST_CASE("storage: read_log selects by sequence range, time range and limit") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  for (seq_t i = 1; i <= 5; ++i) must_append(*s, "a/x", payload(0, i));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  for (seq_t i = 6; i <= 10; ++i) must_append(*s, "a/x", payload(0, i));
  auto all = s->read_log("a/x");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 10);
  log_range r;
  r.from_seq = 3;
  r.to_seq = 7;
  auto part = s->read_log("a/x", r);
  REQUIRE(part.ok());
  REQUIRE(part->size() == 5);
  CHECK(part->front().seq == 3);
  CHECK(part->back().seq == 7);
  CHECK(part->front().data == payload(0, 3));
  // times: everything at or after the 6th record's time
  log_range t;
  t.from_time = (*all)[5].time;
  auto late = s->read_log("a/x", t);
  REQUIRE(late.ok());
  CHECK(late->size() == 5);
  CHECK(late->front().seq == 6);
  log_range t2;
  t2.to_time = (*all)[4].time;
  auto early = s->read_log("a/x", t2);
  REQUIRE(early.ok());
  CHECK(early->size() == 5);
  log_range lim;
  lim.limit = 2;
  lim.from_seq = 9;
  auto l = s->read_log("a/x", lim);
  REQUIRE(l.ok());
  REQUIRE(l->size() == 2);
  CHECK((*l)[1].seq == 10);
}

TEST_CASE("storage: compaction replaces the snapshot and deletes exactly the covered log entries") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  for (seq_t i = 1; i <= 20; ++i) must_append(*s, "c/doc", payload(2, i));
  bytes snap = str_bytes("merged 1..12");
  REQUIRE(s->compact("c/doc", snap, 12).ok());
  auto st = s->load("c/doc");
  REQUIRE(st.ok());
  CHECK(st->snapshot == snap);
  CHECK(st->info.snapshot_seq == 12);
  CHECK(st->info.snapshot_bytes == snap.size());
  REQUIRE(st->log.size() == 8);
  CHECK(st->log.front().seq == 13);
  CHECK(st->log.front().data == payload(2, 13));
  CHECK(st->info.log_count == 8);
  // appends continue after the last sequence
  CHECK(must_append(*s, "c/doc", payload(2, 21)) == 21);
  // out-of-range compactions are refused and change nothing
  auto back = s->compact("c/doc", snap, 5);
  REQUIRE_FALSE(back.ok());
  CHECK(back.err().code == errc::invalid_argument);
  auto ahead = s->compact("c/doc", snap, 99);
  REQUIRE_FALSE(ahead.ok());
  CHECK_FALSE(s->compact("c/none", snap, 0).ok());
  // compact everything
  REQUIRE(s->compact("c/doc", str_bytes("all"), 21).ok());
  auto st2 = s->load("c/doc");
  REQUIRE(st2.ok());
  CHECK(st2->log.empty());
  CHECK(st2->snapshot == str_bytes("all"));
  require_clean_check(*s);
}

TEST_CASE("storage: named versions are created, listed, read by number and deleted") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  must_append(*s, "v/doc", payload(3, 1));
  auto v1 = s->create_version("v/doc", "first draft", "mentor-1", str_bytes("state-1"));
  REQUIRE(v1.ok());
  CHECK(v1->number == 1);
  CHECK(v1->at_seq == 1);
  must_append(*s, "v/doc", payload(3, 2));
  auto v2 = s->create_version("v/doc", "after call", "mentee-2", str_bytes("state-2!"));
  REQUIRE(v2.ok());
  CHECK(v2->number == 2);
  auto list = s->list_versions("v/doc");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].label == "first draft");
  CHECK((*list)[1].author == "mentee-2");
  CHECK((*list)[1].size == 8);
  auto r2 = s->read_version("v/doc", 2);
  REQUIRE(r2.ok());
  REQUIRE(r2->has_value());
  CHECK((*r2)->state == str_bytes("state-2!"));
  CHECK((*r2)->info.at_seq == 2);
  auto none = s->read_version("v/doc", 3);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto del = s->delete_version("v/doc", 1);
  REQUIRE(del.ok());
  CHECK(del.value());
  auto del2 = s->delete_version("v/doc", 1);
  REQUIRE(del2.ok());
  CHECK_FALSE(del2.value());
  auto v3 = s->create_version("v/doc", "third", "x", str_bytes("s3"));
  REQUIRE(v3.ok());
  CHECK(v3->number == 3);  // numbers are never reused
  auto inf = s->info("v/doc");
  REQUIRE(inf.ok());
  CHECK((*inf)->version_count == 2);
  require_clean_check(*s);
}

TEST_CASE("storage: deleting a document removes all its records and a new one starts at 1") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  for (seq_t i = 1; i <= 10; ++i) must_append(*s, "d/doc", payload(4, i));
  must_append(*s, "d/other", payload(5, 1));
  REQUIRE(s->compact("d/doc", str_bytes("snap"), 4).ok());
  REQUIRE(s->create_version("d/doc", "v", "a", str_bytes("st")).ok());
  auto del = s->delete_doc("d/doc");
  REQUIRE(del.ok());
  CHECK(del.value());
  auto st = s->load("d/doc");
  REQUIRE(st.ok());
  CHECK_FALSE(st->found);
  auto vers = s->list_versions("d/doc");
  REQUIRE(vers.ok());
  CHECK(vers->empty());
  auto again = s->delete_doc("d/doc");
  REQUIRE(again.ok());
  CHECK_FALSE(again.value());
  CHECK(must_append(*s, "d/doc", payload(4, 1)) == 1);
  auto other = s->load("d/other");
  REQUIRE(other.ok());
  CHECK(other->log.size() == 1);
  CHECK(require_clean_check(*s).documents == 2);
}

TEST_CASE("storage: the key/value area puts, gets, deletes and lists by prefix") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  REQUIRE(s->kv_put("workspace/acme", str_bytes("{\"name\":\"Acme\"}")).ok());
  REQUIRE(s->kv_put("workspace/beta", str_bytes("b")).ok());
  REQUIRE(s->kv_put("account/u1", str_bytes("u")).ok());
  REQUIRE(s->kv_put("workspace/beta", str_bytes("b2")).ok());  // overwrite
  auto g = s->kv_get("workspace/beta");
  REQUIRE(g.ok());
  REQUIRE(g->has_value());
  CHECK(**g == str_bytes("b2"));
  auto miss = s->kv_get("workspace/zzz");
  REQUIRE(miss.ok());
  CHECK_FALSE(miss->has_value());
  auto l = s->kv_list("workspace/");
  REQUIRE(l.ok());
  REQUIRE(l->size() == 2);
  CHECK((*l)[0].first == "workspace/acme");
  CHECK((*l)[1].second == str_bytes("b2"));
  auto all = s->kv_list("");
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  auto del = s->kv_delete("workspace/acme");
  REQUIRE(del.ok());
  CHECK(del.value());
  auto l2 = s->kv_list("workspace/");
  REQUIRE(l2.ok());
  CHECK(l2->size() == 1);
  CHECK_FALSE(s->kv_put("", str_bytes("x")).ok());
}

TEST_CASE("storage: metadata records kind, title, sizes and lists documents by prefix") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  must_append(*s, "acme/plan", bytes(100, 1));
  must_append(*s, "acme/board/1", bytes(50, 2));
  must_append(*s, "acme/board/1", bytes(25, 2));
  must_append(*s, "beta/plan", bytes(10, 3));
  REQUIRE(s->set_doc_info("acme/plan", "plan", "Ana & Bo").ok());
  auto l = s->list_docs("acme/");
  REQUIRE(l.ok());
  REQUIRE(l->size() == 2);
  CHECK((*l)[0].name == "acme/board/1");
  CHECK((*l)[0].log_bytes == 75);
  CHECK((*l)[0].log_count == 2);
  CHECK((*l)[1].kind == "plan");
  CHECK((*l)[1].title == "Ana & Bo");
  CHECK((*l)[1].last_seq == 1);  // set_doc_info does not touch the log
  CHECK((*l)[1].updated >= (*l)[1].created);
  auto all = s->list_docs();
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
}

TEST_CASE("storage: data survives close and reopen, and the destructor drains queued appends") {
  temp_dir d;
  {
    auto s = must_open(opts_for(d.path));
    for (seq_t i = 1; i <= 300; ++i) s->append("r/doc", payload(6, i), nullptr);
    // no flush: the destructor must write everything queued
  }
  auto s = must_open(opts_for(d.path));
  auto st = s->load("r/doc");
  REQUIRE(st.ok());
  REQUIRE(st->log.size() == 300);
  CHECK(st->log[299].data == payload(6, 300));
  CHECK(must_append(*s, "r/doc", payload(6, 301)) == 301);
}

TEST_CASE("storage: concurrent readers always see a contiguous, intact log while writers append") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, loads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&, r] {
      while (!stop) {
        std::string doc = "cr/doc" + std::to_string(r % 2);
        auto st = s->load(doc);
        if (!st) {
          ++bad;
          continue;
        }
        for (std::size_t i = 0; i < st->log.size(); ++i)
          if (st->log[i].seq != i + 1 || st->log[i].data != payload(static_cast<std::uint64_t>(r % 2), i + 1))
            ++bad;
        if (st->info.last_seq != st->log.size()) ++bad;
        ++loads;
      }
    });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w)
    writers.emplace_back([&, w] {
      for (seq_t i = 1; i <= 1500; ++i) {
        // one writer per document so the payload for each seq is known
        s->append("cr/doc" + std::to_string(w), payload(static_cast<std::uint64_t>(w), i), nullptr);
        if (i % 100 == 0) s->flush();
      }
    });
  for (auto& t : writers) t.join();
  s->flush();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
  CHECK(loads > 0);
  MESSAGE("concurrent loads completed: " << loads.load());
}

TEST_CASE("storage: a full map grows and the transaction is retried; the limit gives map_full") {
  temp_dir d;
  auto o = opts_for(d.path);
  o.initial_map_size = 1 << 20;  // 1 MiB
  o.max_map_size = 64 << 20;
  auto s = must_open(o);
  auto before = s->stats();
  REQUIRE(before.ok());
  for (seq_t i = 1; i <= 200; ++i) s->append("g/doc", bytes(20000, static_cast<std::uint8_t>(i)), nullptr);
  auto last = s->append("g/doc", bytes(10, 1)).get();
  REQUIRE(last.ok());
  CHECK(last.value() == 201);
  auto after = s->stats();
  REQUIRE(after.ok());
  CHECK(after->map_size > before->map_size);
  auto st = s->load("g/doc");
  REQUIRE(st.ok());
  CHECK(st->log.size() == 201);
  // A single record bigger than the whole limit: map_full, and the store keeps working.
  auto o2 = opts_for(d.path / "small");
  o2.initial_map_size = 1 << 20;
  o2.max_map_size = 2 << 20;
  auto s2 = must_open(o2);
  auto huge = s2->append("g/x", bytes(3 << 20, 9)).get();
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.err().code == errc::map_full);
  CHECK(s2->append("g/x", bytes(100, 9)).get().ok());
}

TEST_CASE("storage: relaxed durability writes and reloads the same data") {
  temp_dir d;
  auto o = opts_for(d.path);
  o.mode = durability::relaxed;
  o.sync_interval = std::chrono::milliseconds(20);
  {
    auto s = must_open(o);
    for (seq_t i = 1; i <= 100; ++i) s->append("rx/doc", payload(7, i), nullptr);
    s->flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto s = must_open(opts_for(d.path));
  auto st = s->load("rx/doc");
  REQUIRE(st.ok());
  CHECK(st->log.size() == 100);
}

TEST_CASE("storage: a read-only open reads and refuses writes") {
  temp_dir d;
  {
    auto s = must_open(opts_for(d.path));
    must_append(*s, "ro/doc", payload(8, 1));
  }
  auto o = opts_for(d.path);
  o.read_only = true;
  auto s = must_open(o);
  auto st = s->load("ro/doc");
  REQUIRE(st.ok());
  CHECK(st->log.size() == 1);
  auto w = s->append("ro/doc", payload(8, 2)).get();
  REQUIRE_FALSE(w.ok());
  CHECK(w.err().code == errc::read_only);
  CHECK_FALSE(s->kv_put("k", str_bytes("v")).ok());
}

TEST_CASE("storage: updates reported durable across many map growths are all stored under their sequence") {
  // Regression: a MAP_FULL raised by the commit itself once reported a batch durable
  // that the retry had not written.
  temp_dir d;
  auto o = opts_for(d.path);
  o.initial_map_size = 1 << 20;
  auto s = must_open(o);
  constexpr int docs = 40, per = 400;
  std::vector<std::future<result<seq_t>>> fs;
  for (int i = 0; i < per; ++i)
    for (int k = 0; k < docs; ++k)
      fs.push_back(s->append("grow/" + std::to_string(k),
                             payload(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(i + 1), 200)));
  std::size_t idx = 0;
  for (int i = 0; i < per; ++i)
    for (int k = 0; k < docs; ++k) {
      auto r = fs[idx++].get();
      REQUIRE(r.ok());
      CHECK(r.value() == static_cast<seq_t>(i + 1));
    }
  for (int k = 0; k < docs; ++k) {
    auto st = s->load("grow/" + std::to_string(k));
    REQUIRE(st.ok());
    REQUIRE(st->log.size() == per);
    for (int i = 0; i < per; ++i)
      CHECK(st->log[static_cast<std::size_t>(i)].data ==
            payload(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(i + 1), 200));
  }
  auto stt = s->stats();
  REQUIRE(stt.ok());
  MESSAGE("map grew to " << stt->map_size / 1048576 << " MiB");
  require_clean_check(*s);
}

TEST_CASE("storage: a MAP_FULL raised by commit is retried and no update is reported durable unwritten") {
  temp_dir d;
  auto s = must_open(opts_for(d.path));
  must_append(*s, "inj/doc", payload(1, 1));
  tandem::storage::detail::inject_map_full_at_commit = 2;
  std::vector<std::future<result<seq_t>>> fs;
  for (seq_t i = 2; i <= 40; ++i) fs.push_back(s->append("inj/doc", payload(1, i)));
  for (seq_t i = 2; i <= 40; ++i) {
    auto r = fs[i - 2].get();
    REQUIRE(r.ok());
    CHECK(r.value() == i);
  }
  CHECK(tandem::storage::detail::inject_map_full_at_commit.load() <= 0);
  tandem::storage::detail::inject_map_full_at_commit = 0;
  auto st = s->load("inj/doc");
  REQUIRE(st.ok());
  REQUIRE(st->log.size() == 40);
  for (seq_t i = 1; i <= 40; ++i) CHECK(st->log[i - 1].data == payload(1, i));
  // and for a synchronous write
  tandem::storage::detail::inject_map_full_at_commit = 1;
  REQUIRE(s->kv_put("k", str_bytes("v")).ok());
  auto g = s->kv_get("k");
  REQUIRE(g.ok());
  CHECK(g->has_value());
}
