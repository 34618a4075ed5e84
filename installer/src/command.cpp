#include "clipgen/service/command.h"

#include <charconv>
#include <memory>
#include <optional>

#include "clipgen/service/definition.h"
#include "clipgen/service/manager.h"

namespace clipgen::service {

namespace fs = std::filesystem;

std::string service_usage() {
  return R"(usage: clipgen service <command> [options]

Run clipgend in the background whenever you log in.

commands:
  install     write the login service for clipgend, enable it and start it now
  uninstall   stop clipgend and remove the login service (settings and logs stay)
  status      show whether the service is installed and running
  logs        show the daemon's recent log lines
  print       print the service file install would write, without installing

options for install and print:
  --daemon PATH   the clipgend to run (default: clipgend beside this clipgen)
  --models DIR    pass --models DIR to the daemon (default: the daemon's own setting)
  --config FILE   pass --config FILE to the daemon
  --port N        pass --port N to the daemon
options for logs:
  -n, --lines N   how many lines (default 50)
  -f, --follow    keep printing new lines until Ctrl-C
for every command:
  --dry-run           print the files and commands instead of writing and running them
  --platform NAME     linux, macos or windows (default: this computer's)

The service commands can be replaced for testing with CLIPGEN_SYSTEMCTL, CLIPGEN_JOURNALCTL,
CLIPGEN_LAUNCHCTL and CLIPGEN_SCHTASKS.
)";
}

namespace {

struct Parsed {
  std::string command;
  std::optional<fs::path> daemon;
  DaemonLaunch launch;
  std::optional<Platform> platform;
  bool dry_run = false;
  int lines = 50;
  bool follow = false;
};

std::optional<int> parse_int(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Returns an error message, or nothing when the arguments are fine.
std::optional<std::string> parse(const std::vector<std::string>& args, Parsed* p) {
  if (args.empty()) return std::string("missing command");
  p->command = args.front();
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    bool launch_option = p->command == "install" || p->command == "print";
    if (arg == "--dry-run") {
      p->dry_run = true;
    } else if (arg == "--platform") {
      auto v = value();
      if (!v) return "--platform needs a value";
      p->platform = parse_platform(*v);
      if (!p->platform) return "--platform must be linux, macos or windows, not '" + *v + "'";
    } else if (launch_option && arg == "--daemon") {
      auto v = value();
      if (!v) return "--daemon needs a path";
      p->daemon = fs::path(*v);
    } else if (launch_option && arg == "--models") {
      auto v = value();
      if (!v) return "--models needs a folder";
      p->launch.models = fs::absolute(*v);
    } else if (launch_option && arg == "--config") {
      auto v = value();
      if (!v) return "--config needs a file";
      p->launch.config = fs::absolute(*v);
    } else if (launch_option && arg == "--port") {
      auto v = value();
      std::optional<int> port = v ? parse_int(*v) : std::nullopt;
      if (!port || *port < 1 || *port > 65535) return "--port needs a number from 1 to 65535";
      p->launch.port = *port;
    } else if (p->command == "logs" && (arg == "-n" || arg == "--lines")) {
      auto v = value();
      std::optional<int> lines = v ? parse_int(*v) : std::nullopt;
      if (!lines || *lines < 1) return arg + " needs a positive number";
      p->lines = *lines;
    } else if (p->command == "logs" && (arg == "-f" || arg == "--follow")) {
      p->follow = true;
    } else {
      return "unknown option '" + arg + "' for `clipgen service " + p->command + "`";
    }
  }
  return std::nullopt;
}

Result<fs::path> default_daemon(Platform platform) {
  auto self = current_executable();
  if (!self.ok()) return self.error();
  return self->parent_path() / (platform == Platform::kTaskScheduler ? "clipgend.exe" : "clipgend");
}

std::string windows_user(const EnvLookup& env) {
  auto user = env("USERNAME");
  if (!user) user = env("USER");
  if (!user) return "";
  if (auto domain = env("USERDOMAIN")) return *domain + "\\" + *user;
  return *user;
}

}  // namespace

int run_service_command(const std::vector<std::string>& args, std::ostream& out,
                        std::ostream& err) {
  return run_service_command(args, out, err, process_env(), nullptr);
}

int run_service_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                        const EnvLookup& env, CommandRunner* runner) {
  if (!args.empty() && (args[0] == "help" || args[0] == "-h" || args[0] == "--help")) {
    out << service_usage();
    return 0;
  }
  Parsed p;
  if (auto problem = parse(args, &p)) {
    err << "clipgen service: " << *problem << "\n\n" << service_usage();
    return 2;
  }
  const std::string& cmd = p.command;
  if (cmd != "install" && cmd != "uninstall" && cmd != "status" && cmd != "logs" &&
      cmd != "print") {
    err << "clipgen service: unknown command '" << cmd << "'\n\n" << service_usage();
    return 2;
  }

  Platform platform = p.platform.value_or(host_platform());
  auto paths = service_paths(platform, env);
  if (!paths.ok()) {
    err << "clipgen service: " << paths.error().message << '\n';
    return 1;
  }
  if (cmd == "install" || cmd == "print") {
    if (p.daemon) {
      p.launch.clipgend = fs::absolute(*p.daemon);
    } else {
      auto daemon = default_daemon(platform);
      if (!daemon.ok()) {
        err << "clipgen service: " << daemon.error().message << '\n';
        return 1;
      }
      p.launch.clipgend = *daemon;
    }
    if (platform == Platform::kTaskScheduler) {
      p.launch.user_id = windows_user(env);
      if (p.launch.user_id.empty()) {
        err << "clipgen service: cannot tell your Windows user name (USERNAME is not set)\n";
        return 1;
      }
    }
  }
  if (cmd == "print") {
    auto text = render_definition(platform, p.launch, *paths);
    if (!text.ok()) {
      err << "clipgen service: " << text.error().message << '\n';
      return 1;
    }
    out << *text;
    return 0;
  }

  std::unique_ptr<CommandRunner> owned;
  if (p.dry_run) {
    owned = std::make_unique<DryRunRunner>(out);
    runner = owned.get();
  } else if (runner == nullptr) {
    owned = std::make_unique<ProcessRunner>();
    runner = owned.get();
  }
  ServiceManager manager(platform, *paths, tools_from_env(env), *runner, out);
  manager.set_dry_run(p.dry_run);

  Status result = Ok{};
  if (cmd == "install") {
    result = manager.install(p.launch);
  } else if (cmd == "uninstall") {
    result = manager.uninstall();
  } else if (cmd == "status") {
    result = manager.status();
  } else {
    result = manager.logs(p.lines, p.follow);
  }
  if (!result.ok()) {
    err << "clipgen service " << cmd << ": " << result.error().message << '\n';
    return 1;
  }
  return 0;
}

}  // namespace clipgen::service
