// Random edits over plan/board-shaped roots (meta, elements: Map; goals: Array; notes:
// Text), shared by the restore tests and the fixture generator checked by real yjs.
#pragma once
#include <random>
#include <string>

#include "tandem/crdt/doc.hpp"

namespace tandem::domain::test {

inline void random_edits(crdt::doc& d, std::mt19937& rng, int count) {
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  for (int k = 0; k < count; ++k) {
    d.transact([&](crdt::transaction& t) {
      auto m = d.get_map("meta");
      auto arr = d.get_array("goals");
      auto txt = d.get_text("notes");
      auto el = d.get_map("elements");
      switch (pick(8)) {
        case 0:
          m.set(t, "k" + std::to_string(pick(4)), static_cast<double>(pick(100)));
          break;
        case 1:
          if (m.size() > 0) m.remove(t, m.keys()[pick(m.size())]);
          break;
        case 2:
          arr.insert(t, pick(arr.size() + 1), {crdt::any(static_cast<double>(pick(9)))});
          break;
        case 3:
          if (arr.size() > 0) arr.remove(t, pick(arr.size()));
          break;
        case 4: {
          auto g = arr.insert_map(t, pick(arr.size() + 1));
          g.set(t, "id", static_cast<double>(pick(5)));
          g.set_text(t, "title").insert(t, 0, "t" + std::to_string(pick(5)));
          break;
        }
        case 5:
          txt.insert(t, pick(txt.size() + 1), pick(3) == 0 ? "\xC3\xA9\xF0\x9F\x98\x80" : "ab",
                     pick(2) ? crdt::any::object{} : crdt::any::object{{"bold", crdt::any(true)}});
          break;
        case 6:
          if (txt.size() > 0) {
            // Whole characters only: the emoji is two UTF-16 units.
            auto s = txt.to_string();
            if (s.find("\xF0\x9F") == std::string::npos) txt.remove(t, pick(txt.size()), 1);
          }
          break;
        case 7: {
          auto e = el.set_map(t, "e" + std::to_string(pick(3)));
          e.set(t, "x", static_cast<double>(pick(50)));
          auto pts = e.set_array(t, "points");
          pts.insert(t, 0, {crdt::any(1), crdt::any(2)});
          break;
        }
      }
    });
  }
}

}  // namespace tandem::domain::test
