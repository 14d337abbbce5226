// Deflating the content streams of Cairo's PDF output ourselves, at a faster zlib level
// than Cairo's fixed default (see pdf_deflate.cpp for why and how).
#pragma once
#include <cstdint>
#include <vector>

namespace tandem::render {

// The zlib level used for content streams: 2 deflates a big board's 5.9 MB content stream
// in ~45 ms instead of ~200 ms at Cairo's default level 6, for a ~25% larger stream.
constexpr int content_deflate_level = 2;

// Asks Cairo (through CAIRO_DEBUG_PDF, its only switch) to write content streams
// uncompressed. Called once before main by a static initializer, while the process has a
// single thread; a value already in the environment is kept.
void request_uncompressed_cairo_streams();

// Rewrites a PDF as Cairo 1.16 writes it: every stream without a /Filter is deflated at
// `level` and given /Filter /FlateDecode, its length object updated, and the cross-reference
// table rebuilt. Streams that already have a filter (fonts, images) are copied unchanged.
// Returns false, leaving `pdf` untouched, if the file is not laid out as expected (the
// uncompressed original is still a valid PDF).
[[nodiscard]] bool deflate_pdf_streams(std::vector<uint8_t>& pdf, int level = content_deflate_level);

}  // namespace tandem::render
