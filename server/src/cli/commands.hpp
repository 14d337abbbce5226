// Subcommand registration for the `tandem` executable. Each part's commands live in their
// own file (cmd_*.cpp) so main.cpp stays a list; a callback signals failure by throwing
// CLI::RuntimeError(exit_code) after printing one `error: ...` line to stderr.
#pragma once
#include <CLI/CLI.hpp>

namespace tandem::cli {
void register_serve_commands(CLI::App& app);    // serve, token, admin-token   (cmd_serve.cpp)
void register_doc_commands(CLI::App& app);      // doc json|encode|merge|sv     (cmd_doc.cpp)
void register_storage_commands(CLI::App& app);  // docs, check, backup, compact (cmd_storage.cpp)
void register_export_commands(CLI::App& app);   // export                       (cmd_export.cpp)
void register_domain_commands(CLI::App& app);   // match, workspace tools       (cmd_domain.cpp)
}  // namespace tandem::cli
