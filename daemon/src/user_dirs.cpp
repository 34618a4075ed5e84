#include "user_dirs.h"

#include <filesystem>
#include <optional>

namespace clipgen::daemon {

namespace fs = std::filesystem;

namespace {

// Unset and empty are the same here (XDG says so, and an empty HOME is no folder).
std::optional<fs::path> env_dir(const Getenv& getenv, const char* name) {
  auto value = getenv(name);
  if (!value || value->empty()) return std::nullopt;
  return fs::path(*value);
}

std::optional<fs::path> home(const Getenv& getenv) {
  if (auto h = env_dir(getenv, "HOME")) return h;
#if defined(_WIN32)
  return env_dir(getenv, "USERPROFILE");
#else
  return std::nullopt;
#endif
}

}  // namespace

std::string user_config_dir(const Getenv& getenv) {
#if defined(_WIN32)
  if (auto appdata = env_dir(getenv, "APPDATA")) return (*appdata / "ClipGen").string();
  if (auto h = home(getenv)) return (*h / "AppData" / "Roaming" / "ClipGen").string();
#elif defined(__APPLE__)
  if (auto h = home(getenv)) return (*h / "Library" / "Application Support" / "ClipGen").string();
#else
  if (auto xdg = env_dir(getenv, "XDG_CONFIG_HOME")) return (*xdg / "clipgen").string();
  if (auto h = home(getenv)) return (*h / ".config" / "clipgen").string();
#endif
  return "";
}

std::string user_log_dir(const Getenv& getenv) {
#if defined(_WIN32)
  if (auto local = env_dir(getenv, "LOCALAPPDATA")) return (*local / "ClipGen" / "Logs").string();
  if (auto h = home(getenv)) return (*h / "AppData" / "Local" / "ClipGen" / "Logs").string();
#elif defined(__APPLE__)
  if (auto h = home(getenv)) return (*h / "Library" / "Logs" / "ClipGen").string();
#else
  if (auto xdg = env_dir(getenv, "XDG_STATE_HOME")) return (*xdg / "clipgen").string();
  if (auto h = home(getenv)) return (*h / ".local" / "state" / "clipgen").string();
#endif
  return "";
}

std::string default_config_path(const Getenv& getenv) {
  std::string dir = user_config_dir(getenv);
  return dir.empty() ? "" : (fs::path(dir) / "clipgend.conf").string();
}

std::string default_log_file(const Getenv& getenv) {
  std::string dir = user_log_dir(getenv);
  return dir.empty() ? "" : (fs::path(dir) / "clipgend.log").string();
}

}  // namespace clipgen::daemon
