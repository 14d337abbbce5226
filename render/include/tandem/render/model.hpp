// The plain C++ model of a board and a plan that every drawing routine works on.
// Documents are turned into these structs by the adapter (model_from_doc); tests and
// benchmarks build them directly. Nothing here knows about the CRDT or about Cairo.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tandem::render {

// One run of uniformly formatted text (a Quill/Yjs delta insert with its attributes).
struct rich_run {
  rich_run() = default;
  explicit rich_run(std::string t) : text(std::move(t)) {}
  std::string text;  // UTF-8, never contains '\n' once split into paragraphs
  bool bold = false;
  bool italic = false;
  bool underline = false;
  bool strike = false;
  bool code = false;
  std::string color;  // CSS colour, empty = inherit
  std::string link;   // URL, empty = none
};

enum class list_kind { none, bullet, ordered, checked, unchecked };

// One line-terminated paragraph; the attributes a Quill delta puts on the newline.
struct paragraph {
  std::vector<rich_run> runs;
  int header = 0;  // 0 = body, 1..3 = heading level
  list_kind list = list_kind::none;
  bool code_block = false;
};

using rich_text = std::vector<paragraph>;

// Plain text of a rich text, paragraphs joined by '\n'.
[[nodiscard]] std::string plain_text(const rich_text& t);
// A rich text of one unformatted paragraph per '\n'-separated line of `s`.
[[nodiscard]] rich_text rich_from_plain(const std::string& s);

enum class element_kind { stroke, rect, ellipse, diamond, line, arrow, text, sticky, frame, image };
enum class stroke_style { solid, dashed, dotted };
enum class arrowheads { none, start, end, both };
enum class text_align { left, center, right };

struct board_element {
  std::string id;
  element_kind kind = element_kind::rect;
  double x = 0, y = 0, w = 0, h = 0;
  double rotation = 0;  // radians, about the element's centre
  std::string index;    // fractional index; z-order ascending by byte comparison
  std::string stroke = "#1e1e1e";
  std::string fill = "none";
  double stroke_width = 2;
  stroke_style style = stroke_style::solid;
  double opacity = 1;
  // stroke: x,y,pressure triples; line/arrow: x,y pairs. Relative to (x, y).
  std::vector<double> points;
  arrowheads heads = arrowheads::end;  // arrow only (lines default to none)
  std::string start_binding, end_binding;
  rich_text text;  // text / sticky
  double font_size = 18;
  bool highlighter = false;  // stroke: drawn wider and without thinning, like the client
  text_align align = text_align::left;
  std::string name;  // frame
  std::string src;   // image
};

struct board_model {
  std::string title;
  std::string background = "#ffffff";
  int64_t created_at = 0;
  std::vector<board_element> elements;  // any order; the renderer sorts by index
};

enum class goal_status { not_started, in_progress, done, blocked };
enum class goal_owner { unknown, mentor, mentee };

struct milestone {
  std::string id, title, due;
  bool done = false;
};

struct goal {
  std::string id;
  std::string title;
  rich_text description;
  goal_status status = goal_status::not_started;
  std::string due;  // YYYY-MM-DD or empty
  double progress = 0;  // 0..100
  goal_owner owner = goal_owner::unknown;
  std::vector<milestone> milestones;
};

struct checkin {
  std::string date;
  rich_text summary;
  rich_text next_steps;
};

struct feedback_entry {
  std::string author, role, goal_id;
  std::string text;
  int64_t created_at = 0;
};

struct plan_model {
  std::string title, mentor, mentee;
  std::vector<goal> goals;
  rich_text notes;
  std::vector<checkin> checkins;
  std::vector<feedback_entry> feedback;
};

}  // namespace tandem::render
