// Feedback and comments, written into the documents themselves so every client sees them
// live: plan feedback (DESIGN.md plan schema: feedback entries with author, role, text,
// createdAt, goalId; plus optional `rating` 1-5 and `session` number — extra fields are
// kept by clients and ignored by the renderer) and comments on a board element (an
// element's `comments` Y.Array of Y.Map {author, text, createdAt}).
#pragma once
#include <cstdint>
#include <string>

#include "tandem/crdt/doc.hpp"
#include "tandem/domain/error.hpp"

namespace tandem::domain {

struct feedback_entry {
  std::string author;
  std::string role;             // mentor | mentee
  std::string text;             // 1..4000 bytes
  std::int64_t created_at = 0;  // ms
  std::string goal_id;          // "" = about the whole plan / session
  int rating = 0;               // 1..5, 0 = none
  std::uint32_t session = 0;    // 0 = none
};

struct comment_entry {
  std::string element_id;
  std::string author;
  std::string text;  // 1..4000 bytes
  std::int64_t created_at = 0;
  std::string role;  // the author's role (mentor, mentee, admin); not stored when empty
};

// Appends to the plan's `feedback`; refuses documents whose meta.kind is not "plan" and
// goal ids that no goal has. Returns the update holding the change.
[[nodiscard]] result<crdt::bytes> add_feedback(crdt::doc& plan, const feedback_entry& f);
// Appends to elements[element_id].comments (created on first use); refuses non-boards and
// unknown elements.
[[nodiscard]] result<crdt::bytes> add_comment(crdt::doc& board, const comment_entry& c);

}  // namespace tandem::domain
