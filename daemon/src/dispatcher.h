// The request pipeline, independent of the HTTP library: security checks, routing, body checks,
// the handler, and the error envelope for every failure. server.cpp only adapts cpp-httplib.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "router.h"
#include "security.h"

namespace clipgen::daemon {

struct Incoming {
  std::string method;
  std::string path;
  // Case-insensitive header lookup; nullopt when absent.
  std::function<std::optional<std::string>(const std::string&)> header;
  std::string body;
  bool body_too_large = false;
  bool body_unreadable = false;  // broken chunked encoding and the like
};

struct Outgoing {
  int status = 200;
  std::string body;  // JSON text, or empty (204, HEAD)
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<Error> error;  // set for every failure, for the log
};

// Makes an envelope response for `error`.
Outgoing error_response(const Error& error);

class Dispatcher {
 public:
  Dispatcher(SecurityPolicy policy, std::size_t max_body, Router router);

  // Never throws; every failure is an envelope.
  Outgoing handle(const Incoming& request) const;

  const Router& router() const { return router_; }

 private:
  Outgoing handle_checked(const Incoming& request) const;

  SecurityPolicy policy_;
  std::size_t max_body_;
  Router router_;
};

}  // namespace clipgen::daemon
