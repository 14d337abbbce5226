// Export of boards and plans to vector PDF and PNG with Cairo + Pango.
// Error model: expected failures (unknown document kind, unknown frame, bad option, a
// Cairo failure) come back as result<T> holding an `error`; elements with missing or
// wrongly typed fields are skipped and listed in export_output::warnings. Nothing throws
// out of these functions on bad input.
// Thread safety: every function here is reentrant; concurrent calls on different threads
// are safe (each call builds its own Cairo surface and Pango context).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tandem/render/model.hpp"

namespace tandem::render {

struct error {
  std::string message;
};

// A value or an error; [[nodiscard]] so that no failure goes unnoticed.
template <class T>
class [[nodiscard]] result {
 public:
  result(T v) : v_(std::move(v)) {}                // NOLINT(google-explicit-constructor)
  result(error e) : v_(std::move(e)) {}            // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] T& value() { return std::get<0>(v_); }
  [[nodiscard]] const T& value() const { return std::get<0>(v_); }
  [[nodiscard]] const error& err() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, error> v_;
};

enum class output_format { pdf, png };
// Board pages: `fit` = one page per frame (or one page fitted to the content);
// a4 / letter = frames scaled onto that paper, a frameless board tiled onto it.
// Plans always use a4 unless letter is asked for.
enum class paper_size { fit, a4, letter };

// Fetches the bytes of an image element's `src` (a URL path served by the server).
// Returns nullopt when the image is unavailable; the export then draws a placeholder.
using image_fetcher = std::function<std::optional<std::vector<uint8_t>>(const std::string& src)>;

struct export_options {
  output_format format = output_format::pdf;
  paper_size paper = paper_size::fit;
  std::string frame;     // board: export only the frame of this name (or id)
  int png_width = 800;   // PNG: output width in pixels (clamped to 16..8192)
  // PDF creation date, "YYYY-MM-DDThh:mm:ssZ". Empty = now. Fixing it makes output
  // byte-identical for the same document.
  std::string create_date;
  std::string author;    // PDF author; plans default to "mentor & mentee"
  image_fetcher fetch_image;
};

struct export_output {
  std::vector<uint8_t> bytes;
  std::vector<std::string> warnings;  // skipped elements and other non-fatal problems
  std::string mime;                   // application/pdf or image/png
  int pages = 0;
};

[[nodiscard]] result<export_output> render_board(const board_model& board, const export_options& opt);
[[nodiscard]] result<export_output> render_plan(const plan_model& plan, const export_options& opt);
// One PDF holding the board's pages followed by the plan's pages.
[[nodiscard]] result<export_output> render_session(const board_model& board, const plan_model& plan,
                                                   const export_options& opt);

// The warnings as one HTTP header value (X-Tandem-Warnings): count first, then the
// messages joined by "; ", non-printable and non-ASCII bytes percent-encoded, cut to
// max_bytes with "..." so a huge list never makes an oversized header.
[[nodiscard]] std::string warnings_header_value(const std::vector<std::string>& warnings, size_t max_bytes = 4000);

// The frame pages a board export would produce, in order (names; for tests and the UI).
[[nodiscard]] std::vector<std::string> frame_names(const board_model& board);

}  // namespace tandem::render
