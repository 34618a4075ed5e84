// clipgend's HTTP server: cpp-httplib carrying the Dispatcher, a bounded work queue in front of
// the backend, and one log line per request.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "backend.h"
#include "options.h"

namespace clipgen::daemon {

struct BindFailure {
  bool port_in_use = false;  // else: the address itself cannot be bound
  std::string message;
};

class Server {
 public:
  // The backend's tools() become routes here; it may start loading before or after bind().
  Server(Options options, std::unique_ptr<Backend> backend);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds options.host:options.port (0 picks a free port).
  std::optional<BindFailure> bind();
  int port() const { return port_; }

  // "http://127.0.0.1:7311"
  std::string url() const;

  // Serves until stop(); then finishes the requests in flight and the accepted tool jobs.
  void run();

  // Stops accepting connections; safe from any thread, any number of times, before or during
  // run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = -1;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> run_started_{false};
  std::atomic<bool> run_finished_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace clipgen::daemon
