// HTTP routing table: method + path pattern -> handler from request to response. Pure (no
// sockets) so routes are testable; the network shell converts Beast messages to these.
// Patterns are '/'-separated; "{x}" captures one segment, "{x+}" one or more segments
// (so "/api/docs/{name+}/update" captures "acme-7/board/3").
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::server::http {

struct request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw path without the query string
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_ip;
  [[nodiscard]] std::string_view header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string_view{} : std::string_view(it->second);
  }
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

[[nodiscard]] response json_error(int status, std::string_view reason);
[[nodiscard]] response json_response(int status, std::string body);

using params = std::map<std::string, std::string>;
// Handlers answer through `respond` exactly once, possibly later and from another thread
// (e.g. once an update is durable).
using responder = std::function<void(response)>;
using handler = std::function<void(const request&, const params&, responder)>;

class router {
 public:
  void add(std::string method, std::string pattern, handler h);
  // Answers 404 when no pattern matches the path, 405 when one matches with another method.
  void dispatch(const request& req, responder respond) const;
  // Pure matching, for tests: true and fills `out` when `pattern` matches `path`.
  [[nodiscard]] static bool match(std::string_view pattern, std::string_view path, params& out);

 private:
  struct route { std::string method, pattern; handler h; };
  std::vector<route> routes_;
};

// Splits "a=1&b=x%20y" into decoded pairs; malformed escapes are kept literally.
[[nodiscard]] std::map<std::string, std::string> parse_query(std::string_view q);
[[nodiscard]] std::string percent_decode(std::string_view s);

}  // namespace tandem::server::http
