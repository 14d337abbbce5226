// Tokens (HMAC-SHA256, base64url), document-name grammar, prefix matching, TTL parsing.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "tandem/server/auth.hpp"

using namespace tandem::server;

namespace {
// Made independently with Node's crypto:
//   p = Buffer.from(JSON.stringify({sub:"u1",name:"Ann",role:"mentor",prefix:"acme-7",exp:4102444800})).toString("base64url")
//   p + "." + createHmac("sha256","test-secret").update(p).digest("base64url")
const char* node_token =
    "eyJzdWIiOiJ1MSIsIm5hbWUiOiJBbm4iLCJyb2xlIjoibWVudG9yIiwicHJlZml4IjoiYWNtZS03IiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "loBHOtOPBLpelFSYUoV5hYxmHIF6umeCB46atfIHnz8";
constexpr std::int64_t now = 1700000000;

auth::claims mentor() {
  auth::claims c;
  c.user = "u1";
  c.name = "Ann";
  c.role_ = auth::role::mentor;
  c.prefix = "acme-7";
  c.expires_at = now + 3600;
  return c;
}
}  // namespace

TEST_CASE("a token signed by Node's crypto HMAC-SHA256 verifies and yields its claims") {
  auto v = auth::verify(node_token, "test-secret", now);
  REQUIRE(std::holds_alternative<auth::claims>(v));
  const auto& c = std::get<auth::claims>(v);
  CHECK(c.user == "u1");
  CHECK(c.name == "Ann");
  CHECK(c.role_ == auth::role::mentor);
  CHECK(c.prefix == "acme-7");
  CHECK(c.expires_at == 4102444800);
}

TEST_CASE("the same token with another secret is a bad signature") {
  auto v = auth::verify(node_token, "other-secret", now);
  REQUIRE(std::holds_alternative<auth::verify_error>(v));
  CHECK(std::get<auth::verify_error>(v).kind == auth::failure::bad_signature);
}

TEST_CASE("changing one payload character invalidates the signature") {
  std::string t = auth::sign(mentor(), "s3cret");
  t[5] = t[5] == 'A' ? 'B' : 'A';
  auto v = auth::verify(t, "s3cret", now);
  REQUIRE(std::holds_alternative<auth::verify_error>(v));
  CHECK(std::get<auth::verify_error>(v).kind == auth::failure::bad_signature);
}

TEST_CASE("an expired token is refused as expired") {
  auto c = mentor();
  c.expires_at = now - 1;
  auto v = auth::verify(auth::sign(c, "s"), "s", now);
  REQUIRE(std::holds_alternative<auth::verify_error>(v));
  CHECK(std::get<auth::verify_error>(v).kind == auth::failure::expired);
}

TEST_CASE("malformed tokens are refused as malformed") {
  for (const char* t : {"", "abc", "a.b.c", "!!!.abc", "abc.!!!", "e30.xyz"}) {
    auto v = auth::verify(t, "s", now);
    REQUIRE(std::holds_alternative<auth::verify_error>(v));
    CHECK(std::get<auth::verify_error>(v).kind != auth::failure::expired);
  }
  CHECK(std::holds_alternative<auth::verify_error>(auth::verify(std::string(5000, 'a'), "s", now)));
}

TEST_CASE("a correctly signed payload with a missing field, wrong type or unknown role is malformed") {
  auto sign_raw = [](const std::string& json) {
    const std::string p = auth::base64url_encode(json);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), "s", 1, reinterpret_cast<const unsigned char*>(p.data()), p.size(), md, &len);
    return p + "." + auth::base64url_encode(std::string(reinterpret_cast<const char*>(md), len));
  };
  // Control: a complete payload signed this way verifies.
  CHECK(std::holds_alternative<auth::claims>(
      auth::verify(sign_raw(R"({"sub":"u","name":"n","role":"mentee","prefix":"a","exp":4102444800})"), "s", now)));
  for (const char* json : {R"({"sub":"u","name":"n","role":"owner","prefix":"a","exp":4102444800})",
                           R"({"sub":"u","name":"n","role":"mentor","exp":4102444800})",
                           R"({"sub":"u","name":"n","role":"mentor","prefix":"a","exp":"soon"})",
                           R"({"sub":"u","name":"n","role":"mentor","prefix":"a","exp":4102444800,"jti":7})", R"([1,2,3])", "not json"}) {
    auto v = auth::verify(sign_raw(json), "s", now);
    REQUIRE(std::holds_alternative<auth::verify_error>(v));
    CHECK(std::get<auth::verify_error>(v).kind == auth::failure::malformed);
  }
}

TEST_CASE("an invite token carries its token id (jti) through signing and verification; a non-string jti is malformed") {
  auto c = mentor();
  c.token_id = "9690f38c5485155240bce74e7f927821";
  auto v = auth::verify(auth::sign(c, "s"), "s", now);
  REQUIRE(std::holds_alternative<auth::claims>(v));
  CHECK(std::get<auth::claims>(v).token_id == "9690f38c5485155240bce74e7f927821");
  auto plain = auth::verify(auth::sign(mentor(), "s"), "s", now);
  REQUIRE(std::holds_alternative<auth::claims>(plain));
  CHECK(std::get<auth::claims>(plain).token_id.empty());
}

TEST_CASE("base64url matches Node's Buffer encoding and refuses bad input") {
  CHECK(auth::base64url_encode("hi?>") == "aGk_Pg");                 // Buffer.from("hi?>").toString("base64url")
  CHECK(auth::base64url_encode(std::string("\xfb\xff", 2)) == "-_8");
  CHECK(auth::base64url_decode("aGk_Pg").value() == "hi?>");
  CHECK_FALSE(auth::base64url_decode("aGk=").has_value());
  CHECK_FALSE(auth::base64url_decode("a").has_value());
  CHECK_FALSE(auth::base64url_decode("aGm").has_value());  // non-zero padding bits: not canonical
}

TEST_CASE("doc names follow DESIGN's grammar") {
  for (const char* ok : {"acme-7/plan", "acme-7/board/3", "a", "A.b_c~d-e", "x/y.z"}) CHECK(auth::valid_doc_name(ok));
  for (const char* bad : {"", "a//b", "/a", "a/", "a/../b", "..", "a b", "a%2Fb", "ü", "a?b", "a\\b"}) CHECK_FALSE(auth::valid_doc_name(bad));
  CHECK(auth::valid_doc_name(std::string(200, 'a')));
  CHECK_FALSE(auth::valid_doc_name(std::string(201, 'a')));
}

TEST_CASE("a prefix matches whole segments only; '*' opens everything for admins only") {
  auto c = mentor();
  CHECK(auth::prefix_covers(c, "acme-7/plan"));
  CHECK(auth::prefix_covers(c, "acme-7/board/3"));
  CHECK(auth::prefix_covers(c, "acme-7"));
  CHECK_FALSE(auth::prefix_covers(c, "acme-70/plan"));
  CHECK_FALSE(auth::prefix_covers(c, "other/plan"));
  c.prefix = "*";
  CHECK_FALSE(auth::prefix_covers(c, "acme-7/plan"));
  c.role_ = auth::role::admin;
  CHECK(auth::prefix_covers(c, "anything/at/all"));
  c.prefix = "";
  CHECK_FALSE(auth::prefix_covers(c, "acme-7/plan"));
}

TEST_CASE("roles: viewers cannot write, mentors, mentees and admins can") {
  CHECK_FALSE(auth::can_write(auth::role::viewer));
  CHECK(auth::can_write(auth::role::mentee));
  CHECK(auth::can_write(auth::role::mentor));
  CHECK(auth::can_write(auth::role::admin));
  CHECK_FALSE(auth::parse_role("owner").has_value());
}

TEST_CASE("ttl strings parse to seconds; garbage and zero are refused") {
  CHECK(auth::parse_ttl("7d").value() == 7 * 86400);
  CHECK(auth::parse_ttl("12h").value() == 12 * 3600);
  CHECK(auth::parse_ttl("30m").value() == 1800);
  CHECK(auth::parse_ttl("45s").value() == 45);
  CHECK(auth::parse_ttl("90").value() == 90);
  for (const char* bad : {"", "d", "0s", "-5m", "5x", "1.5h", "99999999999999999d"}) CHECK_FALSE(auth::parse_ttl(bad).has_value());
}

TEST_CASE("the secret file is created once with mode 0600 and reused") {
  namespace fs = std::filesystem;
  ::unsetenv("TANDEM_SECRET");
  const auto dir = fs::temp_directory_path() / ("tandem-secret-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto a = auth::load_or_create_secret(dir.string());
  REQUIRE(a.ok());
  struct stat sb {};
  REQUIRE(::stat((dir / "secret").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  auto b = auth::load_or_create_secret(dir.string());
  REQUIRE(b.ok());
  CHECK(a.value() == b.value());
  ::setenv("TANDEM_SECRET", "from-env", 1);
  CHECK(auth::load_or_create_secret(dir.string()).value() == "from-env");
  ::unsetenv("TANDEM_SECRET");
  fs::remove_all(dir);
}
