#include "clipgen/service/runner.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#if defined(_WIN32)
#include "clipgen/service/definition.h"
#else
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace clipgen::service {

std::string format_command(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) {
      if (c == '\'') {
        line += "'\\''";
      } else {
        line += c;
      }
    }
    line += '\'';
  }
  return line;
}

#if defined(_WIN32)

namespace {
std::string windows_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    line += windows_quote(arg);
  }
  // cmd.exe strips one outer pair of quotes from the whole line.
  return "\"" + line + " 2>&1\"";
}
}  // namespace

CommandResult ProcessRunner::run(const std::vector<std::string>& argv) {
  CommandResult result;
  FILE* pipe = _popen(windows_command_line(argv).c_str(), "r");
  if (pipe == nullptr) return {127, "cannot start " + argv.front()};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  result.exit_code = _pclose(pipe);
  return result;
}

int ProcessRunner::run_passthrough(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    line += windows_quote(arg);
  }
  return std::system(("\"" + line + "\"").c_str());
}

#else

namespace {

// fork + execvp; `capture_fd` >= 0 receives stdout and stderr.
int spawn_and_wait(const std::vector<std::string>& argv, int capture_fd, int read_fd,
                   std::string* output) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    if (capture_fd >= 0) {
      dup2(capture_fd, STDOUT_FILENO);
      dup2(capture_fd, STDERR_FILENO);
      close(capture_fd);
      close(read_fd);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  if (capture_fd >= 0) {
    close(capture_fd);
    char buffer[4096];
    ssize_t n;
    while ((n = read(read_fd, buffer, sizeof buffer)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      output->append(buffer, static_cast<size_t>(n));
    }
    close(read_fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

CommandResult ProcessRunner::run(const std::vector<std::string>& argv) {
  CommandResult result;
  int fds[2];
  if (argv.empty() || pipe(fds) != 0) return {127, "cannot start a program"};
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  result.exit_code = spawn_and_wait(argv, fds[1], fds[0], &result.output);
  if (result.exit_code == 127 && result.output.empty()) {
    result.output = "cannot start '" + argv.front() + "' (is it installed and on PATH?)";
  }
  return result;
}

int ProcessRunner::run_passthrough(const std::vector<std::string>& argv) {
  if (argv.empty()) return 127;
  return spawn_and_wait(argv, -1, -1, nullptr);
}

#endif

CommandResult DryRunRunner::run(const std::vector<std::string>& argv) {
  out_ << "would run: " << format_command(argv) << '\n';
  return {};
}

int DryRunRunner::run_passthrough(const std::vector<std::string>& argv) {
  out_ << "would run: " << format_command(argv) << '\n';
  return 0;
}

}  // namespace clipgen::service
