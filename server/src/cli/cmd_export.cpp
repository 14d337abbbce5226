// `tandem export`: renders a board or plan document (from the store, or from a v1 update
// file) to PDF or PNG with tandem_render. Warnings (skipped elements) go to stderr as
// `warning: ...` lines; failures print one `error: ...` line and exit non-zero.
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "tandem/crdt/crdt.hpp"
#include "tandem/render/document.hpp"
#include "tandem/storage/store.hpp"

namespace tandem::cli {
namespace {

[[noreturn]] void fail(const std::string& msg, int code = 1) {
  std::cerr << "error: " << msg << "\n";
  throw CLI::RuntimeError(code);
}

struct export_args {
  std::string doc;
  std::string data = "./tandem-data";
  std::string out;
  std::string format;  // empty: from the output file's extension
  std::string frame;
  std::string paper = "fit";
  std::uint32_t version = 0;
  int width = 800;
  std::string from_update;
  std::string plan_doc;     // session export: the plan to append to the board
  std::string plan_update;  // same, from a v1 update file
  std::string date;         // fixed creation date (ISO 8601), for reproducible output
};

crdt::doc doc_from_bytes(const crdt::bytes& b, const std::string& what) {
  crdt::doc d;
  auto r = d.apply_update(b);
  if (!r.ok()) fail(what + ": not a valid v1 update: " + r.error().to_string());
  return d;
}

crdt::bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Snapshot, then every logged update; or a named version's state.
crdt::doc doc_from_store(storage::store& s, const std::string& name, std::uint32_t version) {
  if (version > 0) {
    auto v = s.read_version(name, version);
    if (!v) fail(v.err().message, 2);
    if (!*v) fail("document '" + name + "' has no version " + std::to_string(version));
    return doc_from_bytes((*v)->state, name + " version " + std::to_string(version));
  }
  auto st = s.load(name);
  if (!st) fail(st.err().message, 2);
  if (!st->found) fail("no document named '" + name + "'");
  crdt::doc d;
  if (!st->snapshot.empty()) {
    auto r = d.apply_update(st->snapshot);
    if (!r.ok()) fail(name + ": snapshot does not decode: " + r.error().to_string(), 2);
  }
  for (const auto& e : st->log) {
    auto r = d.apply_update(e.data);
    if (!r.ok()) fail(name + ": update " + std::to_string(e.seq) + " does not decode: " + r.error().to_string(), 2);
  }
  return d;
}

std::string creation_date(const std::string& fixed) {
  if (!fixed.empty()) return fixed;
  // SOURCE_DATE_EPOCH (reproducible-builds convention) pins the date too.
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long secs = std::strtoll(sde, &end, 10);
    if (end && *end == '\0' && secs >= 0) {
      std::time_t t = static_cast<std::time_t>(secs);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      return buf;
    }
  }
  return "";
}

void run_export(const export_args& a) {
  render::export_options opt;
  std::string format = a.format;
  if (format.empty()) format = a.out.size() > 4 && a.out.substr(a.out.size() - 4) == ".png" ? "png" : "pdf";
  opt.format = format == "png" ? render::output_format::png : render::output_format::pdf;
  opt.paper = a.paper == "a4" ? render::paper_size::a4 : a.paper == "letter" ? render::paper_size::letter
                                                                              : render::paper_size::fit;
  opt.frame = a.frame;
  opt.png_width = a.width;
  opt.create_date = creation_date(a.date);

  std::unique_ptr<storage::store> store;
  auto open_store = [&]() -> storage::store& {
    if (!store) {
      storage::options so;
      so.dir = a.data;
      so.read_only = true;
      auto r = storage::store::open(so);
      if (!r) fail(r.err().message, 2);
      store = std::move(r).value();
    }
    return *store;
  };
  if (a.from_update.empty() && a.doc.empty()) fail("name a document, or give --from-update FILE");
  crdt::doc d = !a.from_update.empty() ? doc_from_bytes(read_file(a.from_update), a.from_update)
                                       : doc_from_store(open_store(), a.doc, a.version);

  render::result<render::export_output> out = render::error{""};
  if (!a.plan_doc.empty() || !a.plan_update.empty()) {
    crdt::doc plan = !a.plan_update.empty() ? doc_from_bytes(read_file(a.plan_update), a.plan_update)
                                            : doc_from_store(open_store(), a.plan_doc, 0);
    out = render::export_session(d, plan, opt);
  } else {
    out = render::export_document(d, opt);
  }
  if (!out.ok()) fail(out.err().message);
  for (const auto& w : out->warnings) std::cerr << "warning: " << w << "\n";
  std::ofstream f(a.out, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(out->bytes.data()), static_cast<std::streamsize>(out->bytes.size()));
  f.close();
  if (!f) fail("cannot write " + a.out);
  std::cout << a.out << ": " << out->pages << (out->pages == 1 ? " page, " : " pages, ") << out->bytes.size()
            << " bytes\n";
}

}  // namespace

void register_export_commands(CLI::App& app) {
  static export_args a;  // CLI11 keeps references to option storage
  auto* cmd = app.add_subcommand("export", "render a board or plan to PDF (or a board to PNG)");
  cmd->add_option("doc", a.doc, "document name in the store");
  cmd->add_option("--data", a.data, "data directory of the store")->envname("TANDEM_DATA")->capture_default_str();
  cmd->add_option("-o,--output", a.out, "output file")->required();
  cmd->add_option("--format", a.format, "pdf or png (default: from the output file name)")
      ->check(CLI::IsMember({"pdf", "png"}))
      ->envname("TANDEM_FORMAT");
  cmd->add_option("--frame", a.frame, "export only this frame (name or id)");
  cmd->add_option("--paper", a.paper, "fit (page per frame), a4 or letter")
      ->check(CLI::IsMember({"fit", "a4", "letter"}))
      ->capture_default_str()
      ->envname("TANDEM_PAPER");
  cmd->add_option("--version", a.version, "export this named version instead of the live document");
  cmd->add_option("--width", a.width, "PNG width in pixels")->check(CLI::Range(16, 8192))->capture_default_str();
  cmd->add_option("--from-update", a.from_update, "render a document given as a v1 update file (no store)");
  cmd->add_option("--with-plan", a.plan_doc, "session export: append this plan document's pages");
  cmd->add_option("--with-plan-update", a.plan_update, "session export: the plan as a v1 update file");
  cmd->add_option("--date", a.date, "creation date written into the PDF, e.g. 2026-01-02T03:04:05Z")
      ->envname("TANDEM_EXPORT_DATE");
  cmd->callback([] { run_export(a); });
}

}  // namespace tandem::cli
