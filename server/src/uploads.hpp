// Uploaded board images: content sniffing (PNG / JPEG magic bytes), content-addressed
// keys in the store's kv area ("upload/<ws>/<sha256 hex>"), the public src form
// ("/uploads/<ws>/<sha256 hex>.png|.jpg") and its parsing, and the image fetcher the
// export uses to put uploaded images into PDFs. Pure except make_fetcher (reads the kv).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::storage {
class store;
}

namespace tandem::server::uploads {

inline constexpr std::size_t max_bytes = 10u << 20;  // 10 MiB

enum class image_kind { unknown, png, jpeg };

// By magic bytes only (the Content-Type header is not trusted).
[[nodiscard]] image_kind sniff(std::string_view bytes);
[[nodiscard]] std::string_view mime(image_kind k);       // "image/png", "image/jpeg", ""
[[nodiscard]] std::string_view extension(image_kind k);  // "png", "jpg", ""

[[nodiscard]] std::string sha256_hex(std::string_view bytes);
[[nodiscard]] std::string kv_key(std::string_view ws, std::string_view hash_hex);
[[nodiscard]] std::string src_for(std::string_view ws, std::string_view hash_hex, image_kind k);

struct parsed_src {
  std::string ws;
  std::string hash;  // 64 lower-case hex digits
};
// "/uploads/<ws>/<64 hex>.(png|jpg|jpeg)" (also without the leading '/'); nullopt otherwise.
// ws_ok checks the workspace id grammar.
[[nodiscard]] std::optional<parsed_src> parse_src(std::string_view src,
                                                  const std::function<bool(std::string_view)>& ws_ok);

// For render::export_options::fetch_image: the stored bytes of an /uploads/... src, nullopt
// for any other src or a missing upload. The store must outlive the fetcher.
using fetcher = std::function<std::optional<std::vector<std::uint8_t>>(const std::string& src)>;
[[nodiscard]] fetcher make_fetcher(storage::store& s, std::function<bool(std::string_view)> ws_ok);

}  // namespace tandem::server::uploads
