// clipgend's settings and where they come from. Each option is read from layers of raw strings,
// lowest precedence first: built-in defaults < settings file (config_file.h) < environment < flags.
// A layer is a plain map, so each source is one reader that fills one.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::daemon {

constexpr int kDefaultPort = 7311;

struct Options {
  std::string host = "127.0.0.1";
  int port = kDefaultPort;       // 0 picks a free port
  std::string models_dir;        // empty: the default folder (see default_models_dirs)
  std::string device = "auto";   // auto | cpu | cuda | cuda:N | mps
  std::string runtime = "auto";  // auto (native on the CPU) | torchscript
  int native_threads = 0;        // 0 (auto: 2 on two cores or more), 1 or 2
  std::string api_key;           // empty: no key required (loopback only)
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_hosts;
  std::size_t max_body = 1024 * 1024;  // bytes
  std::size_t queue = 16;              // tool requests waiting beyond the running ones
  std::size_t workers = 1;             // tool requests run at once
  std::size_t threads = 0;             // HTTP threads; 0: queue + workers + 8
  int request_timeout_s = 120;
  std::string log_level = "info";
  std::string log_file;  // empty: the platform's log folder; "none": stderr only

  std::size_t http_threads() const { return threads ? threads : queue + workers + 8; }
};

// Raw values of one layer: option name (as the flag, without "--") -> values, and where they
// came from ("--port", "CLIPGEN_PORT", "clipgend.toml:3") for messages.
struct RawValue {
  std::vector<std::string> values;
  std::string origin;
};
using RawLayer = std::map<std::string, RawValue>;

struct OptionSpec {
  const char* name;  // flag without "--"
  const char* env;   // environment variable
  const char* arg;   // placeholder in --help
  const char* default_text;
  const char* help;
  bool repeatable;  // flags may repeat; every layer also takes a comma-separated list
};
const std::vector<OptionSpec>& option_specs();

enum class Action { kRun, kHelp, kVersion };
struct CommandLine {
  Action action = Action::kRun;
  RawLayer flags;
};

// Accepts "--name value" and "--name=value"; --help/-h and --version/-V.
Result<CommandLine> read_flags(const std::vector<std::string>& args);

using Getenv = std::function<std::optional<std::string>(const std::string&)>;
RawLayer read_environment(const Getenv& getenv);
Getenv process_environment();

// Later layers win, option by option; a repeatable option's list is replaced, not merged.
Result<Options> resolve_options(const std::vector<RawLayer>& layers_low_to_high);

std::string help_text();

}  // namespace clipgen::daemon
