// The export job behind GET /api/docs/<name>/export.pdf|.png: from the document's full
// state (and, for a session export, the plan's) to an HTTP response. Pure and blocking:
// the route runs it on the blocking pool, never on an I/O thread, on private copies.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "tandem/render/render.hpp"
#include "tandem/server/result.hpp"
#include "tandem/server/router.hpp"

namespace tandem::server {

// query: frame, paper (a4|letter|fit), width (PNG px), date (fixed PDF creation date,
// YYYY-MM-DDThh:mm:ssZ). plan_state: set for a session export (board pages, then plan).
[[nodiscard]] http::response run_export(const std::string& state, const std::optional<std::string>& plan_state,
                                        const std::map<std::string, std::string>& query, bool png,
                                        const std::string& doc_name,
                                        const render::image_fetcher& fetch_image = {});

// The PDF stored when a session ends: board pages, then the plan, from the two full
// states (either may be empty). Images with /uploads/... srcs come from fetch_image.
[[nodiscard]] result<std::vector<std::uint8_t>> render_session_pdf(const std::string& board_state,
                                                                   const std::string& plan_state,
                                                                   const render::image_fetcher& fetch_image);

}  // namespace tandem::server
