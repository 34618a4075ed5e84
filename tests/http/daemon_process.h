// Runs the real clipgend as a child process for tests: start with arguments and environment,
// learn its port from the "clipgend listening on http://HOST:PORT" line, stop it with a signal,
// and read its exit code and stderr.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clipgen::test {

class DaemonProcess {
 public:
  // Starts `binary args...` with the parent's environment minus every CLIPGEN_* and XDG_*
  // variable, HOME set to a fresh temporary folder, plus `env`. Waits (bounded) until the daemon
  // prints its listening line or exits.
  DaemonProcess(const std::string& binary, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  bool listening() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` without waiting.
  void signal(int sig);
  // Sends `sig` and waits for the exit; the exit code, or 128+signal when killed by one.
  int stop(int sig);
  // Waits for a process that exits by itself (bounded; kills it after `timeout_s`).
  int wait_exit(int timeout_s = 60);
  std::optional<int> exit_code() const { return exit_code_; }

  // What the daemon wrote to stderr so far (its log and error messages).
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = -1;
  std::optional<int> exit_code_;
  std::string stderr_path_;
  std::string home_;
};

// The clipgend under test: CLIPGEN_TEST_DAEMON when set (to try another build), else the one
// CMake built beside the tests.
std::string daemon_binary();

// Connects to 127.0.0.1:port; -1 when refused.
int connect_loopback(int port);

// Sends raw bytes on a new connection and returns the first response (head and body).
std::string raw_exchange(int port, const std::string& request);

// Reads one response (head and Content-Length body), or what came before the socket closed.
std::string read_response(int fd);

// Reads from a socket until it closes.
std::string read_all(int fd);

}  // namespace clipgen::test
