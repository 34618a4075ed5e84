#include "options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace clipgen::daemon {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) {
      item = trim(item);
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

const OptionSpec* find_spec(const std::string& name) {
  for (const auto& s : option_specs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

Error bad_value(const RawValue& raw, const std::string& why) {
  return Error{ErrorKind::kInvalidRequest,
               raw.origin + ": '" + (raw.values.empty() ? "" : raw.values.back()) + "' " + why};
}

Result<long long> parse_integer(const RawValue& raw, long long lo, long long hi) {
  const std::string v = trim(raw.values.back());
  if (v.empty() ||
      !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      v.size() > 12) {
    return bad_value(raw, "is not a whole number");
  }
  const long long n = std::stoll(v);
  if (n < lo || n > hi) {
    return bad_value(raw,
                     "is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
  }
  return n;
}

// "1048576", "512k", "512KiB", "1M", "1MiB", "2MB" (k/M are binary units here).
Result<long long> parse_size(const RawValue& raw, long long lo, long long hi) {
  std::string v = trim(raw.values.back());
  size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) ++digits;
  if (digits == 0 || digits > 12)
    return bad_value(raw, "is not a size (e.g. 1048576, 512KiB, 1MiB)");
  std::string unit = v.substr(digits);
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  long long mult = 1;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    mult = 1024;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    mult = 1024 * 1024;
  } else {
    return bad_value(raw, "is not a size (e.g. 1048576, 512KiB, 1MiB)");
  }
  const long long n = std::stoll(v.substr(0, digits)) * mult;
  if (n < lo || n > hi) {
    return bad_value(
        raw, "is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + " bytes)");
  }
  return n;
}

bool valid_device(const std::string& d) {
  if (d == "auto" || d == "cpu" || d == "cuda" || d == "mps") return true;
  if (d.rfind("cuda:", 0) != 0 || d.size() == 5) return false;
  return std::all_of(d.begin() + 5, d.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"host", "CLIPGEN_HOST", "ADDR", "127.0.0.1",
       "address to listen on; a non-loopback address requires --api-key", false},
      {"port", "CLIPGEN_PORT", "N", "7311", "TCP port; 0 picks a free one", false},
      {"models", "CLIPGEN_MODELS", "DIR",
       "<exe>/../../models/shipped, <prefix>/share/clipgen/models",
       "folder holding the model files (*.pt)", false},
      {"device", "CLIPGEN_DEVICE", "DEV", "auto", "auto, cpu, cuda, cuda:N or mps", false},
      {"runtime", "CLIPGEN_RUNTIME", "NAME", "auto",
       "auto (the native runtime on the CPU, no LibTorch) or torchscript (loads LibTorch)",
       false},
      {"native-threads", "CLIPGEN_NATIVE_THREADS", "N", "0",
       "threads one request's variations share on the native runtime, and that load the "
       "models at start: 0 = auto (2 on a machine with two cores or more), 1 or 2",
       false},
      {"api-key", "CLIPGEN_API_KEY", "KEY", "none",
       "require 'Authorization: Bearer KEY' or 'X-API-Key: KEY' (prefer the variable: flags "
       "show in ps)",
       false},
      {"allow-origin", "CLIPGEN_ALLOW_ORIGIN", "ORIGIN", "none",
       "browser origin allowed to call (repeat or comma list; '*' allows any)", true},
      {"allow-host", "CLIPGEN_ALLOW_HOST", "NAME", "none",
       "Host name accepted besides localhost, 127.0.0.1, [::1] (repeat or comma list)", true},
      {"max-body", "CLIPGEN_MAX_BODY", "SIZE", "1MiB", "largest request body (e.g. 512KiB, 4MiB)",
       false},
      {"queue", "CLIPGEN_QUEUE", "N", "16",
       "tool requests that may wait; more are answered 503 at once", false},
      {"workers", "CLIPGEN_WORKERS", "N", "1", "tool requests run at the same time", false},
      {"threads", "CLIPGEN_THREADS", "N", "0", "HTTP threads; 0 = queue + workers + 8", false},
      {"request-timeout", "CLIPGEN_REQUEST_TIMEOUT", "SEC", "120",
       "seconds a tool request may take before it is answered 503", false},
      {"log-level", "CLIPGEN_LOG_LEVEL", "LEVEL", "info",
       "trace, debug, info, warn, error, critical or off", false},
      {"log-file", "CLIPGEN_LOG_FILE", "FILE", "<user log folder>/clipgend.log",
       "rotating log file besides stderr; 'none' for stderr only", false},
      {"config", "CLIPGEN_CONFIG", "FILE", "<user config folder>/clipgend.conf",
       "settings file of 'key = value' lines (keys as these options)", false},
  };
  return specs;
}

Result<CommandLine> read_flags(const std::vector<std::string>& args) {
  CommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      cl.action = Action::kHelp;
      continue;
    }
    if (a == "--version" || a == "-V") {
      cl.action = Action::kVersion;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      return Error{ErrorKind::kInvalidRequest, "unexpected argument '" + a + "'; see --help"};
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = find_spec(name);
    if (!spec)
      return Error{ErrorKind::kInvalidRequest, "unknown option '--" + name + "'; see --help"};
    if (!value) {
      if (i + 1 >= args.size()) {
        return Error{ErrorKind::kInvalidRequest,
                     "--" + name + " needs a value (" + spec->arg + ")"};
      }
      value = args[++i];
    }
    RawValue& raw = cl.flags[name];
    raw.origin = "--" + name;
    if (!spec->repeatable) raw.values.clear();
    raw.values.push_back(*value);
  }
  return cl;
}

RawLayer read_environment(const Getenv& getenv) {
  RawLayer layer;
  for (const auto& s : option_specs()) {
    if (auto v = getenv(s.env)) layer[s.name] = RawValue{{*v}, s.env};
  }
  return layer;
}

Getenv process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Options> resolve_options(const std::vector<RawLayer>& layers_low_to_high) {
  RawLayer merged;
  for (const auto& layer : layers_low_to_high) {
    for (const auto& [name, raw] : layer) {
      if (!find_spec(name))
        return Error{ErrorKind::kInvalidRequest, raw.origin + ": unknown option"};
      if (!raw.values.empty()) merged[name] = raw;
    }
  }
  Options o;
  const auto get = [&](const char* name) -> const RawValue* {
    const auto it = merged.find(name);
    return it == merged.end() ? nullptr : &it->second;
  };
  constexpr long long kMaxCount = 4096;
  if (const auto* r = get("host")) {
    o.host = trim(r->values.back());
    if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
      o.host = o.host.substr(1, o.host.size() - 2);
    }
    if (o.host.empty()) return bad_value(*r, "is not an address");
  }
  if (const auto* r = get("port")) {
    auto n = parse_integer(*r, 0, 65535);
    if (!n) return n.error();
    o.port = static_cast<int>(*n);
  }
  if (const auto* r = get("models")) o.models_dir = trim(r->values.back());
  if (const auto* r = get("device")) {
    o.device = trim(r->values.back());
    if (!valid_device(o.device))
      return bad_value(*r, "is not a device (auto, cpu, cuda, cuda:N, mps)");
  }
  if (const auto* r = get("runtime")) {
    o.runtime = trim(r->values.back());
    if (o.runtime != "auto" && o.runtime != "torchscript")
      return bad_value(*r, "is not a runtime (auto, torchscript)");
  }
  if (const auto* r = get("native-threads")) {
    auto n = parse_integer(*r, 0, 2);
    if (!n) return n.error();
    o.native_threads = static_cast<int>(*n);
  }
  if (const auto* r = get("api-key")) {
    o.api_key = trim(r->values.back());
    if (o.api_key.empty()) return bad_value(*r, "is empty; leave the option out for no key");
  }
  if (const auto* r = get("allow-origin")) o.allow_origins = split_list(r->values);
  if (const auto* r = get("allow-host")) o.allow_hosts = split_list(r->values);
  if (const auto* r = get("max-body")) {
    auto n = parse_size(*r, 1024, 1024LL * 1024 * 1024);
    if (!n) return n.error();
    o.max_body = static_cast<size_t>(*n);
  }
  if (const auto* r = get("queue")) {
    auto n = parse_integer(*r, 0, kMaxCount);
    if (!n) return n.error();
    o.queue = static_cast<size_t>(*n);
  }
  if (const auto* r = get("workers")) {
    auto n = parse_integer(*r, 1, 256);
    if (!n) return n.error();
    o.workers = static_cast<size_t>(*n);
  }
  if (const auto* r = get("threads")) {
    auto n = parse_integer(*r, 0, kMaxCount);
    if (!n) return n.error();
    o.threads = static_cast<size_t>(*n);
    if (o.threads != 0 && o.threads < 2)
      return bad_value(*r, "is too few; use 0 (auto) or 2 or more");
  }
  if (const auto* r = get("request-timeout")) {
    auto n = parse_integer(*r, 1, 24 * 3600);
    if (!n) return n.error();
    o.request_timeout_s = static_cast<int>(*n);
  }
  if (const auto* r = get("log-level")) {
    o.log_level = trim(r->values.back());
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::none_of(std::begin(kLevels), std::end(kLevels),
                     [&](const char* l) { return o.log_level == l; })) {
      return bad_value(*r, "is not a log level (trace, debug, info, warn, error, critical, off)");
    }
  }
  if (const auto* r = get("log-file")) o.log_file = trim(r->values.back());
  return o;  // "config" was read before the layers were resolved (config_file.h)
}

std::string help_text() {
  std::ostringstream out;
  out << "clipgend: the ClipGen daemon (HTTP/JSON on loopback, API v1; see docs/api.md)\n\n"
         "usage: clipgend [options]\n\n"
         "Each option can also be set by its environment variable or in the settings file;\n"
         "a flag wins over the variable, the variable over the file, the file over the "
         "default.\n\n";
  for (const auto& s : option_specs()) {
    std::string flag = std::string("--") + s.name + " " + s.arg;
    out << "  " << flag << std::string(flag.size() < 24 ? 24 - flag.size() : 1, ' ') << s.help
        << "\n"
        << std::string(26, ' ') << "env " << s.env << ", default " << s.default_text << "\n";
  }
  out << "  --help, -h              show this text\n"
         "  --version, -V           print the version\n\n"
         "exit codes: 0 stopped cleanly, 1 internal error, 2 bad option, 3 port in use,\n"
         "            4 cannot listen on the address, 5 non-loopback address without --api-key\n";
  return out.str();
}

}  // namespace clipgen::daemon
