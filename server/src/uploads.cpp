#include "uploads.hpp"

#include <openssl/evp.h>

#include <tandem/storage/store.hpp>

namespace tandem::server::uploads {

image_kind sniff(std::string_view b) {
  static constexpr std::string_view png_sig("\x89PNG\r\n\x1a\n", 8);
  if (b.size() >= png_sig.size() && b.substr(0, png_sig.size()) == png_sig) return image_kind::png;
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
      static_cast<unsigned char>(b[2]) == 0xFF)
    return image_kind::jpeg;
  return image_kind::unknown;
}

std::string_view mime(image_kind k) {
  switch (k) {
    case image_kind::png: return "image/png";
    case image_kind::jpeg: return "image/jpeg";
    default: return "";
  }
}

std::string_view extension(image_kind k) {
  switch (k) {
    case image_kind::png: return "png";
    case image_kind::jpeg: return "jpg";
    default: return "";
  }
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += d[md[i] >> 4];
    out += d[md[i] & 15];
  }
  return out;
}

std::string kv_key(std::string_view ws, std::string_view hash_hex) {
  return "upload/" + std::string(ws) + "/" + std::string(hash_hex);
}

std::string src_for(std::string_view ws, std::string_view hash_hex, image_kind k) {
  return "/uploads/" + std::string(ws) + "/" + std::string(hash_hex) + "." + std::string(extension(k));
}

std::optional<parsed_src> parse_src(std::string_view src, const std::function<bool(std::string_view)>& ws_ok) {
  if (!src.empty() && src.front() == '/') src.remove_prefix(1);
  constexpr std::string_view head = "uploads/";
  if (src.substr(0, head.size()) != head) return std::nullopt;
  src.remove_prefix(head.size());
  const auto slash = src.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view ws = src.substr(0, slash), file = src.substr(slash + 1);
  if (ws.empty() || !ws_ok(ws)) return std::nullopt;
  const auto dot = file.find('.');
  if (dot != 64) return std::nullopt;
  std::string_view hash = file.substr(0, dot), ext = file.substr(dot + 1);
  if (ext != "png" && ext != "jpg" && ext != "jpeg") return std::nullopt;
  for (char c : hash)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return parsed_src{std::string(ws), std::string(hash)};
}

fetcher make_fetcher(storage::store& s, std::function<bool(std::string_view)> ws_ok) {
  return [&s, ws_ok = std::move(ws_ok)](const std::string& src) -> std::optional<std::vector<std::uint8_t>> {
    auto p = parse_src(src, ws_ok);
    if (!p) return std::nullopt;
    auto r = s.kv_get(kv_key(p->ws, p->hash));
    if (!r || !r->has_value()) return std::nullopt;
    return std::move(**r);
  };
}

}  // namespace tandem::server::uploads
