// Upload helpers: magic-byte sniffing, content-addressed keys and srcs, src parsing, and the
// export's image fetcher reading uploads back from a real store.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include <tandem/storage/store.hpp>

#include "../../../server/src/uploads.hpp"  // private header of tandem_server

using namespace tandem::server;

namespace {
const std::string png_head("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string jpeg_head("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
bool ws_ok(std::string_view w) { return w == "acme-7" || w == "w1"; }
}  // namespace

TEST_CASE("upload sniffing accepts PNG and JPEG by magic bytes and rejects everything else") {
  CHECK(uploads::sniff(png_head) == uploads::image_kind::png);
  CHECK(uploads::sniff(jpeg_head) == uploads::image_kind::jpeg);
  CHECK(uploads::sniff("") == uploads::image_kind::unknown);
  CHECK(uploads::sniff(png_head.substr(0, 7)) == uploads::image_kind::unknown);  // truncated signature
  CHECK(uploads::sniff("GIF89a....") == uploads::image_kind::unknown);
  CHECK(uploads::sniff("<svg xmlns='http://www.w3.org/2000/svg'/>") == uploads::image_kind::unknown);
  CHECK(uploads::sniff(std::string("\xFF\xD8", 2)) == uploads::image_kind::unknown);
  CHECK(uploads::mime(uploads::image_kind::png) == "image/png");
  CHECK(uploads::mime(uploads::image_kind::jpeg) == "image/jpeg");
}

TEST_CASE("upload keys and srcs are content addressed by the SHA-256 of the bytes") {
  // FIPS 180-2 test vector: SHA-256("abc").
  CHECK(uploads::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string h = uploads::sha256_hex(png_head);
  CHECK(h.size() == 64);
  CHECK(uploads::kv_key("acme-7", h) == "upload/acme-7/" + h);
  CHECK(uploads::src_for("acme-7", h, uploads::image_kind::png) == "/uploads/acme-7/" + h + ".png");
  CHECK(uploads::src_for("acme-7", h, uploads::image_kind::jpeg) == "/uploads/acme-7/" + h + ".jpg");
}

TEST_CASE("upload src parsing round-trips and refuses foreign or malformed srcs") {
  const std::string h(64, 'a');
  auto p = uploads::parse_src(uploads::src_for("acme-7", h, uploads::image_kind::png), ws_ok);
  REQUIRE(p.has_value());
  CHECK(p->ws == "acme-7");
  CHECK(p->hash == h);
  CHECK(uploads::parse_src("uploads/w1/" + h + ".jpeg", ws_ok).has_value());
  CHECK_FALSE(uploads::parse_src("https://example.com/uploads/w1/" + h + ".png", ws_ok));
  CHECK_FALSE(uploads::parse_src("/uploads/other/" + h + ".png", ws_ok));         // workspace refused
  CHECK_FALSE(uploads::parse_src("/uploads/w1/" + h + ".gif", ws_ok));            // extension
  CHECK_FALSE(uploads::parse_src("/uploads/w1/" + h.substr(1) + ".png", ws_ok));  // 63 digits
  CHECK_FALSE(uploads::parse_src("/uploads/w1/" + std::string(64, 'G') + ".png", ws_ok));
  CHECK_FALSE(uploads::parse_src("/uploads/w1/../" + h + ".png", ws_ok));
  CHECK_FALSE(uploads::parse_src("/uploads/w1", ws_ok));
  CHECK_FALSE(uploads::parse_src("", ws_ok));
}

TEST_CASE("the export image fetcher returns stored uploads and nothing for other srcs") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tandem-uploads-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    tandem::storage::options o;
    o.dir = dir.string();
    auto s = tandem::storage::store::open(o);
    REQUIRE(static_cast<bool>(s));
    auto& st = *s.value();
    const std::string h = uploads::sha256_hex(png_head);
    auto put = st.kv_put(uploads::kv_key("w1", h),
                         tandem::storage::bytes_view(reinterpret_cast<const std::uint8_t*>(png_head.data()), png_head.size()));
    REQUIRE(static_cast<bool>(put));
    auto fetch = uploads::make_fetcher(st, ws_ok);
    auto got = fetch(uploads::src_for("w1", h, uploads::image_kind::png));
    REQUIRE(got.has_value());
    CHECK(std::string(got->begin(), got->end()) == png_head);
    CHECK_FALSE(fetch(uploads::src_for("w1", std::string(64, '0'), uploads::image_kind::png)));  // not stored
    CHECK_FALSE(fetch(uploads::src_for("acme-7", h, uploads::image_kind::png)));  // other workspace
    CHECK_FALSE(fetch("data:image/png;base64,AAAA"));
  }
  fs::remove_all(dir);
}
