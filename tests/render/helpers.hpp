// Shared helpers for the render tests: pinned fonts, temp files, running poppler-utils.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <unistd.h>

#include "tandem/render/render.hpp"

namespace render_test {

// Pins fontconfig to tests/render/fonts.conf before any Pango call (static init).
struct pin_fonts {
  pin_fonts() { setenv("FONTCONFIG_FILE", TANDEM_SOURCE_DIR "/tests/render/fonts.conf", 1); }
};
inline pin_fonts pinned_fonts_once;

inline std::filesystem::path tmp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("tandem-render-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path write_tmp(const std::string& name, const std::vector<uint8_t>& bytes) {
  auto p = tmp_dir() / name;
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                           static_cast<std::streamsize>(bytes.size()));
  return p;
}

inline std::vector<uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a shell command and returns its standard output.
inline std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

inline std::string pdfinfo(const std::filesystem::path& p) { return run("pdfinfo -isodates '" + p.string() + "' 2>&1"); }
inline std::string pdftotext(const std::filesystem::path& p, const std::string& extra = "") {
  return run("pdftotext -enc UTF-8 " + extra + " '" + p.string() + "' - 2>&1");
}
inline std::string pdffonts(const std::filesystem::path& p) { return run("pdffonts '" + p.string() + "' 2>&1"); }

// The value of "Key:" in pdfinfo output, trimmed.
inline std::string info_field(const std::string& info, const std::string& key) {
  auto pos = info.find(key + ":");
  if (pos == std::string::npos) return "";
  auto start = info.find_first_not_of(' ', pos + key.size() + 1);
  auto end = info.find('\n', start);
  return info.substr(start, end - start);
}

inline tandem::render::export_options fixed_options() {
  tandem::render::export_options o;
  o.create_date = "2026-01-02T03:04:05Z";
  o.author = "Test Author";
  return o;
}

}  // namespace render_test
