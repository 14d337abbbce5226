// The content-stream deflater (render/src/pdf_deflate.hpp) on hand-made PDFs laid out as
// Cairo writes them, and on damaged ones: it must either rewrite a file correctly or leave
// it untouched, and never read outside it.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pdf_deflate.hpp"

using namespace tandem::render;

namespace {

// A PDF in Cairo's layout: an unfiltered content stream with an indirect length, its
// length object, an already filtered stream, a plain object, a reserved number listed at
// another object's offset (as Cairo does), the xref table and the trailer.
struct made_pdf {
  std::string bytes;
  std::string content;
};

made_pdf make_pdf() {
  made_pdf m;
  for (int i = 0; i < 200; i++) m.content += std::to_string(i * 3.125) + " " + std::to_string(i * 0.5) + " l\n";
  std::string pdf = "%PDF-1.5\n%\xb5\xed\xae\xfb\n";
  std::vector<size_t> off(7, 0);
  off[5] = pdf.size();
  pdf += "5 0 obj\n<< /Length 6 0 R\n>>\nstream\n" + m.content + "\nendstream\nendobj\n";
  off[6] = pdf.size();
  pdf += "6 0 obj\n   " + std::to_string(m.content.size()) + "\nendobj\n";
  off[2] = pdf.size();
  pdf += "2 0 obj\n<< /Length 3\n   /Filter /FlateDecode\n>>\nstream\nabc\nendstream\nendobj\n";
  off[1] = pdf.size();
  pdf += "1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  off[3] = off[5];  // reserved, never written
  off[4] = pdf.size();
  pdf += "4 0 obj\n<< /Length 11 >>\nstream\nhello world\nendstream\nendobj\n";
  const size_t xref = pdf.size();
  pdf += "xref\n0 7\n0000000000 65535 f \n";
  for (int i = 1; i < 7; i++) {
    char e[24];
    std::snprintf(e, sizeof e, "%010zu 00000 n \n", off[i]);
    pdf += e;
  }
  pdf += "trailer\n<< /Size 7\n   /Root 1 0 R\n>>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  m.bytes = pdf;
  return m;
}

std::string inflate(const std::string& z) {
  std::string out(1 << 20, '\0');
  uLongf n = out.size();
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(z.data()), z.size()) != Z_OK)
    return "<inflate failed>";
  out.resize(n);
  return out;
}

// The stream data of object `num` in a rewritten file, found through the xref table.
std::string stream_of(const std::string& pdf, int num, size_t length) {
  const size_t xref = std::stoul(pdf.substr(pdf.rfind("startxref\n") + 10));
  const size_t off = std::stoul(pdf.substr(xref + 9 + 20 * size_t(num), 10));
  const size_t s = pdf.find("stream\n", off) + 7;
  return pdf.substr(s, length);
}

}  // namespace

TEST_CASE("render: pdf deflate compresses unfiltered streams and rebuilds the xref") {
  const made_pdf m = make_pdf();
  std::vector<uint8_t> bytes(m.bytes.begin(), m.bytes.end());
  REQUIRE(deflate_pdf_streams(bytes, 2));
  const std::string out(bytes.begin(), bytes.end());
  CHECK(out.size() < m.bytes.size());
  // Object 6 holds the new length of object 5's stream, which inflates to the original.
  const size_t xref = std::stoul(out.substr(out.rfind("startxref\n") + 10));
  REQUIRE(out.compare(xref, 5, "xref\n") == 0);
  const size_t off6 = std::stoul(out.substr(xref + 9 + 20 * 6, 10));
  REQUIRE(out.compare(off6, 8, "6 0 obj\n") == 0);
  const size_t len = std::stoul(out.substr(off6 + 8));
  CHECK(inflate(stream_of(out, 5, len)) == m.content);
  // The reserved number still points where object 5 now is; the others at themselves.
  CHECK(out.substr(xref + 9 + 20 * 3, 10) == out.substr(xref + 9 + 20 * 5, 10));
  for (int i : {1, 2, 4, 5}) {
    CAPTURE(i);
    const size_t off = std::stoul(out.substr(xref + 9 + 20 * size_t(i), 10));
    CHECK(out.compare(off, 8, std::to_string(i) + " 0 obj\n") == 0);
  }
  // The filtered stream is copied as it was; the one with a direct length is deflated too.
  CHECK(out.find("/Length 3\n   /Filter /FlateDecode\n>>\nstream\nabc\nendstream") != std::string::npos);
  CHECK(out.find("hello world") == std::string::npos);
  CHECK(out.find("trailer\n<< /Size 7\n   /Root 1 0 R\n>>\nstartxref\n") != std::string::npos);
}

TEST_CASE("render: pdf deflate leaves damaged files untouched or rewritten, never reading outside them") {
  const made_pdf m = make_pdf();
  const unsigned seed = std::random_device{}();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  for (size_t cut = 0; cut < m.bytes.size(); cut += 7) {  // every truncation (in steps)
    std::vector<uint8_t> bytes(m.bytes.begin(), m.bytes.begin() + long(cut));
    const auto before = bytes;
    if (!deflate_pdf_streams(bytes, 2)) CHECK(bytes == before);
  }
  for (int round = 0; round < 2000; round++) {  // random byte changes
    std::vector<uint8_t> bytes(m.bytes.begin(), m.bytes.end());
    const int changes = 1 + int(rng() % 4);
    for (int c = 0; c < changes; c++) bytes[rng() % bytes.size()] = static_cast<uint8_t>("0123456789 \n<>/R"[rng() % 16]);
    const auto before = bytes;
    if (!deflate_pdf_streams(bytes, 2)) CHECK(bytes == before);
  }
}
