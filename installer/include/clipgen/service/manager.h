// Installs, removes and inspects the clipgend login service. Every external command goes
// through the CommandRunner; every file lands under the paths in ServicePaths.
#pragma once

#include <ostream>
#include <string>

#include "clipgen/error.h"
#include "clipgen/service/definition.h"
#include "clipgen/service/platform.h"
#include "clipgen/service/runner.h"

namespace clipgen::service {

// Names of the platform programs; CLIPGEN_SYSTEMCTL etc. override them (see tools_from_env).
struct Tools {
  std::string systemctl = "systemctl";
  std::string journalctl = "journalctl";
  std::string launchctl = "launchctl";
  std::string schtasks = "schtasks";
  std::string uid;  // numeric user id for `launchctl ... gui/<uid>`
};

Tools tools_from_env(const EnvLookup& env);

class ServiceManager {
 public:
  ServiceManager(Platform platform, ServicePaths paths, Tools tools, CommandRunner& runner,
                 std::ostream& out)
      : platform_(platform),
        paths_(std::move(paths)),
        tools_(std::move(tools)),
        runner_(runner),
        out_(out) {}

  // Writes the definition, registers it and starts the daemon. Running it again rewrites the
  // file and restarts the daemon, so it also applies a new clipgend or new options.
  Status install(const DaemonLaunch& launch);
  // Stops the daemon and removes everything install wrote. Succeeds when nothing is installed.
  Status uninstall();
  // Prints whether the definition exists and what the platform says about the service.
  Status status();
  // Shows the last `lines` lines of the daemon's log file (on Linux, the journal without one).
  Status logs(int lines, bool follow);

  bool installed() const;
  // Print the files and commands instead of writing and running them.
  void set_dry_run(bool dry_run) { dry_run_ = dry_run; }
  const ServicePaths& paths() const { return paths_; }

 private:
  Status write_definition(const std::string& text);
  void remove_definition();
  Status require_ok(const std::vector<std::string>& argv, std::string_view what);
  void run_ignoring_failure(const std::vector<std::string>& argv);
  std::string launchd_domain() const;
  std::string launchd_target() const;
  std::filesystem::path launchd_stdio_log() const;

  Platform platform_;
  ServicePaths paths_;
  Tools tools_;
  CommandRunner& runner_;
  std::ostream& out_;
  bool dry_run_ = false;
};

}  // namespace clipgen::service
