// Placeholder: the storage commands are registered here once their part provides them.
#include "cli/commands.hpp"

namespace tandem::cli {
void register_storage_commands(CLI::App& /*app*/) {}
}  // namespace tandem::cli
