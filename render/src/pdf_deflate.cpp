// Deflating Cairo's PDF content streams ourselves. Cairo 1.16 deflates every content stream
// at zlib's default level 6 and offers no setting for it; on a stroke-heavy board that is
// ~45% of the export time (a 10k-element board: 5.9 MB of path text, ~200 ms to deflate at
// level 6, ~45 ms at level 2). Its only switch is the CAIRO_DEBUG_PDF environment variable,
// which turns content-stream compression off; the export then deflates those streams
// itself and rebuilds the cross-reference table. Fonts and images stay as Cairo wrote them.
#include "pdf_deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace tandem::render {
namespace {

// Before main: no other thread can be reading the environment yet.
[[maybe_unused]] const bool requested_at_startup = (request_uncompressed_cairo_streams(), true);

bool parse_uint(std::string_view s, size_t& pos, size_t& out) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r')) pos++;
  const size_t start = pos;
  size_t v = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 15) v = v * 10 + size_t(s[pos++] - '0');
  out = v;
  return pos > start;
}

struct pdf_object {
  size_t num = 0;
  size_t off = 0, end = 0;  // byte span in the original file
};

}  // namespace

void request_uncompressed_cairo_streams() { setenv("CAIRO_DEBUG_PDF", "1", 0); }

bool deflate_pdf_streams(std::vector<uint8_t>& pdf, int level) {
  const std::string_view in(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  if (in.substr(0, 5) != "%PDF-") return false;
  // startxref <offset> %%EOF at the end.
  const size_t sx = in.rfind("startxref");
  if (sx == std::string_view::npos) return false;
  size_t pos = sx + 9, xref_off = 0;
  if (!parse_uint(in, pos, xref_off) || xref_off >= sx || in.substr(xref_off, 5) != "xref\n") return false;
  // One subsection "0 N", then N 20-byte entries.
  pos = xref_off + 5;
  size_t first = 0, count = 0;
  if (!parse_uint(in, pos, first) || !parse_uint(in, pos, count) || first != 0 || count == 0) return false;
  if (pos >= in.size() || in[pos] != '\n') return false;
  const size_t entries = pos + 1;
  if (entries + 20 * count > sx) return false;
  const size_t trailer = entries + 20 * count;
  if (in.substr(trailer, 7) != "trailer") return false;
  std::vector<pdf_object> objs;
  std::vector<char> in_use(count, 0);
  for (size_t i = 0; i < count; i++) {
    const std::string_view e = in.substr(entries + 20 * i, 20);
    if (e[17] != 'n') continue;
    size_t p = 0, off = 0;
    if (!parse_uint(e, p, off) || off >= xref_off) return false;
    objs.push_back({i, off, 0});
    in_use[i] = 1;
  }
  if (objs.empty()) return false;
  // Cairo lists object numbers it reserved but never wrote at the offset of another object.
  // Among numbers sharing an offset, the one written there sorts last and gets the span;
  // the others get an empty span and, below, the same new offset.
  auto written_here = [&](const pdf_object& o) {
    size_t p = o.off, n = 0;
    return parse_uint(in, p, n) && n == o.num;
  };
  std::sort(objs.begin(), objs.end(), [&](const pdf_object& a, const pdf_object& b) {
    if (a.off != b.off) return a.off < b.off;
    const bool wa = written_here(a), wb = written_here(b);
    return wa != wb ? wb : a.num < b.num;
  });
  for (size_t i = 0; i < objs.size(); i++) objs[i].end = i + 1 < objs.size() ? objs[i + 1].off : xref_off;

  // Pass 1: the streams to deflate, and the new lengths of their indirect length objects.
  std::vector<std::pair<size_t, std::string>> replaced;  // index into objs -> new text
  std::vector<std::pair<size_t, size_t>> new_lengths;    // object number -> length
  for (size_t i = 0; i < objs.size(); i++) {
    const std::string_view obj = in.substr(objs[i].off, objs[i].end - objs[i].off);
    const size_t head = obj.find(" obj\n");
    const size_t kw = obj.find(">>\nstream\n");
    if (head == std::string_view::npos || kw == std::string_view::npos || kw < head) continue;
    const std::string_view dict = obj.substr(head + 5, kw + 2 - (head + 5));
    if (dict.substr(0, 2) != "<<" || dict.find("/Filter") != std::string_view::npos) continue;
    const size_t lk = dict.find("/Length ");
    if (lk == std::string_view::npos) return false;  // a stream without a length: not Cairo's layout
    size_t p = lk + 8, length = 0;
    if (!parse_uint(dict, p, length)) return false;
    size_t ref = 0;
    bool indirect = false;
    {
      size_t q = p, gen = 0;
      if (parse_uint(dict, q, gen) && q + 2 <= dict.size() && dict.substr(q, 2) == " R") {
        indirect = true;
        ref = length;
        // The referenced object holds the length: "<ref> 0 obj\n   <length>\nendobj".
        auto it = std::find_if(objs.begin(), objs.end(), [&](const pdf_object& o) { return o.num == ref; });
        if (it == objs.end()) return false;
        const std::string_view lo = in.substr(it->off, it->end - it->off);
        size_t h = lo.find(" obj\n");
        if (h == std::string_view::npos) return false;
        h += 5;
        if (!parse_uint(lo, h, length)) return false;
      }
    }
    const size_t data = kw + 10;
    if (data + length > obj.size()) return false;
    const std::string_view tail = obj.substr(data + length);
    if (tail.substr(0, 10) != "\nendstream" && tail.substr(0, 9) != "endstream") return false;
    uLongf out_len = compressBound(static_cast<uLong>(length));
    std::string z(out_len, '\0');
    if (compress2(reinterpret_cast<Bytef*>(z.data()), &out_len, reinterpret_cast<const Bytef*>(obj.data() + data),
                  static_cast<uLong>(length), level) != Z_OK)
      return false;
    z.resize(out_len);
    std::string d(dict);
    if (indirect) {
      new_lengths.emplace_back(ref, z.size());
    } else {
      d.replace(lk + 8, p - (lk + 8), std::to_string(z.size()));
    }
    d.insert(2, " /Filter /FlateDecode\n  ");
    std::string text;
    text.reserve(head + 5 + d.size() + 8 + z.size() + tail.size());
    text.append(obj.substr(0, head + 5)).append(d).append("\nstream\n").append(z).append(tail);
    replaced.emplace_back(i, std::move(text));
  }
  if (replaced.empty()) return true;  // nothing uncompressed: Cairo compressed it all

  // Pass 2: write the objects in their original order with new offsets, then the xref.
  std::vector<uint8_t> out;
  out.reserve(pdf.size() / 3 + 4096);
  auto append = [&](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
  append(in.substr(0, objs.front().off));
  std::vector<size_t> offsets(count, 0);
  size_t next_replaced = 0;
  for (size_t i = 0; i < objs.size(); i++) {
    offsets[objs[i].num] = out.size();
    if (next_replaced < replaced.size() && replaced[next_replaced].first == i) {
      append(replaced[next_replaced++].second);
      continue;
    }
    auto nl = std::find_if(new_lengths.begin(), new_lengths.end(),
                           [&](const auto& l) { return l.first == objs[i].num; });
    if (nl != new_lengths.end()) {
      append(std::to_string(objs[i].num) + " 0 obj\n   " + std::to_string(nl->second) + "\nendobj\n");
      continue;
    }
    append(in.substr(objs[i].off, objs[i].end - objs[i].off));
  }
  const size_t new_xref = out.size();
  append("xref\n0 " + std::to_string(count) + "\n");
  for (size_t i = 0; i < count; i++) {
    if (!in_use[i]) {
      append(in.substr(entries + 20 * i, 20));
      continue;
    }
    char e[24];
    std::snprintf(e, sizeof e, "%010zu 00000 n \n", offsets[i]);
    append(std::string_view(e, 20));
  }
  append(in.substr(trailer, sx - trailer));
  append("startxref\n" + std::to_string(new_xref) + "\n%%EOF\n");
  pdf = std::move(out);
  return true;
}

}  // namespace tandem::render
