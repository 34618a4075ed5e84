#include "clipgen/service/platform.h"

#include <cstdlib>
#include <system_error>

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>

#include <climits>
#include <vector>
#endif

namespace clipgen::service {

namespace fs = std::filesystem;

Platform host_platform() {
#if defined(_WIN32)
  return Platform::kTaskScheduler;
#elif defined(__APPLE__)
  return Platform::kLaunchd;
#else
  return Platform::kSystemd;
#endif
}

std::string_view platform_name(Platform platform) {
  switch (platform) {
    case Platform::kSystemd:
      return "linux";
    case Platform::kLaunchd:
      return "macos";
    case Platform::kTaskScheduler:
      return "windows";
  }
  return "linux";
}

std::optional<Platform> parse_platform(std::string_view name) {
  if (name == "linux") return Platform::kSystemd;
  if (name == "macos") return Platform::kLaunchd;
  if (name == "windows") return Platform::kTaskScheduler;
  return std::nullopt;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

namespace {

std::optional<fs::path> env_path(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value) return std::nullopt;
  return fs::path(*value);
}

Result<fs::path> home_dir(Platform platform, const EnvLookup& env) {
  if (auto home = env_path(env, "HOME")) return *home;
  if (platform == Platform::kTaskScheduler) {
    if (auto profile = env_path(env, "USERPROFILE")) return *profile;
  }
  return make_error(ErrorKind::kInvalidRequest,
                    "cannot tell where your home folder is: the HOME environment variable is not "
                    "set");
}

}  // namespace

Result<ServicePaths> service_paths(Platform platform, const EnvLookup& env) {
  auto home = home_dir(platform, env);
  if (!home.ok()) return home.error();
  ServicePaths paths;
  fs::path config_dir;
  switch (platform) {
    case Platform::kSystemd: {
      fs::path xdg_config = env_path(env, "XDG_CONFIG_HOME").value_or(*home / ".config");
      fs::path xdg_state = env_path(env, "XDG_STATE_HOME").value_or(*home / ".local" / "state");
      paths.definition = xdg_config / "systemd" / "user" / std::string(kUnitFile);
      paths.prune_stop = xdg_config;
      paths.log_dir = xdg_state / "clipgen";
      config_dir = xdg_config / "clipgen";
      break;
    }
    case Platform::kLaunchd: {
      fs::path library = *home / "Library";
      paths.definition = library / "LaunchAgents" / std::string(kPlistFile);
      paths.prune_stop = library;
      paths.log_dir = library / "Logs" / "ClipGen";
      config_dir = library / "Application Support" / "ClipGen";
      break;
    }
    case Platform::kTaskScheduler: {
      fs::path roaming = env_path(env, "APPDATA").value_or(*home / "AppData" / "Roaming");
      fs::path local = env_path(env, "LOCALAPPDATA").value_or(*home / "AppData" / "Local");
      paths.definition = local / "ClipGen" / std::string(kTaskFile);
      paths.prune_stop = local;
      paths.log_dir = local / "ClipGen" / "Logs";
      config_dir = roaming / "ClipGen";
      break;
    }
  }
  paths.log_file = paths.log_dir / "clipgend.log";
  paths.config_file = env_path(env, "CLIPGEN_CONFIG").value_or(config_dir / "clipgend.conf");
  return paths;
}

Result<fs::path> current_executable() {
#if defined(_WIN32)
  std::wstring buffer(MAX_PATH, L'\0');
  for (;;) {
    DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (n == 0) break;
    if (n < buffer.size()) {
      buffer.resize(n);
      return fs::path(buffer);
    }
    buffer.resize(buffer.size() * 2);
  }
#elif defined(__APPLE__)
  uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::vector<char> buffer(size + 1, '\0');
  if (_NSGetExecutablePath(buffer.data(), &size) == 0) {
    std::error_code ec;
    fs::path resolved = fs::canonical(buffer.data(), ec);
    return ec ? fs::path(buffer.data()) : resolved;
  }
#else
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return self;
#endif
  return make_error(ErrorKind::kInternal, "cannot find the path of the running program");
}

}  // namespace clipgen::service
