// Where the login service lives on each platform. Everything takes the platform and the
// environment as arguments so tests can lay out any platform under a temporary HOME.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clipgen/error.h"

namespace clipgen::service {

enum class Platform { kSystemd, kLaunchd, kTaskScheduler };

inline constexpr std::string_view kUnitFile = "clipgend.service";
inline constexpr std::string_view kPlistFile = "com.clipgen.clipgend.plist";
inline constexpr std::string_view kTaskFile = "ClipGen-task.xml";

// The platform this binary was built for.
Platform host_platform();
// "linux", "macos", "windows": the names `--platform` accepts.
std::string_view platform_name(Platform platform);
std::optional<Platform> parse_platform(std::string_view name);

// Looks up an environment variable. Injectable so tests never read the real HOME.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

struct ServicePaths {
  std::filesystem::path definition;  // the unit, plist or task XML we write
  std::filesystem::path prune_stop;  // empty parents of `definition` are removed up to this one
  std::filesystem::path log_dir;     // the daemon's rotating log folder
  std::filesystem::path log_file;
  std::filesystem::path config_file;  // where the daemon looks for clipgend.conf
};

// Fails with a plain message when HOME (or its Windows equivalents) is not set.
Result<ServicePaths> service_paths(Platform platform, const EnvLookup& env);

// The running executable, e.g. to find clipgend beside clipgen.
Result<std::filesystem::path> current_executable();

}  // namespace clipgen::service
