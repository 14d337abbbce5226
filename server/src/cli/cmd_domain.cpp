// Domain commands: `tandem match FILE.json` prints the optimal mentor/mentee assignment as
// JSON (the same computation as POST /api/match); "-" reads standard input.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.hpp"
#include "tandem/domain/json_util.hpp"
#include "tandem/domain/matching.hpp"

namespace tandem::cli {

namespace {
[[noreturn]] void fail(const std::string& msg, int code = 1) {
  std::cerr << "error: " << msg << "\n";
  throw CLI::RuntimeError(code);
}
}  // namespace

void register_domain_commands(CLI::App& app) {
  auto* match =
      app.add_subcommand("match", "Match mentees to mentors (optimal assignment) and print it as JSON");
  auto file = std::make_shared<std::string>();
  auto compact = std::make_shared<bool>(false);
  match->add_option("FILE", *file, "JSON file with mentors, mentees and options ('-' for stdin)")->required();
  match->add_flag("--compact", *compact, "Print the JSON on one line");
  match->callback([file, compact] {
    std::string text;
    if (*file == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(*file, std::ios::binary);
      if (!in) fail("cannot open '" + *file + "'");
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    if (text.size() > (16u << 20)) fail("'" + *file + "' is larger than 16 MiB");
    boost::system::error_code ec;
    boost::json::value req = boost::json::parse(text, ec);
    if (ec) fail("'" + *file + "' is not valid JSON: " + ec.message());
    auto res = tandem::domain::match_json(req);
    if (!res) fail(res.err().message);
    if (*compact) {
      std::cout << tandem::domain::write_json(*res) << "\n";
      return;
    }
    std::cout << tandem::domain::pretty_json(*res) << "\n";
  });
}

}  // namespace tandem::cli
