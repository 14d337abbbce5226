// Placeholder: the export commands are registered here once their part provides them.
#include "cli/commands.hpp"

namespace tandem::cli {
void register_export_commands(CLI::App& /*app*/) {}
}  // namespace tandem::cli
