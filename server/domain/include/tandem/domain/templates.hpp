// Document templates written through the crdt API, following the plan and board schemas of
// DESIGN.md ("Documents"). Each returns one v1 update from a fresh document (random client
// id), to be applied once to an empty document.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/crdt/result.hpp"

namespace tandem::domain {

// meta {kind:"plan", title, mentor, mentee}, goals (one starter goal with an empty
// milestone list), notes (a heading line), checkins [], feedback [].
[[nodiscard]] crdt::bytes make_plan_template(std::string_view title, std::string_view mentor,
                                             std::string_view mentee);

// meta {kind:"board", title, createdAt, background}, elements: one frame "Agenda" holding
// a text element that lists the agenda items (one per line).
[[nodiscard]] crdt::bytes make_session_board(std::string_view title, const std::vector<std::string>& agenda,
                                             std::int64_t created_at_ms);

}  // namespace tandem::domain
