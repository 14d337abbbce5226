// Export benchmark: boards of 1,000 and 10,000 mixed strokes and shapes (PDF and PNG) and
// a 50-goal plan; prints the median time and output size of each, against the targets
// (10k board <= 300 ms, 50-goal plan <= 50 ms). No peer exports PDF, so no ratios.
// Usage: tandem_bench_render [--runs N] [--append RESULTS.md] [--dump board10k.pdf] [--only CASE-SUBSTRING]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <vector>
#include <unistd.h>
#include <cstdlib>

#include "tandem/render/render.hpp"

using namespace tandem::render;

namespace {

uint64_t rng_state = 0x9e3779b97f4a7c15ull;
double rnd() {  // xorshift64*, fixed seed: the same boards every run
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return double((rng_state * 2685821657736338717ull) >> 11) / double(1ull << 53);
}

board_model make_board(int n) {
  board_model b;
  b.title = "Bench board " + std::to_string(n);
  const element_kind kinds[] = {element_kind::stroke, element_kind::stroke, element_kind::stroke, element_kind::rect,
                                element_kind::ellipse, element_kind::diamond, element_kind::arrow, element_kind::sticky};
  const char* colors[] = {"#1e1e1e", "#e03131", "#1971c2", "#2f9e44", "#f08c00"};
  const int side = int(std::ceil(std::sqrt(double(n))));
  for (int i = 0; i < n; i++) {
    board_element e;
    e.id = "e" + std::to_string(i);
    e.kind = kinds[i % 8];
    e.x = (i % side) * 120 + rnd() * 20;
    e.y = (i / side) * 120 + rnd() * 20;
    e.w = 60 + rnd() * 40;
    e.h = 40 + rnd() * 40;
    char idx[16];
    std::snprintf(idx, sizeof idx, "a%07d", i);
    e.index = idx;
    e.stroke = colors[i % 5];
    e.stroke_width = 2 + (i % 4);
    if (e.kind == element_kind::rect || e.kind == element_kind::ellipse) e.fill = i % 3 ? "none" : "#a5d8ff";
    if (e.kind == element_kind::stroke) {
      const int pts = 20 + i % 40;  // a typical pen stroke: tens of samples
      double x = 0, y = 0;
      for (int k = 0; k < pts; k++) {
        x += 2 + rnd() * 4;
        y += rnd() * 6 - 3;
        e.points.insert(e.points.end(), {x, y, 0.5});
      }
    }
    if (e.kind == element_kind::arrow) e.points = {0, 0, e.w, e.h};
    if (e.kind == element_kind::sticky) e.text = rich_from_plain("Note " + std::to_string(i) + " with a few words");
    b.elements.push_back(std::move(e));
  }
  return b;
}

plan_model make_plan(int goals) {
  plan_model p;
  p.title = "Bench plan";
  p.mentor = "Mentor Name";
  p.mentee = "Mentee Name";
  for (int i = 0; i < goals; i++) {
    goal g;
    g.id = "g" + std::to_string(i);
    g.title = "Goal number " + std::to_string(i + 1) + ": improve a skill";
    g.status = static_cast<goal_status>(i % 4);
    g.owner = i % 2 ? goal_owner::mentor : goal_owner::mentee;
    g.due = "2026-06-30";
    g.progress = i * 2;
    rich_run a{"A description with "}, bold{"bold"}, c{" text that runs long enough to wrap onto a second line of the page."};
    bold.bold = true;
    g.description = {paragraph{{a, bold, c}}};
    for (int m = 0; m < 3; m++) {
      milestone ms;
      ms.title = "Milestone " + std::to_string(m + 1);
      ms.done = m == 0;
      g.milestones.push_back(ms);
    }
    p.goals.push_back(std::move(g));
  }
  p.notes = rich_from_plain("Notes paragraph one.\nNotes paragraph two.");
  return p;
}

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct measurement {
  double median_ms;
  double median_cpu_ms;  // this thread's CPU time: less noisy on a shared machine
  size_t bytes;
  int pages;
};

template <class F>
measurement measure(int runs, F&& fn) {
  std::vector<double> ms, cpu;
  size_t bytes = 0;
  int pages = 0;
  for (int r = 0; r < runs; r++) {
    const double c0 = cpu_ms();
    auto t0 = std::chrono::steady_clock::now();
    auto out = fn();
    auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(cpu_ms() - c0);
    if (!out.ok()) {
      std::fprintf(stderr, "error: %s\n", out.err().message.c_str());
      std::exit(1);
    }
    bytes = out->bytes.size();
    pages = out->pages;
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  return {ms[ms.size() / 2], cpu[cpu.size() / 2], bytes, pages};
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  std::string append, dump, only;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--append") && i + 1 < argc) append = argv[++i];
    else if (!std::strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
  }
  export_options pdf;
  pdf.create_date = "2026-01-01T00:00:00Z";
  export_options png = pdf;
  png.format = output_format::png;
  png.png_width = 800;

  const board_model b1k = make_board(1000), b10k = make_board(10000);
  const plan_model p50 = make_plan(50);
  if (!dump.empty()) {  // the 10k board's PDF, for inspecting what the bench measures
    auto out = render_board(b10k, pdf);
    if (!out.ok()) return 1;
    std::ofstream(dump, std::ios::binary).write(reinterpret_cast<const char*>(out->bytes.data()),
                                                static_cast<std::streamsize>(out->bytes.size()));
  }
  // Warm-up: fontconfig and font loading happen once per process, not per export.
  (void)render_plan(p50, pdf);
  struct row {
    std::string name;
    measurement m;
    double target;  // ms; 0 = none
  };
  struct bench_case {
    std::string name;
    std::function<result<export_output>()> fn;
    double target;
  };
  const std::vector<bench_case> cases{
      {"board 1k elements, PDF", [&] { return render_board(b1k, pdf); }, 0},
      {"board 10k elements, PDF", [&] { return render_board(b10k, pdf); }, 300},
      {"board 10k elements, PNG 800 px", [&] { return render_board(b10k, png); }, 0},
      {"plan 50 goals, PDF", [&] { return render_plan(p50, pdf); }, 50},
  };
  std::vector<row> rows;
  for (const auto& c : cases)
    if (only.empty() || c.name.find(only) != std::string::npos) rows.push_back({c.name, measure(runs, c.fn), c.target});
  char host[256] = "?";
  gethostname(host, sizeof host);
  std::string table =
      "| case | median wall ms | median CPU ms | bytes | pages | target | within (CPU) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    char line[256];
    std::snprintf(line, sizeof line, "| %s | %.1f | %.1f | %zu | %d | %s | %s |\n", r.name.c_str(), r.m.median_ms,
                  r.m.median_cpu_ms, r.m.bytes, r.m.pages,
                  r.target > 0 ? (std::to_string(int(r.target)) + " ms").c_str() : "-",
                  r.target > 0 ? (r.m.median_cpu_ms <= r.target ? "yes" : "NO") : "-");
    table += line;
  }
  std::printf("%s", table.c_str());
  if (!append.empty()) {
    std::time_t t = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    std::ofstream f(append, std::ios::app);
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    char loadbuf[64];
    std::snprintf(loadbuf, sizeof loadbuf, "%.1f", load[0]);
    f << "\n### " << date << " — host " << host << ", " << cores << " cores (load average " << loadbuf
      << " while measuring), Release build, median of " << runs << " runs\n\n"
      << table;
  }
  return 0;
}
