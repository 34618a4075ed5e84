#include "daemon_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace clipgen::test {
namespace {

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

constexpr const char* kListening = "clipgend listening on http://";

}  // namespace

DaemonProcess::DaemonProcess(const std::string& binary, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  char tmpl[] = "/tmp/clipgend-test-stderr-XXXXXX";
  const int err_fd = mkstemp(tmpl);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  stderr_path_ = tmpl;
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");

  // A private HOME keeps the user's settings file and log folder out of the test.
  char home_tmpl[] = "/tmp/clipgend-test-home-XXXXXX";
  if (!mkdtemp(home_tmpl)) throw std::runtime_error("mkdtemp failed");
  home_ = home_tmpl;
  std::vector<std::string> envs{"HOME=" + home_};
  for (char** e = environ; *e; ++e) {
    const std::string_view var(*e);
    const bool own =
        var.rfind("CLIPGEN_", 0) == 0 || var.rfind("HOME=", 0) == 0 || var.rfind("XDG_", 0) == 0;
    if (!own) envs.emplace_back(*e);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
  const int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_fd);
  if (rc != 0) throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  stdout_fd_ = out_pipe[0];

  // Read stdout until the listening line or EOF (the daemon exited), at most 60 s.
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[512];
    const ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0) break;  // EOF: it exited before listening
    out.append(buf, static_cast<size_t>(n));
    const auto at = out.find(kListening);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      const std::string url = out.substr(at + std::strlen(kListening));
      const auto colon = url.rfind(':', url.find('\n'));
      port_ = std::atoi(url.c_str() + colon + 1);
      break;
    }
  }
}

DaemonProcess::~DaemonProcess() {
  if (!exit_code_ && pid_ > 0) stop(SIGKILL);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
  if (!home_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
}

int DaemonProcess::wait_exit(int timeout_s) {
  if (exit_code_) return *exit_code_;
  int status = 0;
  for (int i = 0; i < timeout_s * 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = decode_status(status);
      return *exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  exit_code_ = decode_status(status);
  return *exit_code_;
}

void DaemonProcess::signal(int sig) {
  if (!exit_code_) kill(pid_, sig);
}

int DaemonProcess::stop(int sig) {
  if (exit_code_) return *exit_code_;
  kill(pid_, sig);
  return wait_exit();
}

std::string DaemonProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string daemon_binary() {
  if (const char* path = std::getenv("CLIPGEN_TEST_DAEMON"); path && *path) return path;
  return CLIPGEN_DAEMON_PATH;
}

int connect_loopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string read_response(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = out.substr(0, end);
      std::transform(head.begin(), head.end(), head.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto cl = head.find("content-length:");
      const size_t body =
          cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 15, nullptr, 10);
      if (out.size() >= end + 4 + body) return out.substr(0, end + 4 + body);
    }
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// No half-close here: cpp-httplib 0.11 treats a peer that shut its sending side as gone and
// skips the response.
std::string raw_exchange(int port, const std::string& request) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out = read_response(fd);
  close(fd);
  return out;
}

}  // namespace clipgen::test
