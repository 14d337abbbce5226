// Conformance harness shared by the doctest suites and tandem_crdt_oracle: reads the fixtures
// written by tests/js/conformance/*.mjs (JSON, bytes as hex), replays them on tandem::crdt and
// lists every difference from yjs. Kept independent of crdt's own JSON/lib0 code (Boost.JSON).
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tandem/crdt/crdt.hpp"

namespace tandem::conformance {

using crdt::bytes;
using crdt::bytes_view;
using roots_t = std::vector<std::pair<std::string, std::string>>;  // name, text|map|array|xml

bytes from_hex(std::string_view h);
std::string to_hex(bytes_view b);
std::string read_file(const std::string& path);  // throws std::runtime_error
/// Whole file, gunzipped when it starts with the gzip magic.
std::string read_maybe_gz(const std::string& path);
std::vector<std::string> read_lines(const std::string& path);

/// JSON text with object keys sorted recursively, so key order does not matter.
std::string canonical_json(std::string_view json);
/// JavaScript value (as JSON) -> crdt::any; objects keep the JSON text's key order.
crdt::any any_from_json(const boost::json::value& v);

roots_t roots_from(const boost::json::value& v);
/// {"root": root.to_json(), ...} with each root typed as given.
std::string doc_json(crdt::doc& d, const roots_t& roots);
/// {"root": delta, ...} for the text roots, shaped like YText.toDelta().
std::string doc_deltas(crdt::doc& d, const roots_t& roots);

/// Compares json (canonical), delta (canonical), sv and state against an expected() record.
void compare_doc(crdt::doc& d, const roots_t& roots, const boost::json::object& want, const std::string& who,
                 std::vector<std::string>& failures);

/// Frozen-vector case (gen_yjs_vectors.mjs / dataset_bytes.mjs): apply, re-encode, compare.
std::vector<std::string> check_vector_case(const boost::json::object& c);

/// Applies one op record of diff_scenarios.mjs through the C++ editing API.
/// Returns an error message when the target cannot be found or the op is unknown.
std::optional<std::string> apply_op(crdt::doc& d, const roots_t& roots, crdt::transaction& txn,
                                    const boost::json::object& op);

struct scenario_result {
  std::vector<std::string> failures;
  std::vector<std::optional<std::string>> updates_hex;  // C++-written update per yjs update index
};
/// Diff scenario: receiver mode (same delivery as the yjs observer) and editor mode.
scenario_result run_scenario(const boost::json::object& sc);

/// Runs fn, turning any exception into a failure message.
template <class F>
void guarded(std::vector<std::string>& failures, const std::string& what, F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    failures.push_back(what + ": exception: " + e.what());
  }
}

}  // namespace tandem::conformance
