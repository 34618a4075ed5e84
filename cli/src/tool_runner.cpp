#include "tool_runner.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "clipgen/engine/engine.h"
#include "clipgen/protocol/json.h"
#include "clipgen/protocol/midi.h"
#include "command.h"

namespace clipgen::cli {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<FlagSpec> common_flags() {
  return {
      {"temperature", 't', true, "T  randomness 0-2 (default 1.0)"},
      {"seed", 's', true, "N  the same seed and options give the same clips"},
      {"output", 'o', true, "PATH  .mid file, or folder for several clips"},
      {"models", 0, true, "DIR  model folder (default: $CLIPGEN_MODELS or the shipped models)"},
      {"device", 0, true, "DEV  auto, cpu, cuda, cuda:N or mps (default auto)"},
      {"threads", 0, true, "N  CPU threads per model call (default 1, measured fastest)"},
      {"json", 0, false, "also print the response JSON on stdout"},
      {"quiet", 'q', false, "no progress or summary on stderr"},
      {"help", 'h', false, "show this help"},
  };
}

std::string exe_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.parent_path().string();
}

bool ends_with_midi(const std::string& s) {
  const std::string ext = fs::path(s).extension().string();
  return ext == ".mid" || ext == ".midi" || ext == ".MID";
}

class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {}
  void line(const std::string& text) {
    if (quiet_) return;
    if (tty_) {
      std::fprintf(stderr, "\r\033[Kclipgen: %s", text.c_str());
      open_ = true;
    } else {
      std::fprintf(stderr, "clipgen: %s\n", text.c_str());
    }
    std::fflush(stderr);
  }
  void done() {
    if (open_) std::fprintf(stderr, "\r\033[K");
    open_ = false;
  }

 private:
  bool quiet_;
  bool tty_;
  bool open_ = false;
};

int usage_error(const ToolSpec& spec, const std::string& message) {
  std::fprintf(stderr, "clipgen %s: %s\nusage: clipgen %s\n(clipgen %s --help lists the options)\n",
               std::string(engine::tool_name(spec.tool)).c_str(), message.c_str(), spec.usage,
               std::string(engine::tool_name(spec.tool)).c_str());
  return kExitUsage;
}

}  // namespace

std::string with_flag_names(std::string message) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"length: ", "--bars: "},
      {"variations: ", "--variations: "},
      {"temperature: ", "--temperature: "},
      {"seed: ", "--seed: "},
      {"steps: ", "--steps: "},
      {"amount: ", "--amount: "},
      {"kind: ", "--kind: "},
  };
  for (const auto& [field, flag] : kNames) {
    const std::string f = field;
    if (message.rfind(f, 0) == 0) message.replace(0, f.size(), flag);
    for (size_t pos = message.find("; " + f); pos != std::string::npos;
         pos = message.find("; " + f, pos + 2)) {
      message.replace(pos + 2, f.size(), flag);
    }
  }
  return message;
}

Status put_number(const Args& args, const std::string& flag, const std::string& field, json& body) {
  auto v = args.get(flag);
  if (!v) return Ok{};
  const std::string& s = *v;
  size_t used = 0;
  try {
    if (s.find_first_of(".eE") == std::string::npos) {
      const long long n = std::stoll(s, &used);
      if (used == s.size()) {
        body[field] = n;
        return Ok{};
      }
    } else {
      const double d = std::stod(s, &used);
      if (used == s.size()) {
        body[field] = d;
        return Ok{};
      }
    }
  } catch (const std::exception&) {
  }
  return make_error(ErrorKind::kInvalidRequest, "--" + flag + " needs a number, got '" + s + "'");
}

void put_string(const Args& args, const std::string& flag, const std::string& field, json& body) {
  if (auto v = args.get(flag)) body[field] = *v;
}

std::string default_models_dir() {
  if (const char* env = std::getenv("CLIPGEN_MODELS"); env && *env) return env;
  const std::string dir = exe_dir();
  if (dir.empty()) return "";
  for (const fs::path& candidate : {fs::path(dir) / ".." / ".." / "models" / "shipped",
                                    fs::path(dir) / ".." / "share" / "clipgen" / "models"}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
  }
  return "";
}

std::string output_path(const std::string& out, const std::string& tool, size_t i, size_t n) {
  if (ends_with_midi(out)) {
    if (n == 1) return out;
    const fs::path p(out);
    return (p.parent_path() /
            (p.stem().string() + "-" + std::to_string(i + 1) + p.extension().string()))
        .string();
  }
  char name[64];
  std::snprintf(name, sizeof name, "%s-%02zu.mid", tool.c_str(), i + 1);
  return (fs::path(out) / name).string();
}

int run_tool(const ToolSpec& spec, const std::vector<std::string>& argv) {
  std::vector<FlagSpec> flags = spec.flags;
  for (auto& f : common_flags()) flags.push_back(std::move(f));
  const std::string name(engine::tool_name(spec.tool));
  auto parsed = parse_args(argv, flags);
  if (!parsed) return usage_error(spec, parsed.error().message);
  const Args& args = parsed.value();
  if (args.has("help")) {
    std::printf("usage: clipgen %s\n\n%s", spec.usage, flags_help(flags).c_str());
    return kExitOk;
  }
  if (args.positionals.size() != spec.inputs.size()) {
    return usage_error(spec, "expected " + std::to_string(spec.inputs.size()) + " .mid file" +
                                 (spec.inputs.size() == 1 ? "" : "s") + ", got " +
                                 std::to_string(args.positionals.size()));
  }
  const auto output = args.get("output");
  if (!output && !args.has("json")) return usage_error(spec, "-o/--output is required");

  json body = json::object();
  if (Status s = put_number(args, "temperature", "temperature", body); !s) {
    return usage_error(spec, s.error().message);
  }
  if (Status s = put_number(args, "seed", "seed", body); !s)
    return usage_error(spec, s.error().message);
  if (spec.fill) {
    if (Status s = spec.fill(args, body); !s) return usage_error(spec, s.error().message);
  }
  // Check the controls before reading any file (empty clips stand in for the inputs).
  {
    json probe = body;
    for (const auto& field : spec.inputs) probe[field] = json{{"notes", json::array()}};
    auto checked = engine::parse_request(spec.tool, probe);
    if (!checked) return usage_error(spec, with_flag_names(checked.error().message));
  }
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    auto seq = protocol::read_midi_file(args.positionals[i]);
    if (!seq) {
      std::fprintf(stderr, "clipgen %s: %s: %s\n", name.c_str(), args.positionals[i].c_str(),
                   seq.error().message.c_str());
      return kExitFailed;
    }
    body[spec.inputs[i]] = protocol::to_json(seq.value());
  }
  auto request = engine::parse_request(spec.tool, body);
  if (!request) {
    const bool usage = request.error().kind == ErrorKind::kInvalidRequest &&
                       request.error().message.find("notes[") == std::string::npos;
    if (usage) return usage_error(spec, with_flag_names(request.error().message));
    std::fprintf(stderr, "clipgen %s: %s\n", name.c_str(), request.error().message.c_str());
    return kExitFailed;
  }

  Progress progress(args.has("quiet"));
  engine::EngineOptions options;
  options.models_dir = args.get("models").value_or(default_models_dir());
  options.device = args.get("device").value_or("auto");
  if (auto t = args.get("threads")) {
    json tmp;
    if (Status s = put_number(args, "threads", "threads", tmp);
        !s || !tmp["threads"].is_number_integer()) {
      return usage_error(spec, "--threads needs a whole number");
    }
    options.threads = tmp["threads"].get<int>();
  }
  engine::prepare_process_environment();
  progress.line("loading models from " +
                (options.models_dir.empty() ? std::string("(none)") : options.models_dir));
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = engine::Engine::open(options);
  if (!opened) {
    progress.done();
    std::fprintf(stderr, "clipgen %s: %s\n", name.c_str(), opened.error().message.c_str());
    return kExitUsage;
  }
  auto response =
      opened.value()->run(request.value(), [&](int done, int total, const std::string& what) {
        progress.line(what + " [" + std::to_string(done) + "/" + std::to_string(total) + "]");
      });
  progress.done();
  if (!response) {
    std::fprintf(stderr, "clipgen %s: %s\n", name.c_str(), response.error().message.c_str());
    return kExitFailed;
  }
  for (const auto& w : response->warnings) {
    if (!args.has("quiet"))
      std::fprintf(stderr, "clipgen %s: warning: %s\n", name.c_str(), w.c_str());
  }
  if (output) {
    const size_t n = response->sequences.size();
    if (!ends_with_midi(*output)) {
      std::error_code ec;
      fs::create_directories(*output, ec);
      if (ec) {
        std::fprintf(stderr, "clipgen %s: cannot create folder %s: %s\n", name.c_str(),
                     output->c_str(), ec.message().c_str());
        return kExitFailed;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const std::string path = output_path(*output, name, i, n);
      if (Status s = protocol::write_midi_file(response->sequences[i], path); !s) {
        std::fprintf(stderr, "clipgen %s: %s: %s\n", name.c_str(), path.c_str(),
                     s.error().message.c_str());
        return kExitFailed;
      }
      if (!args.has("json")) std::printf("%s\n", path.c_str());
    }
  }
  if (args.has("json")) std::printf("%s\n", engine::to_json(response.value()).dump().c_str());
  if (!args.has("quiet")) {
    const double total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(
        stderr, "clipgen %s: %zu clip%s, seed %llu, model %s, %.0f ms (%.0f ms with loading)\n",
        name.c_str(), response->sequences.size(), response->sequences.size() == 1 ? "" : "s",
        static_cast<unsigned long long>(response->seed), response->model.c_str(),
        response->elapsed_ms, total_ms);
  }
  return kExitOk;
}

}  // namespace clipgen::cli
