// doc_engine backed by tandem_crdt: validates and integrates updates, answers step1 with
// one diff update, merges the state for snapshots.
#include <tandem/crdt/crdt.hpp>

#include "tandem/server/doc_engine.hpp"

namespace tandem::server {
namespace {

crdt::bytes_view view(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
std::string to_string(const crdt::bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

class crdt_engine final : public doc_engine {
 public:
  result<std::string> apply_update(std::string_view update) override {
    std::string changed;
    const auto id = doc_.on_update([&](crdt::bytes_view u, const void*) { changed.append(reinterpret_cast<const char*>(u.data()), u.size()); });
    auto r = doc_.apply_update(view(update));
    doc_.off_update(id);
    if (!r) return error{r.error().message, r.error().offset};
    return changed;
  }
  std::string state_vector() const override { return to_string(doc_.encode_state_vector()); }
  result<std::vector<std::string>> updates_since(std::string_view sv) const override {
    if (!sv.empty()) {
      auto d = crdt::decode_state_vector(view(sv));
      if (!d) return error{d.error().message, d.error().offset};
    }
    return std::vector<std::string>{to_string(doc_.encode_state_as_update(view(sv)))};
  }
  std::optional<std::string> full_state() const override { return to_string(doc_.encode_state_as_update()); }
  bool has_pending() const override { return doc_.has_pending(); }
  std::optional<std::string> to_json() const override { return doc_.to_json(); }
  std::optional<std::string> merge(const std::vector<std::string_view>& updates) const override {
    std::vector<crdt::bytes_view> views;
    views.reserve(updates.size());
    for (auto u : updates) views.push_back(view(u));
    auto r = crdt::merge_updates(views);
    if (!r) return std::nullopt;
    return to_string(r.value());
  }
  const char* name() const override { return "crdt"; }

 private:
  crdt::doc doc_;
};

}  // namespace

std::unique_ptr<doc_engine> make_doc_engine() { return std::make_unique<crdt_engine>(); }

}  // namespace tandem::server
