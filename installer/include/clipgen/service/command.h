// `clipgen service install | uninstall | status | logs | print`: argument parsing and help.
// The CLI registers run_service_command in its subcommand table.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "clipgen/service/platform.h"
#include "clipgen/service/runner.h"

namespace clipgen::service {

// args are the words after `service`. Returns the process exit code (0 ok, 1 failure,
// 2 usage error).
int run_service_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The same with injected environment and runner (used by tests).
int run_service_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                        const EnvLookup& env, CommandRunner* runner);

std::string service_usage();

}  // namespace clipgen::service
