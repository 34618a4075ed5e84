// Runs the platform's service commands (systemctl, launchctl, schtasks). An interface so tests
// record the calls instead of needing a systemd user session.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace clipgen::service {

struct CommandResult {
  int exit_code = 0;   // 127 when the program could not be started
  std::string output;  // stdout and stderr together (empty for passthrough runs)
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv[0] found on PATH and captures its output.
  virtual CommandResult run(const std::vector<std::string>& argv) = 0;
  // Runs with the terminal attached (for `logs --follow`); returns the exit code.
  virtual int run_passthrough(const std::vector<std::string>& argv) = 0;
};

// Starts real processes.
class ProcessRunner : public CommandRunner {
 public:
  CommandResult run(const std::vector<std::string>& argv) override;
  int run_passthrough(const std::vector<std::string>& argv) override;
};

// Prints what it would run and reports success: `clipgen service ... --dry-run`.
class DryRunRunner : public CommandRunner {
 public:
  explicit DryRunRunner(std::ostream& out) : out_(out) {}
  CommandResult run(const std::vector<std::string>& argv) override;
  int run_passthrough(const std::vector<std::string>& argv) override;

 private:
  std::ostream& out_;
};

// One shell-like line for messages: arguments with spaces or quotes are quoted.
std::string format_command(const std::vector<std::string>& argv);

}  // namespace clipgen::service
