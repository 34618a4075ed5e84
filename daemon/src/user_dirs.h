// The per-user folders where clipgend reads its settings file and writes its log, by platform:
//   Linux   $XDG_CONFIG_HOME/clipgen (~/.config/clipgen), $XDG_STATE_HOME/clipgen
//   (~/.local/state/clipgen) macOS   ~/Library/Application Support/ClipGen, ~/Library/Logs/ClipGen
//   Windows %APPDATA%\ClipGen, %LOCALAPPDATA%\ClipGen\Logs
// installer/ (clipgen service) uses the same places; keep them in step.
#pragma once

#include <string>

#include "options.h"

namespace clipgen::daemon {

// Empty when the environment names no home folder.
std::string user_config_dir(const Getenv& getenv);
std::string user_log_dir(const Getenv& getenv);

// <user_config_dir>/clipgend.conf and <user_log_dir>/clipgend.log (empty without a home).
std::string default_config_path(const Getenv& getenv);
std::string default_log_file(const Getenv& getenv);

}  // namespace clipgen::daemon
