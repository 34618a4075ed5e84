// Times ClipGen on the bench work items, either through the engine API in-process or over HTTP
// against a running clipgend; bench/bench.py runs it beside magentajs_bench.js.
//
//   clipgen_bench engine --models DIR --inputs FILE --kind melody|drums --work w1,w2 --out FILE
//                        [--reps N] [--budget-ms MS] [--threads N] [--runtime auto|torchscript]
//   clipgen_bench http   --url http://127.0.0.1:PORT (same options, no --models/--threads)
//                        [--gap-ms MS]   (idle time before each request: spaced clicks)
//   clipgen_bench load   --url ... --inputs FILE --kind K --work W --concurrency C
//                        --duration-ms MS --out FILE        (requests per second)
//   clipgen_bench open   --models DIR --out FILE [--runtime auto|torchscript]
//                        (Engine::open without, then with warm-up)
//   clipgen_bench peak   --out FILE   (GFLOP/s of the native runtime's product on one core, ns
//                        per sigmoid / tanh in L1, and one core's read bandwidth by working-set
//                        size: the rates of bench/physical.py's limit)
//
// Work items: sampleN (Generate, N variations), interpolateN (N clips), continueS (4 variations
// of S steps = S/16 bars), grooveB / drumifyB (the B-bar clip of the inputs file). Output:
// {"side", "results": {work: [ms, ...]}} with warm-up runs left out.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clipgen/engine/engine.h"
#include "clipgen/engine/requests.h"
#include "native/kernels.h"  // engine/src: the peak mode times the runtime's own product

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace eng = clipgen::engine;

constexpr int kContinueVariations = 4;
constexpr int kStepsPerBar = 16;

struct Args {
  std::string mode;
  std::map<std::string, std::string> named;
  std::string get(const std::string& k, const std::string& fallback = "") const {
    auto it = named.find(k);
    return it == named.end() ? fallback : it->second;
  }
};

std::optional<Args> parse_args(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) return std::nullopt;
    s = s.substr(2);
    if (auto eq = s.find('='); eq != std::string::npos) {
      a.named[s.substr(0, eq)] = s.substr(eq + 1);
    } else if (i + 1 < argc) {
      a.named[s] = argv[++i];
    } else {
      a.named[s] = "1";  // a bare flag (--quick)
    }
  }
  return a;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct Work {
  eng::Tool tool;
  json body;
};

// The request body of one work item (the same JSON clipgend receives).
std::optional<Work> make_work(const std::string& name, const json& inputs, const std::string& kind,
                              std::uint64_t seed) {
  static const std::regex re("([a-z]+)([0-9]+)");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return std::nullopt;
  const std::string what = m[1];
  const int n = std::stoi(m[2]);
  json body = {{"temperature", 1.0}, {"seed", seed}};
  if (what == "sample") {
    body["kind"] = kind;
    body["variations"] = n;
    return Work{eng::Tool::kGenerate, body};
  }
  if (what == "interpolate") {
    body["kind"] = kind;
    body["a"] = inputs.at("a");
    body["b"] = inputs.at("b");
    body["steps"] = n;
    return Work{eng::Tool::kInterpolate, body};
  }
  if (what == "continue") {
    body["kind"] = kind;
    body["input"] = inputs.at("primer");
    body["variations"] = kContinueVariations;
    body["length"] = n / kStepsPerBar;
    return Work{eng::Tool::kContinue, body};
  }
  if (what == "groove" || what == "drumify") {
    body["input"] = inputs.at(name);
    if (what == "drumify") {
      body["variations"] = 1;
      return Work{eng::Tool::kDrumify, body};
    }
    return Work{eng::Tool::kGroove, body};
  }
  return std::nullopt;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// `warmup` untimed calls, then up to `reps` timed calls (at least min(3, reps)) within
// `budget_ms`. `call(seed)` returns its own duration in ms.
template <typename F>
std::vector<double> time_calls(F&& call, int warmup, int reps, double budget_ms) {
  for (int i = 0; i < warmup; ++i) call(static_cast<std::uint64_t>(i));
  std::vector<double> ms;
  const auto start = Clock::now();
  const size_t least = static_cast<size_t>(std::min(3, reps));
  while (static_cast<int>(ms.size()) < reps && (ms.size() < least || ms_since(start) < budget_ms)) {
    ms.push_back(call(static_cast<std::uint64_t>(ms.size() + 100)));
  }
  return ms;
}

struct Timing {
  int warmup;
  int reps;
  double budget_ms;
};

Timing timing(const Args& a) {
  return {std::stoi(a.get("warmup", "2")), std::stoi(a.get("reps", "20")),
          std::stod(a.get("budget-ms", "4000"))};
}

[[noreturn]] void fail(const std::string& what) {
  std::cerr << "clipgen_bench: " << what << "\n";
  std::exit(1);
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("cannot read " + path);
  return json::parse(in);
}

void write_json(const std::string& path, const json& j) {
  if (path.empty() || path == "-") {
    std::cout << j.dump() << "\n";
    return;
  }
  std::ofstream out(path);
  out << j.dump() << "\n";
  if (!out) fail("cannot write " + path);
}

int run_engine(const Args& a, const json& inputs) {
  eng::prepare_process_environment();
  eng::EngineOptions opt;
  opt.models_dir = a.get("models");
  opt.device = "cpu";
  opt.threads = std::stoi(a.get("threads", "0"));
  opt.runtime = a.get("runtime", "auto");
  opt.native_threads = std::stoi(a.get("native-threads", "0"));
  auto opened = eng::Engine::open(opt);
  if (!opened) fail(opened.error().message);
  const auto& engine = *opened.value();
  json models = json::array();
  for (const auto& m : engine.models()) {
    if (m.status != "ready") fail("model " + m.path + " did not load: " + m.reason);
    models.push_back(
        {{"id", m.id}, {"path", m.path}, {"bytes", m.size_bytes}, {"runtime", m.runtime}});
  }
  json results = json::object();
  const std::string kind = a.get("kind", "melody");
  for (const auto& w : split(a.get("work"))) {
    auto call = [&](std::uint64_t seed) {
      auto work = make_work(w, inputs, kind, seed);
      if (!work) fail("unknown work item " + w);
      auto req = eng::parse_request(work->tool, work->body);
      if (!req) fail(w + ": " + req.error().message);
      const auto t0 = Clock::now();
      auto r = engine.run(req.value());
      const double ms = ms_since(t0);
      if (!r) fail(w + ": " + r.error().message);
      return ms;
    };
    const Timing t = timing(a);
    results[w] = time_calls(call, t.warmup, t.reps, t.budget_ms);
  }
  write_json(a.get("out"), {{"side", "engine"},
                            {"threads", engine.threads()},
                            {"nativeThreads", engine.native_threads()},
                            {"torch", eng::Engine::torch_version()},
                            {"models", models},
                            {"results", results}});
  return 0;
}

int run_open(const Args& a) {
  eng::prepare_process_environment();
  json out = {{"side", "open"}};
  for (bool warm : {false, true}) {
    eng::EngineOptions opt;
    opt.models_dir = a.get("models");
    opt.device = "cpu";
    opt.warm_up = warm;
    opt.runtime = a.get("runtime", "auto");
    opt.native_threads = std::stoi(a.get("native-threads", "0"));
    const auto t0 = Clock::now();
    auto opened = eng::Engine::open(opt);
    const double ms = ms_since(t0);
    if (!opened) fail(opened.error().message);
    out[warm ? "openWarmMs" : "openMs"] = ms;
  }
  write_json(a.get("out"), out);
  return 0;
}

struct Target {
  std::string host;
  int port = 0;
};

Target parse_url(const std::string& url) {
  static const std::regex re("http://([^:/]+):([0-9]+)/?");
  std::smatch m;
  if (!std::regex_match(url, m, re)) fail("--url must look like http://127.0.0.1:7311");
  return {m[1], std::stoi(m[2])};
}

std::string post(httplib::Client& cli, eng::Tool tool, const std::string& body) {
  const std::string route = "/v1/" + std::string(eng::tool_name(tool));
  auto res = cli.Post(route.c_str(), body, "application/json");
  if (!res) fail(route + ": no response (" + httplib::to_string(res.error()) + ")");
  if (res->status != 200) fail(route + ": HTTP " + std::to_string(res->status) + " " + res->body);
  return res->body;
}

int run_http(const Args& a, const json& inputs) {
  const Target t = parse_url(a.get("url"));
  httplib::Client cli(t.host, t.port);
  cli.set_read_timeout(600, 0);
  json results = json::object();
  const std::string kind = a.get("kind", "melody");
  // Idle time before each request, as between a musician's clicks (the budget grows by it).
  const double gap_ms = std::stod(a.get("gap-ms", "0"));
  for (const auto& w : split(a.get("work"))) {
    // The body is serialised before the clock starts: the client's JSON is not the daemon's cost.
    auto call = [&](std::uint64_t seed) {
      auto work = make_work(w, inputs, kind, seed);
      if (!work) fail("unknown work item " + w);
      const std::string body = work->body.dump();
      if (gap_ms > 0)
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(gap_ms));
      const auto t0 = Clock::now();
      post(cli, work->tool, body);
      return ms_since(t0);
    };
    const Timing tm = timing(a);
    results[w] = time_calls(call, tm.warmup, tm.reps, tm.budget_ms + tm.reps * gap_ms);
  }
  write_json(a.get("out"), {{"side", "http"}, {"results", results}});
  return 0;
}

int run_load(const Args& a, const json& inputs) {
  const Target t = parse_url(a.get("url"));
  const int clients = std::stoi(a.get("concurrency", "4"));
  const double duration = std::stod(a.get("duration-ms", "3000"));
  const std::string w = a.get("work");
  auto work = make_work(w, inputs, a.get("kind", "melody"), 1);
  if (!work) fail("unknown work item " + w);
  const std::string body = work->body.dump();
  {
    httplib::Client warm(t.host, t.port);
    post(warm, work->tool, body);
  }
  std::atomic<long> done{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client cli(t.host, t.port);
      cli.set_read_timeout(600, 0);
      while (ms_since(start) < duration) {
        post(cli, work->tool, body);
        ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double elapsed = ms_since(start);
  write_json(a.get("out"), {{"side", "load"},
                            {"work", w},
                            {"concurrency", clients},
                            {"requests", done.load()},
                            {"elapsedMs", elapsed},
                            {"requestsPerSecond", double(done.load()) * 1000.0 / elapsed}});
  return 0;
}

}  // namespace

// The best of 5 half-second runs of a sampling-step product whose weight stays in L2
// ([4,192] x [192,768]: the shipped melody decoder's step): what one core sustains on this work.
double peak_gflops() {
  const int m = 4, k = 192, n = 768;
  std::vector<float> x(m * k, 0.5f), w(static_cast<size_t>(k) * n, 0.25f), out(m * n, 0.0f);
  double best = 0.0;
  for (int trial = 0; trial < 5; ++trial) {
    int calls = 0;
    const auto t0 = Clock::now();
    while (ms_since(t0) < 500.0) {
      for (int i = 0; i < 100; ++i) {
        clipgen::engine::native::gemm_acc(m, n, k, x.data(), k, w.data(), n, out.data(), n);
      }
      calls += 100;
    }
    best = std::max(best, 2.0 * m * n * k * calls / (ms_since(t0) * 1e6));
  }
  return best;
}

// ns per element of an activation kernel over 4096 floats in L1 (best of 5 runs of 200 ms):
// the rate the physical limit's activation floor charges each sigmoid, tanh or exponential.
template <class F>
double activation_ns(F kernel) {
  const int n = 4096;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) x[i] = 0.01f * static_cast<float>(i % 1000) - 5.0f;
  double best = 1e30;
  for (int trial = 0; trial < 5; ++trial) {
    long calls = 0;
    const auto t0 = Clock::now();
    while (ms_since(t0) < 200.0) {
      for (int i = 0; i < 100; ++i) kernel(n, x.data(), y.data());
      calls += 100;
    }
    best = std::min(best, ms_since(t0) * 1e6 / (static_cast<double>(calls) * n));
  }
  return best;
}

// Sums n floats (a multiple of 128) with 8 independent 16-lane accumulators: nothing but loads
// and adds, so it runs at the read bandwidth of wherever the buffer lives. One clone per ISA, as
// the runtime's kernels.
typedef float bench_v16 __attribute__((vector_size(64)));
__attribute__((target_clones("avx512f", "avx2", "default"))) float read_all(const float* p,
                                                                            long n) {
  bench_v16 acc[8] = {};
  for (long i = 0; i < n; i += 128) {
    for (int a = 0; a < 8; ++a) {
      bench_v16 v;
      std::memcpy(&v, p + i + 16 * a, sizeof v);
      acc[a] += v;
    }
  }
  for (int a = 1; a < 8; ++a) acc[0] += acc[a];
  float s = 0.0f;
  for (int l = 0; l < 16; ++l) s += acc[0][l];
  return s;
}

// One core's read bandwidth (bytes/s) for working sets from 16 KiB to 64 MiB, 1.25x apart: the
// best of 3 runs of >= 30 ms that read the same buffer over and over, as a decoder re-reads its
// step's weights. The physical limit charges a pass's bytes at the rate of the largest size here
// not above its working set: a cache level's rate where the weights fit in it.
json read_bandwidth_ladder() {
  json ladder = json::array();
  const long max_bytes = 64L << 20;
  std::vector<float> buf(max_bytes / sizeof(float) + 32, 1.0f);
  float* p = buf.data() + (16 - reinterpret_cast<uintptr_t>(buf.data()) / sizeof(float) % 16) % 16;
  volatile float sink = 0.0f;  // keeps the sums
  for (double size = 16 << 10; size <= max_bytes; size *= 1.25) {
    const long n = static_cast<long>(size) / sizeof(float) / 128 * 128;
    double best = 0.0;
    for (int trial = 0; trial < 3; ++trial) {
      long passes = 0;
      const auto t0 = Clock::now();
      while (ms_since(t0) < 30.0) {
        sink = sink + read_all(p, n);
        ++passes;
      }
      best =
          std::max(best, static_cast<double>(passes) * n * sizeof(float) / (ms_since(t0) * 1e-3));
    }
    ladder.push_back({{"bytes", n * static_cast<long>(sizeof(float))}, {"bytesPerSecond", best}});
  }
  return ladder;
}

int run_peak(const Args& a) {
  namespace native = clipgen::engine::native;
  const double gflops = peak_gflops();
  const double sigmoid = activation_ns(native::sigmoid_rows);
  const double tanh = activation_ns(native::tanh_rows);
  write_json(a.get("out"), {{"side", "peak"},
                            {"gflops", gflops},
                            {"shape", {4, 192, 768}},
                            {"sigmoidNs", sigmoid},
                            {"tanhNs", tanh},
                            {"activationNs", std::min(sigmoid, tanh)},
                            {"readBandwidth", read_bandwidth_ladder()}});
  return 0;
}

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args || (args->mode != "engine" && args->mode != "http" && args->mode != "load" &&
                args->mode != "open" && args->mode != "peak")) {
    std::cerr << "usage: clipgen_bench engine|http|load|open|peak [--models DIR | --url URL] "
                 "--inputs FILE "
                 "--kind melody|drums --work w1,w2 [--reps N] [--budget-ms MS] [--threads N] "
                 "[--native-threads 1|2] "
                 "[--concurrency C --duration-ms MS] [--out FILE]\n";
    return 2;
  }
  if (args->mode == "open") return run_open(*args);
  if (args->mode == "peak") return run_peak(*args);
  const json inputs = read_json(args->get("inputs"));
  if (args->mode == "engine") return run_engine(*args, inputs);
  if (args->mode == "http") return run_http(*args, inputs);
  return run_load(*args, inputs);
}
