// The `tandem` executable: parses the command line and hands each subcommand to a library.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tandem - self-hosted collaboration server for virtual mentorship"};
  app.set_version_flag("--version", std::string("tandem ") + TANDEM_VERSION);
  app.require_subcommand(1);
  tandem::cli::register_serve_commands(app);
  tandem::cli::register_doc_commands(app);
  tandem::cli::register_storage_commands(app);
  tandem::cli::register_export_commands(app);
  tandem::cli::register_domain_commands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
