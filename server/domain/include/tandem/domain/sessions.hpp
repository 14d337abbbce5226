// Sessions (check-ins) of a workspace: schedule (local date, time and zone), start (board
// from the template with an agenda frame), end (named versions of board and plan, e.g.
// "Session 3 — 2026-11-25"), the session PDF, and the schedule as an .ics file.
// Records live in the store's kv area:
//   session/<ws>/<number, 6 digits>   session JSON
//   session-pdf/<ws>/<number>         PDF bytes (rendered by the server via tandem_render)
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/domain/error.hpp"
#include "tandem/domain/versions.hpp"
#include "tandem/domain/workspace.hpp"

namespace tandem::domain {

struct session_request {
  std::string title;                // default "Session <n>"
  std::string date;                 // YYYY-MM-DD, local to time_zone
  std::string time;                 // HH:MM, local to time_zone
  std::string time_zone;            // IANA; default: the mentor's zone
  int duration_minutes = 60;        // 5..720
  std::vector<std::string> agenda;  // at most 50 items of at most 500 bytes
};
[[nodiscard]] result<session_request> parse_session_request(const boost::json::value& v);

struct saved_version {
  std::string doc;
  std::uint32_t number = 0;
  std::string label;
};

struct session {
  std::string workspace;
  std::uint32_t number = 0;
  std::string title;
  std::string date, time, time_zone;
  int duration_minutes = 60;
  std::vector<std::string> agenda;
  std::int64_t start_utc = 0;  // seconds
  std::string status;          // scheduled | started | ended
  time_ms started_at = 0, ended_at = 0;
  std::string board;  // "<ws>/board/<number>"
  std::vector<saved_version> versions;
  bool has_pdf = false;
};
[[nodiscard]] boost::json::value to_json(const session& s);

class session_service {
 public:
  // Both must outlive the service.
  session_service(storage::store& s, workspace_service& w) : store_(s), workspaces_(w), versions_(s) {}

  [[nodiscard]] result<session> schedule(std::string_view ws, const session_request& req);
  [[nodiscard]] result<std::optional<session>> get(std::string_view ws, std::uint32_t number) const;
  [[nodiscard]] result<std::vector<session>> list(std::string_view ws) const;
  // Creates the board document from the template (only if it is still empty) and marks
  // the session started. Starting a started session is a no-op; an ended one is refused.
  [[nodiscard]] result<session> start(std::string_view ws, std::uint32_t number, time_ms now);
  // Saves named versions of the board and the plan ("Session 3 — 2026-11-25") and marks
  // the session ended. The server renders the PDF afterwards and calls store_pdf.
  [[nodiscard]] result<session> end(std::string_view ws, std::uint32_t number, std::string_view author,
                                    time_ms now);
  [[nodiscard]] status store_pdf(std::string_view ws, std::uint32_t number,
                                 const std::vector<std::uint8_t>& pdf);
  [[nodiscard]] result<std::optional<std::vector<std::uint8_t>>> pdf(std::string_view ws,
                                                                     std::uint32_t number) const;
  // Every session not yet ended, as VEVENTs (UID "<ws>-session-<n>@tandem").
  [[nodiscard]] result<std::string> ics(std::string_view ws, std::int64_t now_utc_seconds) const;

 private:
  [[nodiscard]] status put(const session& s);
  storage::store& store_;
  workspace_service& workspaces_;
  version_service versions_;
  std::mutex mu_;  // serialises read-modify-write of session records (numbering, status)
};

// "Session 3 — 2026-11-25"
[[nodiscard]] std::string session_version_label(std::uint32_t number, std::string_view date);

}  // namespace tandem::domain
