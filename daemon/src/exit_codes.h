// clipgend's exit codes (documented in daemon/README.md and --help); scripts and the login
// service rely on them, so never renumber.
#pragma once

namespace clipgen::daemon {

constexpr int kExitOk = 0;            // stopped cleanly (SIGINT/SIGTERM) or --help/--version
constexpr int kExitInternal = 1;      // unexpected failure
constexpr int kExitBadOption = 2;     // invalid flag, variable or models folder
constexpr int kExitPortInUse = 3;     // the port is taken (another clipgend?)
constexpr int kExitCannotListen = 4;  // the address cannot be bound (not ours, no permission)
constexpr int kExitInsecure = 5;      // non-loopback address without an API key

}  // namespace clipgen::daemon
