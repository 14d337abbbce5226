// Mentor/mentee matching: profile parsing, the pair score (documented in
// server/domain/README.md), and an exact capacity-limited assignment (Hungarian method
// over mentor capacity slots). Pure functions; the server wires match_json as
// POST /api/match and `tandem match FILE.json` prints its result.
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "tandem/domain/error.hpp"

namespace tandem::domain {

// One weekly availability slot in the person's local time: day 0 = Monday .. 6 = Sunday,
// seconds after local midnight; end <= start means the slot runs past midnight.
struct weekly_slot {
  int day = 0;
  std::int32_t start = 0;
  std::int32_t end = 0;
};

struct profile {
  std::string id;
  std::string name;
  std::vector<std::string> tags;       // mentor: expertise; mentee: goals (normalised lower case)
  std::vector<std::string> languages;  // normalised lower case
  std::string time_zone;               // IANA name
  std::vector<weekly_slot> availability;
  int capacity = 1;  // mentors only
};

struct match_options {
  double w_tags = 0.5;
  double w_language = 0.2;
  double w_availability = 0.3;
  bool require_shared_language = true;
  double target_overlap_hours = 2.0;  // overlap at which the availability part is full
  double min_score = 0.0;             // pairs scoring below are never assigned
  std::int64_t week_start_day = 0;    // days since epoch of the reference week's Monday (UTC)
};

struct interval {
  std::int64_t start, end;  // UTC seconds, half-open
};

struct pair_score {
  bool allowed = true;
  std::string reason;            // why not allowed
  double score = 0;              // 0..100, rounded to 0.001
  std::int64_t score_milli = 0;  // score * 1000, the exact value the solver maximises
  std::vector<std::string> shared_tags;
  double jaccard = 0;
  std::vector<std::string> shared_languages;
  std::vector<interval> overlap;  // in the reference UTC week
  double overlap_hours = 0;
  std::string explanation;
};

struct match_problem {
  std::vector<profile> mentors;
  std::vector<profile> mentees;
  match_options options;
};

struct assignment_pair {
  std::size_t mentee;  // index into mentees
  std::size_t mentor;  // index into mentors
  pair_score detail;
};

struct match_result {
  std::vector<assignment_pair> pairs;         // in mentee input order
  std::vector<std::size_t> unmatched;         // mentee indices
  std::vector<std::string> unmatched_reason;  // parallel to unmatched
  std::int64_t total_milli = 0;
};

// The UTC intervals of `slots` (local to `zone`) that fall into the UTC week
// [week_start_day 00:00Z, +7 days), merged and sorted.
[[nodiscard]] result<std::vector<interval>> availability_in_week(const std::vector<weekly_slot>& slots,
                                                                 const std::string& zone,
                                                                 std::int64_t week_start_day);
[[nodiscard]] std::vector<interval> intersect(const std::vector<interval>& a, const std::vector<interval>& b);

[[nodiscard]] result<pair_score> score_pair(const profile& mentor, const profile& mentee,
                                            const match_options& opt);

// weight[i][j] >= 0 is the gain of assigning row i to column group j, or -1 if forbidden;
// capacity[j] is how many rows group j may take. Returns for each row its group or -1,
// maximising (1) the total weight, then (2) the number of assigned rows, then (3) a
// preference for lower group indices (see README). Exact: Hungarian method, O(n^2 m).
[[nodiscard]] std::vector<int> solve_assignment(const std::vector<std::vector<std::int64_t>>& weight,
                                                const std::vector<int>& capacity);

[[nodiscard]] result<match_problem> parse_match_problem(const boost::json::value& v);
[[nodiscard]] result<match_result> solve_match(const match_problem& p);
[[nodiscard]] boost::json::value match_result_to_json(const match_problem& p, const match_result& r);
// Request body in, response body out (the POST /api/match handler).
[[nodiscard]] result<boost::json::value> match_json(const boost::json::value& request);

}  // namespace tandem::domain
