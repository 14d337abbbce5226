// doc_store over tandem_storage (LMDB, group commit).
#include <tandem/storage/store.hpp>

#include "tandem/server/doc_store.hpp"

namespace tandem::server {
namespace {

std::string to_string(const storage::bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

class lmdb_store final : public doc_store {
 public:
  explicit lmdb_store(std::unique_ptr<storage::store> s) : s_(std::move(s)) {}

  result<loaded_doc> load(const std::string& doc) override {
    auto r = s_->load(doc);
    if (!r) return error{r.err().message};
    loaded_doc out;
    if (!r->found) return out;
    if (!r->snapshot.empty()) out.updates.push_back(to_string(r->snapshot));
    for (auto& e : r->log) out.updates.push_back(to_string(e.data));
    out.last_seq = r->info.last_seq;
    out.log_count = r->log.size();
    return out;
  }

  void append(const std::string& doc, std::string update, durable_fn on_durable) override {
    storage::bytes b(update.begin(), update.end());
    s_->append(doc, std::move(b), [fn = std::move(on_durable)](storage::result<storage::seq_t> r) {
      if (r) fn(std::uint64_t{r.value()});
      else fn(error{r.err().message});
    });
  }

  status compact(const std::string& doc, const std::string& snapshot, std::uint64_t up_to) override {
    auto r = s_->compact(doc, storage::bytes_view(reinterpret_cast<const std::uint8_t*>(snapshot.data()), snapshot.size()), up_to);
    if (!r) return error{r.err().message};
    return ok();
  }

  void flush() override { s_->flush(); }
  const char* name() const override { return "lmdb"; }
  storage::store& raw() { return *s_; }

 private:
  std::unique_ptr<storage::store> s_;
};

}  // namespace

// The tandem_storage store behind a doc_store, for the domain services (null if another kind).
storage::store* raw_storage(doc_store& s) {
  auto* l = dynamic_cast<lmdb_store*>(&s);
  return l ? &l->raw() : nullptr;
}

result<std::unique_ptr<doc_store>> open_data_store(const std::string& data_dir, bool relaxed) {
  storage::options o;
  o.dir = data_dir;
  o.mode = relaxed ? storage::durability::relaxed : storage::durability::full;
  auto s = storage::store::open(o);
  if (!s) return error{s.err().message};
  return std::unique_ptr<doc_store>(std::make_unique<lmdb_store>(std::move(s.value())));
}

}  // namespace tandem::server
