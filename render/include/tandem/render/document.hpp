// The adapter from a CRDT document (board or plan, schemas in ../shared/DESIGN.md) to the
// render model, and the document-level export entry points the server and CLI call.
// Bad fields: an element/goal/milestone/check-in/feedback entry with a missing required
// field or a wrongly typed field is skipped and named in the warnings; a document whose
// meta.kind is missing or unknown is an error.
// Threading: reads the doc only; call it on a copy no other thread touches (a crdt::doc
// is single-threaded). Rendering itself is reentrant.
#pragma once
#include <string>
#include <vector>

#include "tandem/crdt/doc.hpp"
#include "tandem/render/model.hpp"
#include "tandem/render/render.hpp"

namespace tandem::render {

enum class document_kind { board, plan };

struct document_model {
  document_kind kind = document_kind::board;
  board_model board;  // when kind == board
  plan_model plan;    // when kind == plan
  std::vector<std::string> warnings;
};

[[nodiscard]] result<document_model> model_from_doc(const crdt::doc& d);

// Quill-delta ops (a Y.Text's to_delta()) as paragraphs: inline attributes on runs, block
// attributes (header, list, code-block) from each newline.
[[nodiscard]] rich_text rich_from_delta(const std::vector<crdt::delta_op>& delta);

// Board -> board pages / PNG; plan -> plan pages. Adapter warnings come first.
[[nodiscard]] result<export_output> export_document(const crdt::doc& d, const export_options& opt);
// One PDF: the board's pages, then the plan's.
[[nodiscard]] result<export_output> export_session(const crdt::doc& board, const crdt::doc& plan,
                                                   const export_options& opt);

}  // namespace tandem::render
