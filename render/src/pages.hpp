// Page emitters: each appends its pages (and bookmarks) to a canvas, so a session export
// can put a board's pages and a plan's pages in one PDF.
#pragma once
#include "canvas.hpp"

namespace tandem::render {

// Appends the board's PDF pages. Errors: unknown frame name.
[[nodiscard]] std::optional<error> emit_board_pages(canvas& cv, const board_model& b, const export_options& opt);
// Draws the board (or the chosen frame) as the single PNG page.
[[nodiscard]] std::optional<error> emit_board_png(canvas& cv, const board_model& b, const export_options& opt);
// Appends the plan's pages; page numbers in the footer count from first_page_number.
void emit_plan_pages(canvas& cv, const plan_model& p, const export_options& opt);

}  // namespace tandem::render
