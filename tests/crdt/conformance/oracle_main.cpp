// tandem_crdt_oracle: the C++ side of the Node-driven conformance suites.
//   check FILE.jsonl         frozen-vector cases: apply, re-encode, compare with yjs (exit 1 on a difference)
//   scenarios IN.jsonl OUT   diff scenarios: compare with yjs, write the C++-written updates to OUT
//   trace TRACE OUT          replay an editing trace (one transaction per edit), write the full state to OUT
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "../../../bench/crdt/trace_reader.hpp"
#include "harness.hpp"

namespace json = boost::json;
using namespace tandem;

namespace {
int cmd_check(const std::string& file) {
  std::size_t n = 0, bad = 0;
  for (const auto& line : conformance::read_lines(file)) {
    ++n;
    const auto c = json::parse(line).as_object();
    const auto f = conformance::check_vector_case(c);
    if (!f.empty()) {
      if (++bad <= 20)
        for (std::size_t i = 0; i < f.size() && i < 4; ++i) std::cout << "FAIL " << f[i] << "\n";
    }
  }
  std::cout << (n - bad) << "/" << n << " cases match yjs\n";
  return bad ? 1 : 0;
}

int cmd_scenarios(const std::string& in, const std::string& out) {
  std::ofstream o(out);
  std::size_t n = 0, bad = 0;
  for (const auto& line : conformance::read_lines(in)) {
    ++n;
    const auto sc = json::parse(line).as_object();
    conformance::scenario_result r;
    try {
      r = conformance::run_scenario(sc);
    } catch (const std::exception& e) {
      r.failures.push_back(std::string("exception: ") + e.what());
    }
    json::object res;
    res["seed"] = sc.at("seed");
    json::array f, u;
    for (const auto& s : r.failures) f.emplace_back(s);
    for (const auto& h : r.updates_hex) u.emplace_back(h ? json::value(*h) : json::value(nullptr));
    res["failures"] = std::move(f);
    res["updates"] = std::move(u);
    o << json::serialize(res) << "\n";
    if (!r.failures.empty()) ++bad;
  }
  std::cout << (n - bad) << "/" << n << " scenarios match in C++\n";
  return bad ? 1 : 0;
}

int cmd_trace(const std::string& file, const std::string& out) {
  const auto t = trace::load(file);
  crdt::doc d(crdt::doc_options{.client_id = 1, .gc = true});
  auto text = d.get_text("text");
  if (!t.start_content.empty()) d.transact([&](crdt::transaction& tx) { text.insert(tx, 0, t.start_content); });
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& x : t.txns) {
    d.transact([&](crdt::transaction& tx) {
      for (const auto& p : x.patches) {
        if (p.deleted) text.remove(tx, p.pos, p.deleted);
        if (!p.inserted.empty()) text.insert(tx, p.pos, p.inserted);
      }
    });
  }
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const auto state = d.encode_state_as_update();
  std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(state.data()), static_cast<std::streamsize>(state.size()));
  const bool text_ok = text.to_string() == t.end_content;
  std::cout << "replayed " << t.patch_count << " patches in " << ms << " ms; final text " << (text_ok ? "equals" : "DIFFERS FROM")
            << " endContent; state " << state.size() << " bytes\n";
  return text_ok ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "check" && argc == 3) return cmd_check(argv[2]);
    if (cmd == "scenarios" && argc == 4) return cmd_scenarios(argv[2], argv[3]);
    if (cmd == "trace" && argc == 4) return cmd_trace(argv[2], argv[3]);
    std::cerr << "usage: tandem_crdt_oracle check FILE | scenarios IN OUT | trace TRACE OUT\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}
