// Conformance harness: fixture readers, JSON canonicalisation, op replay and the comparisons
// of tandem::crdt documents with the results yjs recorded (see harness.hpp).
#include "harness.hpp"

#include "../../../bench/crdt/trace_reader.hpp"


#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace tandem::conformance {
namespace json = boost::json;

bytes from_hex(std::string_view h) {
  if (h.size() % 2 != 0) throw std::runtime_error("odd hex length");
  auto nib = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    throw std::runtime_error("bad hex digit");
  };
  bytes out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(nib(h[2 * i]) << 4 | nib(h[2 * i + 1]));
  return out;
}

std::string to_hex(bytes_view b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (auto c : b) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// One gzip-aware reader for traces and fixtures: the benchmark's.
std::string read_maybe_gz(const std::string& path) { return trace::read_maybe_gz(path); }

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

namespace {
void canon(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      std::vector<std::pair<std::string, const json::value*>> kv;
      for (const auto& e : o) kv.emplace_back(std::string(e.key()), &e.value());
      std::sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (std::size_t i = 0; i < kv.size(); ++i) {
        if (i) out += ',';
        out += json::serialize(json::value(kv[i].first));
        out += ':';
        canon(*kv[i].second, out);
      }
      out += '}';
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        canon(e, out);
      }
      out += ']';
      break;
    }
    case json::kind::int64: out += std::to_string(v.get_int64()); break;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case json::kind::double_: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.get_double());
      out += buf;
      break;
    }
    default: out += json::serialize(v);
  }
}
}  // namespace

std::string canonical_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return "<invalid JSON: " + ec.message() + "> " + std::string(text.substr(0, 300));
  std::string out;
  canon(v, out);
  return out;
}

crdt::any any_from_json(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return crdt::any(nullptr);
    case json::kind::bool_: return crdt::any(v.get_bool());
    case json::kind::int64: return crdt::any(static_cast<double>(v.get_int64()));
    case json::kind::uint64: return crdt::any(static_cast<double>(v.get_uint64()));
    case json::kind::double_: return crdt::any(v.get_double());
    case json::kind::string: return crdt::any(std::string(v.get_string()));
    case json::kind::array: {
      crdt::any::array a;
      for (const auto& e : v.get_array()) a.push_back(any_from_json(e));
      return crdt::any(std::move(a));
    }
    case json::kind::object: {
      crdt::any::object o;
      for (const auto& e : v.get_object()) o.emplace_back(std::string(e.key()), any_from_json(e.value()));
      return crdt::any(std::move(o));
    }
  }
  return crdt::any();
}

namespace {
crdt::any::object attrs_from(const json::object& op, const char* key) {
  crdt::any::object o;
  if (const auto* a = op.if_contains(key)) {
    for (const auto& e : a->as_object()) o.emplace_back(std::string(e.key()), any_from_json(e.value()));
  }
  return o;
}

void json_string(std::string_view s, std::string& out) { out += json::serialize(json::value(json::string(s))); }

void type_root(crdt::doc& d, const std::string& name, const std::string& kind) {
  if (kind == "text") (void)d.get_text(name);
  else if (kind == "map") (void)d.get_map(name);
  else if (kind == "array") (void)d.get_array(name);
  else if (kind == "xml") (void)d.get_xml_fragment(name);
  else throw std::runtime_error("unknown root kind " + kind);
}

std::string root_json(crdt::doc& d, const std::string& name, const std::string& kind) {
  if (kind == "text") return d.get_text(name).to_json();
  if (kind == "map") return d.get_map(name).to_json();
  if (kind == "array") return d.get_array(name).to_json();
  if (kind == "xml") return d.get_xml_fragment(name).to_json();
  throw std::runtime_error("unknown root kind " + kind);
}
}  // namespace

roots_t roots_from(const json::value& v) {
  roots_t r;
  for (const auto& e : v.as_array()) {
    const auto& p = e.as_array();
    r.emplace_back(std::string(p.at(0).as_string()), std::string(p.at(1).as_string()));
  }
  return r;
}

std::string doc_json(crdt::doc& d, const roots_t& roots) {
  std::string out = "{";
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (i) out += ',';
    json_string(roots[i].first, out);
    out += ':';
    out += root_json(d, roots[i].first, roots[i].second);
  }
  return out + "}";
}

std::string doc_deltas(crdt::doc& d, const roots_t& roots) {
  std::string out = "{";
  bool first_root = true;
  for (const auto& [name, kind] : roots) {
    if (kind != "text") continue;
    if (!first_root) out += ',';
    first_root = false;
    json_string(name, out);
    out += ":[";
    bool first = true;
    for (const auto& op : d.get_text(name).to_delta()) {
      if (!first) out += ',';
      first = false;
      out += "{\"insert\":";
      if (const auto* s = std::get_if<std::string>(&op.insert)) json_string(*s, out);
      else if (const auto* a = std::get_if<crdt::any>(&op.insert)) out += a->to_json();
      else out += std::get<crdt::value>(op.insert).to_json();
      if (!op.attributes.empty()) {
        out += ",\"attributes\":";
        out += crdt::any(op.attributes).to_json();
      }
      out += '}';
    }
    out += ']';
  }
  return out + "}";
}

namespace {
std::string clip(const std::string& s, std::size_t n = 300) { return s.size() > n ? s.substr(0, n) + "..." : s; }

std::string first_diff(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "first difference at hex char " + std::to_string(i) + " (byte " + std::to_string(i / 2) + ")";
}
}  // namespace

void compare_doc(crdt::doc& d, const roots_t& roots, const json::object& want, const std::string& who,
                 std::vector<std::string>& failures) {
  guarded(failures, who + " json", [&] {
    const std::string got = canonical_json(doc_json(d, roots));
    const std::string exp = canonical_json(want.at("json").as_string());
    if (got != exp) failures.push_back(who + ": JSON differs: got " + clip(got) + " want " + clip(exp));
  });
  if (const auto* dv = want.if_contains("delta")) {
    guarded(failures, who + " delta", [&] {
      const std::string got = canonical_json(doc_deltas(d, roots));
      const std::string exp = canonical_json(dv->as_string());
      if (got != exp) failures.push_back(who + ": text delta differs: got " + clip(got) + " want " + clip(exp));
    });
  }
  guarded(failures, who + " sv", [&] {
    const std::string got = to_hex(d.encode_state_vector());
    const std::string exp(want.at("sv").as_string());
    if (got != exp) failures.push_back(who + ": state vector differs: got " + got + " want " + exp);
  });
  guarded(failures, who + " state", [&] {
    const std::string got = to_hex(d.encode_state_as_update());
    const std::string exp(want.at("state").as_string());
    if (got != exp) failures.push_back(who + ": full-state update differs, " + first_diff(got, exp) + ": got " + clip(got, 200) + " want " + clip(exp, 200));
  });
}

std::vector<std::string> check_vector_case(const json::object& c) {
  std::vector<std::string> failures;
  const std::string name = c.contains("name") ? std::string(c.at("name").as_string()) : "case";
  const roots_t roots = roots_from(c.at("roots"));
  const bool gc = c.contains("gc") ? c.at("gc").as_bool() : true;
  std::vector<bytes> updates;
  for (const auto& u : c.at("updates").as_array()) updates.push_back(from_hex(u.as_string()));
  crdt::doc d(crdt::doc_options{.client_id = 999999, .gc = gc});
  const std::size_t half = (updates.size() + 1) / 2;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    guarded(failures, name + ": update " + std::to_string(i), [&] {
      auto r = d.apply_update(updates[i]);
      if (!r) failures.push_back(name + ": update " + std::to_string(i) + " rejected: " + r.error().to_string());
      d.check_invariants();
    });
    if (const auto* ms = c.if_contains("mid_snapshot"); ms && i + 1 == half) {
      guarded(failures, name + " mid snapshot", [&] {
        const std::string got = to_hex(d.encode_snapshot());
        if (got != ms->as_string()) failures.push_back(name + ": snapshot after " + std::to_string(half) + " updates differs: got " + clip(got) + " want " + clip(std::string(ms->as_string())));
      });
    }
  }
  compare_doc(d, roots, c, name, failures);
  if (const auto* s = c.if_contains("snapshot")) {
    guarded(failures, name + " snapshot", [&] {
      const std::string got = to_hex(d.encode_snapshot());
      if (got != s->as_string()) failures.push_back(name + ": final snapshot differs: got " + clip(got) + " want " + clip(std::string(s->as_string())));
    });
  }
  if (const auto* fs = c.if_contains("from_mid_snapshot")) {
    guarded(failures, name + " doc_from_snapshot", [&] {
      auto old = crdt::doc_from_snapshot(d, from_hex(c.at("mid_snapshot").as_string()));
      if (!old) {
        failures.push_back(name + ": doc_from_snapshot failed: " + old.error().to_string());
        return;
      }
      old->check_invariants();
      const auto& want = fs->as_object();
      const std::string gj = canonical_json(doc_json(*old, roots));
      if (gj != canonical_json(want.at("json").as_string())) failures.push_back(name + ": doc from mid snapshot JSON differs: got " + clip(gj) + " want " + clip(std::string(want.at("json").as_string())));
      const std::string gs = to_hex(old->encode_state_as_update());
      if (gs != want.at("state").as_string()) failures.push_back(name + ": doc from mid snapshot state differs, " + first_diff(gs, std::string(want.at("state").as_string())));
    });
  }
  std::vector<bytes_view> views(updates.begin(), updates.end());
  if (const auto* m = c.if_contains("merged")) {
    guarded(failures, name + " merge_updates", [&] {
      auto r = crdt::merge_updates(views);
      if (!r) failures.push_back(name + ": merge_updates failed: " + r.error().to_string());
      else if (to_hex(*r) != m->as_string()) failures.push_back(name + ": merge_updates differs: got " + clip(to_hex(*r), 200) + " want " + clip(std::string(m->as_string()), 200));
    });
    const bytes merged = from_hex(m->as_string());
    if (const auto* s = c.if_contains("sv_from_update")) {
      guarded(failures, name + " encode_state_vector_from_update", [&] {
        auto r = crdt::encode_state_vector_from_update(merged);
        if (!r) failures.push_back(name + ": encode_state_vector_from_update failed: " + r.error().to_string());
        else if (to_hex(*r) != s->as_string()) failures.push_back(name + ": encode_state_vector_from_update differs: got " + to_hex(*r) + " want " + std::string(s->as_string()));
      });
    }
    if (const auto* ds = c.if_contains("diffs")) {
      for (const auto& dv : ds->as_array()) {
        const auto& o = dv.as_object();
        guarded(failures, name + " diff_update", [&] {
          auto r = crdt::diff_update(merged, from_hex(o.at("sv").as_string()));
          if (!r) failures.push_back(name + ": diff_update failed: " + r.error().to_string());
          else if (to_hex(*r) != o.at("update").as_string())
            failures.push_back(name + ": diff_update against sv " + std::string(o.at("sv").as_string()) + " differs: got " + clip(to_hex(*r), 200) + " want " + clip(std::string(o.at("update").as_string()), 200));
        });
      }
    }
  }
  return failures;
}

namespace {
// A resolved shared type: its kind and branch handle.
struct target {
  crdt::type_kind kind = crdt::type_kind::unknown;
  crdt::detail::branch* b = nullptr;
};

std::optional<target> from_value(const crdt::value& v) {
  if (!v.is_type()) return std::nullopt;
  switch (v.kind()) {
    case crdt::type_kind::map: return target{v.kind(), v.as_map().impl()};
    case crdt::type_kind::array: return target{v.kind(), v.as_array().impl()};
    case crdt::type_kind::text: return target{v.kind(), v.as_text().impl()};
    case crdt::type_kind::xml_element: return target{v.kind(), v.as_xml_element().impl()};
    case crdt::type_kind::xml_fragment: return target{v.kind(), v.as_xml_fragment().impl()};
    case crdt::type_kind::xml_text: return target{v.kind(), v.as_xml_text().impl()};
    default: return std::nullopt;
  }
}

std::optional<target> resolve(crdt::doc& d, const roots_t& roots, const json::array& path) {
  const std::string root(path.at(0).as_string());
  target t;
  for (const auto& [name, kind] : roots) {
    if (name != root) continue;
    if (kind == "text") t = {crdt::type_kind::text, d.get_text(name).impl()};
    else if (kind == "map") t = {crdt::type_kind::map, d.get_map(name).impl()};
    else if (kind == "array") t = {crdt::type_kind::array, d.get_array(name).impl()};
    else if (kind == "xml") t = {crdt::type_kind::xml_fragment, d.get_xml_fragment(name).impl()};
  }
  if (t.b == nullptr) return std::nullopt;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const auto& step = path[i];
    std::optional<crdt::value> v;
    if (step.is_string()) {
      if (t.kind != crdt::type_kind::map) return std::nullopt;
      v = crdt::map_ref(t.b).get(std::string_view(step.as_string()));
    } else {
      const auto idx = static_cast<std::size_t>(step.to_number<std::int64_t>());
      if (t.kind == crdt::type_kind::array) {
        crdt::array_ref a(t.b);
        if (idx >= a.size()) return std::nullopt;
        v = a.get(idx);
      } else if (t.kind == crdt::type_kind::xml_fragment || t.kind == crdt::type_kind::xml_element) {
        crdt::xml_fragment_ref x(t.b);
        if (idx >= x.size()) return std::nullopt;
        v = x.get(idx);
      } else {
        return std::nullopt;
      }
    }
    if (!v) return std::nullopt;
    auto next = from_value(*v);
    if (!next) return std::nullopt;
    t = *next;
  }
  return t;
}

std::size_t num(const json::object& op, const char* k) { return static_cast<std::size_t>(op.at(k).to_number<std::int64_t>()); }
std::string str(const json::object& op, const char* k) { return std::string(op.at(k).as_string()); }
}  // namespace

std::optional<std::string> apply_op(crdt::doc& d, const roots_t& roots, crdt::transaction& txn, const json::object& op) {
  const std::string o = str(op, "o");
  auto t = resolve(d, roots, op.at("p").as_array());
  if (!t) return "op " + o + ": target " + json::serialize(op.at("p")) + " not found";
  const bool texty = t->kind == crdt::type_kind::text || t->kind == crdt::type_kind::xml_text;
  const bool xmly = t->kind == crdt::type_kind::xml_fragment || t->kind == crdt::type_kind::xml_element;
  if (o[0] == 'm' && t->kind != crdt::type_kind::map) return "op " + o + ": target is not a map";
  if (o[0] == 'a' && t->kind != crdt::type_kind::array) return "op " + o + ": target is not an array";
  if (o[0] == 't' && !texty) return "op " + o + ": target is not a text";
  if (o[0] == 'x' && !xmly) return "op " + o + ": target is not xml";
  if (o == "mset") crdt::map_ref(t->b).set(txn, str(op, "k"), any_from_json(op.at("v")));
  else if (o == "mnew") {
    crdt::map_ref m(t->b);
    const std::string k = str(op, "k"), kind = str(op, "kind");
    if (kind == "map") (void)m.set_map(txn, k);
    else if (kind == "array") (void)m.set_array(txn, k);
    else if (kind == "text") (void)m.set_text(txn, k);
    else (void)m.set_xml_fragment(txn, k);
  } else if (o == "mdel") crdt::map_ref(t->b).remove(txn, str(op, "k"));
  else if (o == "ains") {
    std::vector<crdt::any> vals;
    for (const auto& v : op.at("v").as_array()) vals.push_back(any_from_json(v));
    crdt::array_ref(t->b).insert(txn, num(op, "i"), std::move(vals));
  } else if (o == "anew") {
    crdt::array_ref a(t->b);
    const std::string kind = str(op, "kind");
    if (kind == "map") (void)a.insert_map(txn, num(op, "i"));
    else if (kind == "array") (void)a.insert_array(txn, num(op, "i"));
    else (void)a.insert_text(txn, num(op, "i"));
  } else if (o == "adel") crdt::array_ref(t->b).remove(txn, num(op, "i"), num(op, "n"));
  else if (o == "tins") crdt::text_ref(t->b).insert(txn, num(op, "i"), str(op, "s"), attrs_from(op, "a"));
  else if (o == "temb") crdt::text_ref(t->b).insert_embed(txn, num(op, "i"), any_from_json(op.at("e")), attrs_from(op, "a"));
  else if (o == "tdel") crdt::text_ref(t->b).remove(txn, num(op, "i"), num(op, "n"));
  else if (o == "tfmt") crdt::text_ref(t->b).format(txn, num(op, "i"), num(op, "n"), attrs_from(op, "a"));
  else if (o == "xel") (void)crdt::xml_fragment_ref(t->b).insert_element(txn, num(op, "i"), str(op, "name"));
  else if (o == "xtx") (void)crdt::xml_fragment_ref(t->b).insert_text(txn, num(op, "i"));
  else if (o == "xdel") crdt::xml_fragment_ref(t->b).remove(txn, num(op, "i"), num(op, "n"));
  else if (o == "xset") {
    if (t->kind != crdt::type_kind::xml_element) return "op xset: target is not an element";
    crdt::xml_element_ref(t->b).set_attribute(txn, str(op, "k"), any_from_json(op.at("v")));
  } else if (o == "xrm") {
    if (t->kind != crdt::type_kind::xml_element) return "op xrm: target is not an element";
    crdt::xml_element_ref(t->b).remove_attribute(txn, str(op, "k"));
  } else return "unknown op " + o;
  return std::nullopt;
}

scenario_result run_scenario(const json::object& sc) {
  scenario_result res;
  auto& failures = res.failures;
  const roots_t roots = roots_from(sc.at("roots"));
  const bool gc = sc.at("gc").as_bool();
  const auto& clients = sc.at("clients").as_array();
  const auto& events = sc.at("events").as_array();
  const auto& expect = sc.at("expect").as_array();
  std::vector<bytes> yjs_updates;
  for (const auto& u : sc.at("updates").as_array()) yjs_updates.push_back(from_hex(u.as_string()));
  res.updates_hex.resize(yjs_updates.size());
  const std::size_t n = clients.size();

  if (const auto* m = sc.if_contains("merged")) {
    guarded(failures, "merge_updates", [&] {
      std::vector<bytes_view> views(yjs_updates.begin(), yjs_updates.end());
      auto r = crdt::merge_updates(views);
      if (!r) failures.push_back("merge_updates of all updates failed: " + r.error().to_string());
      else if (to_hex(*r) != m->as_string()) failures.push_back("merge_updates of all updates differs from yjs's, " + first_diff(to_hex(*r), std::string(m->as_string())));
    });
  }

  // Receiver mode: doc i gets, as remote updates, exactly what yjs observer i got.
  for (std::size_t i = 0; i < n; ++i) {
    const std::string who = "receiver " + std::to_string(i);
    guarded(failures, who, [&] {
      crdt::doc d(crdt::doc_options{.client_id = 0xffffffffULL - i, .gc = gc});
      for (const auto& ev : events) {
        const auto& e = ev.as_object();
        if (static_cast<std::size_t>(e.at("c").to_number<std::int64_t>()) != i) continue;
        const auto u = e.at("u").to_number<std::int64_t>();
        if (u < 0) continue;
        auto r = d.apply_update(yjs_updates[static_cast<std::size_t>(u)]);
        if (!r) {
          failures.push_back(who + ": yjs update " + std::to_string(u) + " rejected: " + r.error().to_string());
          return;
        }
        d.check_invariants();
      }
      compare_doc(d, roots, expect[i].as_object().at("observer").as_object(), who, failures);
    });
  }

  // Editor mode: doc i has client i's id, replays its ops through the editing API and
  // receives the C++-written updates of the others in the same order.
  std::vector<std::unique_ptr<crdt::doc>> docs;
  for (std::size_t i = 0; i < n; ++i)
    docs.push_back(std::make_unique<crdt::doc>(crdt::doc_options{.client_id = clients[i].to_number<std::uint64_t>(), .gc = gc}));
  std::vector<bool> broken(n, false);
  for (std::size_t k = 0; k < events.size(); ++k) {
    const auto& e = events[k].as_object();
    const auto c = static_cast<std::size_t>(e.at("c").to_number<std::int64_t>());
    const auto u = e.at("u").to_number<std::int64_t>();
    if (broken[c]) continue;
    const std::string who = "editor " + std::to_string(c) + " event " + std::to_string(k);
    crdt::doc& d = *docs[c];
    if (e.at("t").as_string() == "local") {
      // diff_scenarios.mjs types every root before each local transaction (and not before):
      // yjs behaves differently for remote changes to a root that is still untyped.
      for (const auto& [name, kind] : roots) type_root(d, name, kind);
      std::optional<bytes> got;
      bool capturing = true;
      const auto h = d.on_update([&](bytes_view b, const void*) {
        if (capturing) got = bytes(b.begin(), b.end());
      });
      guarded(failures, who, [&] {
        d.transact([&](crdt::transaction& txn) {
          for (const auto& op : e.at("ops").as_array()) {
            if (auto err = apply_op(d, roots, txn, op.as_object())) {
              failures.push_back(who + ": " + *err);
              broken[c] = true;
              return;
            }
          }
        });
        d.check_invariants();
      });
      capturing = false;
      d.off_update(h);
      if (u < 0) {
        if (got) failures.push_back(who + ": C++ wrote an update where yjs wrote none: " + clip(to_hex(*got), 200));
      } else if (!got) {
        failures.push_back(who + ": C++ wrote no update for yjs update " + std::to_string(u));
      } else {
        const std::string g = to_hex(*got);
        const std::string w(sc.at("updates").as_array()[static_cast<std::size_t>(u)].as_string());
        if (g != w) failures.push_back(who + ": update " + std::to_string(u) + " differs from yjs's, " + first_diff(g, w) + ": got " + clip(g, 200) + " want " + clip(w, 200));
        res.updates_hex[static_cast<std::size_t>(u)] = g;
      }
    } else {
      const auto& mine = res.updates_hex[static_cast<std::size_t>(u)];
      const bytes b = mine ? from_hex(*mine) : yjs_updates[static_cast<std::size_t>(u)];
      guarded(failures, who, [&] {
        auto r = d.apply_update(b);
        if (!r) failures.push_back(who + ": update " + std::to_string(u) + " rejected: " + r.error().to_string());
        d.check_invariants();
      });
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!broken[i]) compare_doc(*docs[i], roots, expect[i].as_object().at("local").as_object(), "editor " + std::to_string(i), failures);
  return res;
}

}  // namespace tandem::conformance
