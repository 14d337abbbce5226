// The per-client struct list (crdt/src/internal.hpp, blocks of 256) against a plain vector doing
// the same random inserts, erases and clock lookups: same order, same positions, same answers.
#include <doctest/doctest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "internal.hpp"

using tandem::crdt::detail::item;
using tandem::crdt::detail::struct_list;

namespace {
constexpr std::size_t npos = static_cast<std::size_t>(-1);

// findIndexSS on a plain vector: the struct holding `clock`, or the last one if it starts there.
std::size_t reference_find(const std::vector<item*>& v, std::uint64_t clock) {
  if (v.empty()) return npos;
  if (v.back()->id_.clock == clock) return v.size() - 1;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i]->id_.clock <= clock && clock < v[i]->id_.clock + v[i]->length) return i;
  return npos;
}

void check_same(const struct_list& l, const std::vector<item*>& v) {
  REQUIRE(l.size() == v.size());
  for (std::size_t i = 0; i < v.size(); ++i) REQUIRE(l[i] == v[i]);
  std::size_t i = 0;
  for (item* it : l) REQUIRE(it == v[i++]);
}
}  // namespace

TEST_CASE("struct list: random splits, merges and lookups match a plain vector") {
  const auto seed = std::random_device{}();
  std::printf("struct list seed %u\n", seed);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::deque<item> pool;
  struct_list l;
  std::vector<item*> v;
  std::uint64_t clock = 0;
  auto append = [&](std::uint64_t len) {
    item& it = pool.emplace_back();
    it.id_ = {1, clock};
    it.length = len;
    clock += len;
    l.push_back(&it);
    v.push_back(&it);
  };
  for (int i = 0; i < 3000; ++i) append(1 + rng() % 5);
  check_same(l, v);
  for (int step = 0; step < 20000; ++step) {
    switch (rng() % 4) {
      case 0: append(1 + rng() % 5); break;
      case 1: {  // split a struct (as split_item does: the right part goes after it)
        std::size_t i = rng() % v.size();
        item* s = v[i];
        if (s->length < 2) break;
        std::uint64_t diff = 1 + rng() % (s->length - 1);
        item& r = pool.emplace_back();
        r.id_ = {1, s->id_.clock + diff};
        r.length = s->length - diff;
        s->length = diff;
        l.insert(i + 1, &r);
        v.insert(v.begin() + static_cast<std::ptrdiff_t>(i) + 1, &r);
        break;
      }
      case 2: {  // merge a run into its left neighbour (as try_merge_lefts does)
        if (v.size() < 3) break;
        std::size_t i = 1 + rng() % (v.size() - 1);
        std::size_t n = std::min<std::size_t>(1 + rng() % 600, v.size() - i);
        for (std::size_t k = 0; k < n; ++k) v[i - 1]->length += v[i + k]->length;
        l.erase(i, i + n);
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i + n));
        break;
      }
      default: {
        std::uint64_t c = rng() % (clock + 3);
        REQUIRE(l.find(c) == reference_find(v, c));
      }
    }
    if (step % 1000 == 0) check_same(l, v);
  }
  check_same(l, v);
  for (std::uint64_t c = 0; c < clock + 2; c += 1 + rng() % 7) REQUIRE(l.find(c) == reference_find(v, c));
}

TEST_CASE("struct list: a zero-length last struct is found by its clock, like findIndexSS") {
  std::deque<item> pool;
  struct_list l;
  auto add = [&](std::uint64_t clock, std::uint64_t len) {
    item& it = pool.emplace_back();
    it.id_ = {7, clock};
    it.length = len;
    l.push_back(&it);
  };
  add(0, 3);
  add(3, 0);
  CHECK(l.find(3) == 1);
  CHECK(l.find(2) == 0);
  CHECK(l.find(4) == npos);
  struct_list empty;
  CHECK(empty.find(0) == npos);
}
