// clipgend logs to stderr (the journal or a terminal) and to a rotating file in the platform's
// log folder (see user_dirs.h), so `clipgen service logs` works everywhere.
#pragma once

#include <string>

#include "options.h"

namespace clipgen::daemon {

// Installs the default logger. Returns a warning when the log file cannot be opened; the
// daemon then logs to stderr only rather than refusing to start.
std::string setup_logging(const Options& options, const Getenv& getenv);

// The file setup_logging writes: --log-file, else the platform default; "" for none.
std::string log_file_path(const Options& options, const Getenv& getenv);

}  // namespace clipgen::daemon
