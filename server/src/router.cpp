// Route matching with single- and multi-segment captures.
#include "tandem/server/router.hpp"

#include <boost/json.hpp>

namespace tandem::server::http {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  if (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (true) {
    auto p = s.find('/');
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

bool match_from(const std::vector<std::string_view>& pat, std::size_t pi, const std::vector<std::string_view>& segs, std::size_t si,
                params& out) {
  if (pi == pat.size()) return si == segs.size();
  const auto p = pat[pi];
  if (p.size() >= 3 && p.front() == '{' && p.back() == '}') {
    if (p[p.size() - 2] == '+') {
      const std::string key(p.substr(1, p.size() - 3));
      const std::size_t rest = pat.size() - pi - 1;  // segments the remaining pattern needs
      if (segs.size() < si + 1 + rest) return false;
      // Greedy from the longest capture; literal suffixes pin it.
      for (std::size_t end = segs.size() - rest; end >= si + 1; --end) {
        params trial = out;
        if (match_from(pat, pi + 1, segs, end, trial)) {
          std::string v;
          for (std::size_t k = si; k < end; ++k) {
            if (k > si) v += '/';
            v.append(segs[k]);
          }
          out = std::move(trial);
          out[key] = std::move(v);
          return true;
        }
      }
      return false;
    }
    if (si >= segs.size() || segs[si].empty()) return false;
    out[std::string(p.substr(1, p.size() - 2))] = std::string(segs[si]);
    return match_from(pat, pi + 1, segs, si + 1, out);
  }
  if (si >= segs.size() || segs[si] != p) return false;
  return match_from(pat, pi + 1, segs, si + 1, out);
}

}  // namespace

response json_response(int status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

response json_error(int status, std::string_view reason) {
  boost::json::object o;
  o["error"] = reason;
  return json_response(status, boost::json::serialize(o));
}

void router::add(std::string method, std::string pattern, handler h) {
  routes_.push_back(route{std::move(method), std::move(pattern), std::move(h)});
}

bool router::match(std::string_view pattern, std::string_view path, params& out) {
  params tmp;
  if (!match_from(split(pattern), 0, split(path), 0, tmp)) return false;
  out = std::move(tmp);
  return true;
}

void router::dispatch(const request& req, responder respond) const {
  bool path_matched = false;
  for (const auto& r : routes_) {
    params p;
    if (!match(r.pattern, req.path, p)) continue;
    if (r.method != req.method && !(r.method == "GET" && req.method == "HEAD")) {
      path_matched = true;
      continue;
    }
    r.h(req, p, std::move(respond));
    return;
  }
  respond(path_matched ? json_error(405, "method not allowed") : json_error(404, "not found"));
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    if (!part.empty()) {
      auto eq = part.find('=');
      auto key = percent_decode(part.substr(0, eq));
      auto val = eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1));
      out.emplace(std::move(key), std::move(val));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace tandem::server::http
