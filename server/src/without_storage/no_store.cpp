// Fallback for builds without tandem_storage: documents live in memory only and are lost
// on exit. The serve command warns loudly when this is in use.
#include "tandem/server/doc_store.hpp"

namespace tandem::server {

result<std::unique_ptr<doc_store>> open_data_store(const std::string& /*data_dir*/, bool /*relaxed*/) { return make_memory_store(); }

}  // namespace tandem::server
