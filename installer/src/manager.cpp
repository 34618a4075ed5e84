#include "clipgen/service/manager.h"

#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace clipgen::service {

namespace fs = std::filesystem;

Tools tools_from_env(const EnvLookup& env) {
  Tools tools;
  if (auto v = env("CLIPGEN_SYSTEMCTL")) tools.systemctl = *v;
  if (auto v = env("CLIPGEN_JOURNALCTL")) tools.journalctl = *v;
  if (auto v = env("CLIPGEN_LAUNCHCTL")) tools.launchctl = *v;
  if (auto v = env("CLIPGEN_SCHTASKS")) tools.schtasks = *v;
#if !defined(_WIN32)
  tools.uid = std::to_string(getuid());
#endif
  return tools;
}

namespace {

std::string unit_name() {
  return std::string(kUnitFile);
}
std::string task_name() {
  return std::string(kTaskName);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Prints the last `lines` lines of `file`; false when it cannot be read.
bool print_tail(const fs::path& file, int lines, std::ostream& out, std::streamoff* end_pos) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  for (const std::string& l : last) out << l << '\n';
  out.flush();
  in.clear();
  in.seekg(0, std::ios::end);
  *end_pos = in.tellg();
  return true;
}

// Removes `dir` and its parents while they are empty, never reaching `stop` or above: the
// folders install created go, the user's own stay.
void prune_empty_dirs(const fs::path& dir_in, const fs::path& stop_in) {
  std::error_code ec;
  fs::path stop = stop_in.lexically_normal();
  for (fs::path dir = dir_in.lexically_normal(); dir != stop && dir != dir.parent_path();
       dir = dir.parent_path()) {
    fs::path rel = dir.lexically_relative(stop);
    if (rel.empty() || *rel.begin() == "..") break;
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) break;
    fs::remove(dir, ec);
  }
}

}  // namespace

std::string ServiceManager::launchd_domain() const {
  return "gui/" + tools_.uid;
}

std::string ServiceManager::launchd_target() const {
  return launchd_domain() + "/" + std::string(kLaunchdLabel);
}

fs::path ServiceManager::launchd_stdio_log() const {
  return paths_.log_dir / "clipgend.launchd.log";
}

bool ServiceManager::installed() const {
  std::error_code ec;
  return fs::exists(paths_.definition, ec);
}

Status ServiceManager::require_ok(const std::vector<std::string>& argv, std::string_view what) {
  CommandResult result = runner_.run(argv);
  if (result.exit_code == 0) return Ok{};
  std::string message = "could not " + std::string(what) + ": `" + format_command(argv) +
                        "` exited with " + std::to_string(result.exit_code);
  std::string output = trimmed(result.output);
  if (!output.empty()) message += ": " + output;
  return make_error(ErrorKind::kUnavailable, message);
}

void ServiceManager::run_ignoring_failure(const std::vector<std::string>& argv) {
  runner_.run(argv);
}

Status ServiceManager::write_definition(const std::string& text) {
  if (dry_run_) {
    out_ << "would write " << paths_.definition.string() << ":\n" << text;
    return Ok{};
  }
  std::error_code ec;
  fs::create_directories(paths_.definition.parent_path(), ec);
  if (ec) {
    return make_error(
        ErrorKind::kInternal,
        "cannot create folder '" + paths_.definition.parent_path().string() + "': " + ec.message());
  }
  fs::path tmp = paths_.definition;
  tmp += ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << (platform_ == Platform::kTaskScheduler ? utf8_to_utf16le_with_bom(text) : text);
    if (!file.flush()) {
      return make_error(ErrorKind::kInternal, "cannot write '" + tmp.string() + "'");
    }
  }
  fs::rename(tmp, paths_.definition, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return make_error(ErrorKind::kInternal,
                      "cannot write '" + paths_.definition.string() + "': " + ec.message());
  }
  out_ << "wrote " << paths_.definition.string() << '\n';
  return Ok{};
}

void ServiceManager::remove_definition() {
  if (dry_run_) {
    out_ << "would remove " << paths_.definition.string() << '\n';
    return;
  }
  std::error_code ec;
  if (fs::remove(paths_.definition, ec)) out_ << "removed " << paths_.definition.string() << '\n';
  prune_empty_dirs(paths_.definition.parent_path(), paths_.prune_stop);
}

Status ServiceManager::install(const DaemonLaunch& launch) {
  auto text = render_definition(platform_, launch, paths_);
  if (!text.ok()) return text.error();
  std::error_code ec;
  if (!fs::exists(launch.clipgend, ec)) {
    return make_error(ErrorKind::kNotFound, "cannot find the daemon at '" +
                                                launch.clipgend.string() +
                                                "'; pass its path with --daemon PATH");
  }
  if (!launch.models) {
    // The daemon's own default (daemon/src/paths.cpp): the build tree's models/shipped, then
    // the installed share/clipgen/models. Only a note: the settings file may name another.
    fs::path bin = launch.clipgend.parent_path();
    fs::path installed = (bin / ".." / "share" / "clipgen" / "models").lexically_normal();
    fs::path build_tree = (bin / ".." / ".." / "models" / "shipped").lexically_normal();
    if (!fs::is_directory(installed, ec) && !fs::is_directory(build_tree, ec)) {
      out_ << "note: there is no models folder at " << installed.string()
           << "; unless the settings file sets `models = ...`, the daemon starts without models\n";
    }
  }
  if (auto written = write_definition(*text); !written.ok()) return written;

  Status registered = Ok{};
  switch (platform_) {
    case Platform::kSystemd:
      registered = require_ok({tools_.systemctl, "--user", "daemon-reload"},
                              "reload the systemd user manager (is a user session running?)");
      if (registered.ok()) {
        registered = require_ok({tools_.systemctl, "--user", "enable", unit_name()},
                                "enable clipgend at login");
      }
      break;
    case Platform::kLaunchd:
      if (!dry_run_) fs::create_directories(paths_.log_dir, ec);  // launchd won't for stdout
      run_ignoring_failure({tools_.launchctl, "bootout", launchd_target()});  // if loaded
      run_ignoring_failure({tools_.launchctl, "enable", launchd_target()});
      registered =
          require_ok({tools_.launchctl, "bootstrap", launchd_domain(), paths_.definition.string()},
                     "load the LaunchAgent");
      break;
    case Platform::kTaskScheduler:
      registered = require_ok({tools_.schtasks, "/Create", "/TN", task_name(), "/XML",
                               paths_.definition.string(), "/F"},
                              "register the logon task");
      break;
  }
  if (!registered.ok()) {
    remove_definition();  // nothing half-installed stays behind
    if (platform_ == Platform::kLaunchd && !dry_run_) {
      prune_empty_dirs(paths_.log_dir, paths_.prune_stop);
    }
    return registered;
  }

  Status started = Ok{};
  switch (platform_) {
    case Platform::kSystemd:
      started = require_ok({tools_.systemctl, "--user", "restart", unit_name()}, "start clipgend");
      break;
    case Platform::kLaunchd:
      break;  // RunAtLoad started it with bootstrap
    case Platform::kTaskScheduler:
      run_ignoring_failure({tools_.schtasks, "/End", "/TN", task_name()});
      started = require_ok({tools_.schtasks, "/Run", "/TN", task_name()}, "start clipgend");
      break;
  }
  if (!started.ok()) {
    return make_error(started.error().kind,
                      started.error().message +
                          "\nThe service is installed; `clipgen service logs` shows why the "
                          "daemon did not start.");
  }
  if (dry_run_) {
    out_ << "(dry run: nothing was written or started)\n";
    return Ok{};
  }
  out_ << "clipgend is installed and starts when you log in.\n";
  if (platform_ == Platform::kSystemd) {
    out_ << "On a machine nobody logs in to (headless), run `loginctl enable-linger $USER` so "
            "it also starts at boot.\n";
  }
  out_ << "settings: " << paths_.config_file.string() << "\nlog: " << paths_.log_file.string()
       << '\n';
  return Ok{};
}

Status ServiceManager::uninstall() {
  if (!installed()) {
    out_ << "clipgend is not installed as a login service (no " << paths_.definition.string()
         << "); nothing to remove.\n";
    return Ok{};
  }
  std::error_code ec;
  switch (platform_) {
    case Platform::kSystemd:
      run_ignoring_failure({tools_.systemctl, "--user", "disable", "--now", unit_name()});
      remove_definition();
      run_ignoring_failure({tools_.systemctl, "--user", "daemon-reload"});
      run_ignoring_failure({tools_.systemctl, "--user", "reset-failed", unit_name()});
      break;
    case Platform::kLaunchd:
      run_ignoring_failure({tools_.launchctl, "bootout", launchd_target()});
      remove_definition();
      if (!dry_run_) {
        fs::remove(launchd_stdio_log(), ec);
        prune_empty_dirs(paths_.log_dir, paths_.prune_stop);  // the daemon's own logs stay
      }
      break;
    case Platform::kTaskScheduler:
      if (runner_.run({tools_.schtasks, "/Query", "/TN", task_name()}).exit_code == 0) {
        run_ignoring_failure({tools_.schtasks, "/End", "/TN", task_name()});
        if (auto deleted = require_ok({tools_.schtasks, "/Delete", "/TN", task_name(), "/F"},
                                      "remove the logon task");
            !deleted.ok()) {
          return deleted;
        }
      }
      remove_definition();
      break;
  }
  if (dry_run_) {
    out_ << "(dry run: nothing was removed or stopped)\n";
    return Ok{};
  }
  out_ << "clipgend no longer starts at login. Your settings (" << paths_.config_file.string()
       << ") and logs (" << paths_.log_dir.string() << ") were left in place.\n";
  return Ok{};
}

Status ServiceManager::status() {
  std::error_code ec;
  out_ << "service file: " << paths_.definition.string() << (installed() ? "" : " (not installed)")
       << '\n';
  out_ << "settings:     " << paths_.config_file.string()
       << (fs::exists(paths_.config_file, ec) ? "" : " (none: built-in defaults apply)") << '\n';
  out_ << "log:          " << paths_.log_file.string() << '\n';
  if (!installed()) return Ok{};
  CommandResult result;
  switch (platform_) {
    case Platform::kSystemd:
      result = runner_.run({tools_.systemctl, "--user", "status", "--no-pager", unit_name()});
      break;
    case Platform::kLaunchd:
      result = runner_.run({tools_.launchctl, "print", launchd_target()});
      break;
    case Platform::kTaskScheduler:
      result = runner_.run({tools_.schtasks, "/Query", "/TN", task_name(), "/V", "/FO", "LIST"});
      break;
  }
  out_ << trimmed(result.output) << '\n';
  if (result.exit_code == 127) {
    return make_error(ErrorKind::kUnavailable, trimmed(result.output));
  }
  return Ok{};
}

Status ServiceManager::logs(int lines, bool follow) {
  // The daemon's own log file exists on every platform; the journal is the fallback on Linux
  // (log-file = none, or a crash before logging started).
  std::streamoff pos = 0;
  if (!print_tail(paths_.log_file, lines, out_, &pos)) {
    if (platform_ == Platform::kSystemd) {
      std::vector<std::string> argv{tools_.journalctl,     "--user",    "-u", unit_name(), "-n",
                                    std::to_string(lines), "--no-pager"};
      if (follow) argv.push_back("-f");
      if (runner_.run_passthrough(argv) == 0) return Ok{};
    }
    return make_error(ErrorKind::kNotFound,
                      "no log yet at '" + paths_.log_file.string() +
                          "': the daemon has not run, or logs somewhere else (log-file)");
  }
  while (follow) {  // like tail -f; stops with Ctrl-C
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::ifstream in(paths_.log_file, std::ios::binary);
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    if (size < pos) pos = 0;  // rotated
    if (size == pos) continue;
    in.seekg(pos);
    std::ostringstream chunk;
    chunk << in.rdbuf();
    out_ << chunk.str() << std::flush;
    pos = size;
  }
  return Ok{};
}

}  // namespace clipgen::service
