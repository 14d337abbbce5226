// `tandem doc json|encode|merge|sv FILE...`: inspect and combine files of Yjs v1 updates with
// tandem_crdt. Malformed input: exit status 2 and `error: FILE: what, at byte N`.
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "cli/commands.hpp"
#include "tandem/crdt/crdt.hpp"

namespace tandem::cli {
namespace {
namespace crdt = tandem::crdt;

[[noreturn]] void fail(const std::string& msg, int code) {
  std::cerr << "error: " << msg << "\n";
  throw CLI::RuntimeError(code);
}

crdt::bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot open file", 1);
  return crdt::bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const crdt::bytes& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail(path + ": cannot write file", 1);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) fail(path + ": write failed", 1);
}

crdt::doc load(const std::vector<std::string>& files) {
  crdt::doc d;
  for (const auto& f : files) {
    auto b = read_file(f);
    auto r = d.apply_update(b);
    if (!r) fail(f + ": " + r.error().to_string(), 2);
  }
  return d;
}

struct doc_opts {
  std::vector<std::string> files;
  std::vector<std::string> as;
  std::string out;
};
}  // namespace

void register_doc_commands(CLI::App& app) {
  auto* doc_cmd = app.add_subcommand("doc", "Inspect and combine Yjs v1 update files");
  doc_cmd->require_subcommand(1);
  auto opts = std::make_shared<doc_opts>();

  auto* json = doc_cmd->add_subcommand("json", "Apply the files in order and print the document as JSON");
  json->add_option("FILE", opts->files, "v1 update files")->required();
  json->add_option("--as", opts->as, "Type a root: NAME=map|array|text|xml");
  json->callback([opts] {
    auto d = load(opts->files);
    for (const auto& a : opts->as) {
      auto eq = a.rfind('=');
      if (eq == std::string::npos) fail("--as " + a + ": expected NAME=map|array|text|xml", 1);
      std::string name = a.substr(0, eq), kind = a.substr(eq + 1);
      if (kind == "map")
        (void)d.get_map(name);
      else if (kind == "array")
        (void)d.get_array(name);
      else if (kind == "text")
        (void)d.get_text(name);
      else if (kind == "xml")
        (void)d.get_xml_fragment(name);
      else
        fail("--as " + a + ": unknown type '" + kind + "'", 1);
    }
    std::cout << d.to_json() << "\n";
  });

  auto* encode = doc_cmd->add_subcommand("encode", "Apply the files and write the full state as one v1 update");
  encode->add_option("FILE", opts->files, "v1 update files")->required();
  encode->add_option("-o,--output", opts->out, "output file")->required();
  encode->callback([opts] {
    auto d = load(opts->files);
    write_file(opts->out, d.encode_state_as_update());
  });

  auto* merge = doc_cmd->add_subcommand("merge", "Merge the updates without a document (Y.mergeUpdates)");
  merge->add_option("FILE", opts->files, "v1 update files")->required();
  merge->add_option("-o,--output", opts->out, "output file")->required();
  merge->callback([opts] {
    std::vector<crdt::bytes> all;
    for (const auto& f : opts->files) {
      all.push_back(read_file(f));
      // Validate each file so a bad one is named (mergeUpdates of one update skips decoding).
      auto sv = crdt::encode_state_vector_from_update(all.back());
      if (!sv) fail(f + ": " + sv.error().to_string(), 2);
    }
    std::vector<crdt::bytes_view> views(all.begin(), all.end());
    auto r = crdt::merge_updates(views);
    if (!r) fail(opts->files.front() + ": " + r.error().to_string(), 2);
    write_file(opts->out, *r);
  });

  auto* sv = doc_cmd->add_subcommand("sv", "Print the state vector of the files as JSON {client: clock}");
  sv->add_option("FILE", opts->files, "v1 update files")->required();
  sv->callback([opts] {
    auto d = load(opts->files);
    auto r = crdt::decode_state_vector(d.encode_state_vector());
    crdt::any::object o;
    for (const auto& [client, clock] : r.value())
      crdt::any::object_set(o, std::to_string(client), crdt::any(static_cast<double>(clock)));
    std::cout << crdt::any(std::move(o)).to_json() << "\n";
  });
}

}  // namespace tandem::cli
