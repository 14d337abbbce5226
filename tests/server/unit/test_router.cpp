// The HTTP routing table: pattern matching, 404/405, query parsing.
#include <doctest/doctest.h>

#include "tandem/server/router.hpp"

using namespace tandem::server;

TEST_CASE("a multi-segment capture takes the whole doc name before the action") {
  http::params p;
  REQUIRE(http::router::match("/api/docs/{name+}/update", "/api/docs/acme-7/board/3/update", p));
  CHECK(p.at("name") == "acme-7/board/3");
  REQUIRE(http::router::match("/api/docs/{name+}/update", "/api/docs/a/update", p));
  CHECK(p.at("name") == "a");
  CHECK_FALSE(http::router::match("/api/docs/{name+}/update", "/api/docs/update", p));
  CHECK_FALSE(http::router::match("/api/docs/{name+}/update", "/api/docs/a/json", p));
}

TEST_CASE("a doc named like an action still routes to the last action segment") {
  http::params p;
  REQUIRE(http::router::match("/api/docs/{name+}/update", "/api/docs/x/update/update", p));
  CHECK(p.at("name") == "x/update");
}

TEST_CASE("single-segment captures and literals must match exactly") {
  http::params p;
  REQUIRE(http::router::match("/api/workspaces/{id}", "/api/workspaces/acme", p));
  CHECK(p.at("id") == "acme");
  CHECK_FALSE(http::router::match("/api/workspaces/{id}", "/api/workspaces/acme/x", p));
  CHECK_FALSE(http::router::match("/api/workspaces/{id}", "/api/workspaces/", p));
  CHECK(http::router::match("/healthz", "/healthz", p));
  CHECK_FALSE(http::router::match("/healthz", "/healthzz", p));
}

TEST_CASE("dispatch calls the matching handler, answers 405 for another method and 404 for no path") {
  http::router r;
  int calls = 0;
  r.add("GET", "/things/{id}", [&](const http::request&, const http::params& p, http::responder respond) {
    ++calls;
    respond(http::json_response(200, "\"" + p.at("id") + "\""));
  });
  http::response got;
  http::request req;
  req.method = "GET";
  req.path = "/things/42";
  r.dispatch(req, [&](http::response resp) { got = std::move(resp); });
  CHECK(calls == 1);
  CHECK(got.status == 200);
  CHECK(got.body == "\"42\"");
  req.method = "DELETE";
  r.dispatch(req, [&](http::response resp) { got = std::move(resp); });
  CHECK(got.status == 405);
  req.method = "GET";
  req.path = "/nothing";
  r.dispatch(req, [&](http::response resp) { got = std::move(resp); });
  CHECK(got.status == 404);
  CHECK(calls == 1);
}

TEST_CASE("routes are tried in registration order") {
  http::router r;
  std::string which;
  r.add("GET", "/api/x", [&](const http::request&, const http::params&, http::responder respond) { which = "exact"; respond({}); });
  r.add("GET", "/{path+}", [&](const http::request&, const http::params&, http::responder respond) { which = "catch-all"; respond({}); });
  http::request req;
  req.method = "GET";
  req.path = "/api/x";
  r.dispatch(req, [](http::response) {});
  CHECK(which == "exact");
  req.path = "/index.html";
  r.dispatch(req, [](http::response) {});
  CHECK(which == "catch-all");
}

TEST_CASE("query strings are split and percent-decoded") {
  auto q = http::parse_query("token=a%2Eb&x=1+2&flag&bad=%zz");
  CHECK(q.at("token") == "a.b");
  CHECK(q.at("x") == "1 2");
  CHECK(q.at("flag").empty());
  CHECK(q.at("bad") == "%zz");
}

TEST_CASE("json_error escapes the reason into a JSON object") {
  auto r = http::json_error(400, "bad \"name\"");
  CHECK(r.status == 400);
  CHECK(r.body == R"({"error":"bad \"name\""})");
}
