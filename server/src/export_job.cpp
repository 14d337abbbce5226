// Export job: decode the state into a fresh crdt::doc and hand it to tandem_render.
#include "export_job.hpp"

#include <charconv>

#include "tandem/crdt/crdt.hpp"
#include "tandem/render/document.hpp"

namespace tandem::server {

namespace {

crdt::bytes_view as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Loads a state into a private doc; an error message on a state that does not decode.
std::optional<std::string> load(crdt::doc& d, const std::string& state) {
  if (state.empty()) return std::nullopt;
  auto r = d.apply_update(as_bytes(state));
  if (!r) return r.error().to_string();
  return std::nullopt;
}

}  // namespace

http::response run_export(const std::string& state, const std::optional<std::string>& plan_state,
                          const std::map<std::string, std::string>& query, bool png, const std::string& doc_name,
                          const render::image_fetcher& fetch_image) {
  render::export_options opt;
  opt.fetch_image = fetch_image;
  opt.format = png ? render::output_format::png : render::output_format::pdf;
  if (auto it = query.find("paper"); it != query.end()) {
    if (it->second == "a4") opt.paper = render::paper_size::a4;
    else if (it->second == "letter") opt.paper = render::paper_size::letter;
    else if (it->second == "fit") opt.paper = render::paper_size::fit;
    else return http::json_error(400, "paper must be a4, letter or fit");
  }
  if (auto it = query.find("frame"); it != query.end()) opt.frame = it->second;
  if (auto it = query.find("width"); it != query.end()) {
    int w = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), w);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || w < 16 || w > 8192)
      return http::json_error(400, "width must be a whole number of pixels from 16 to 8192");
    opt.png_width = w;
  }
  if (auto it = query.find("date"); it != query.end()) opt.create_date = it->second;

  crdt::doc doc;
  if (auto e = load(doc, state)) return http::json_error(500, "stored state of " + doc_name + " does not load: " + *e);
  render::result<render::export_output> out = [&]() -> render::result<render::export_output> {
    if (!plan_state) return render::export_document(doc, opt);
    crdt::doc plan;
    if (auto e = load(plan, *plan_state)) return render::error{"stored plan does not load: " + *e};
    return render::export_session(doc, plan, opt);
  }();
  if (!out) return http::json_error(422, out.err().message);

  http::response resp;
  resp.content_type = out.value().mime;
  resp.body.assign(out.value().bytes.begin(), out.value().bytes.end());
  std::string file = doc_name;
  for (char& c : file) if (c == '/') c = '-';
  resp.headers.emplace_back("Content-Disposition",
                            "attachment; filename=\"" + file + (png ? ".png" : ".pdf") + "\"");
  if (!out.value().warnings.empty())
    resp.headers.emplace_back("X-Tandem-Warnings", render::warnings_header_value(out.value().warnings));
  return resp;
}

result<std::vector<std::uint8_t>> render_session_pdf(const std::string& board_state, const std::string& plan_state,
                                                     const render::image_fetcher& fetch_image) {
  render::export_options opt;
  opt.format = render::output_format::pdf;
  opt.fetch_image = fetch_image;
  crdt::doc board, plan;
  if (auto e = load(board, board_state)) return error{"stored board does not load: " + *e, 0, 500};
  if (auto e = load(plan, plan_state)) return error{"stored plan does not load: " + *e, 0, 500};
  auto out = render::export_session(board, plan, opt);
  if (!out) return error{out.err().message, 0, 422};
  return std::move(out.value().bytes);
}

}  // namespace tandem::server
