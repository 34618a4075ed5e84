// Exact-path routes with per-method handlers; knows which methods a path allows, so a wrong
// method is a 405 with Allow rather than a 404.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::daemon {

struct Call {
  std::string method;  // HEAD arrives as GET
  std::string path;
  nlohmann::json body;  // the parsed JSON object for routes that take one, else null
};

struct Reply {
  int status = 200;
  nlohmann::json body;
  std::string text;  // the body already as JSON text (tool answers); wins over `body`
};

// The call is the handler's own: a tool route moves the body on to its worker.
using RouteHandler = std::function<Result<Reply>(Call&)>;

struct Route {
  std::string method;
  std::string path;
  RouteHandler handler;
  bool takes_json = false;  // POST body: content type and syntax checked before the handler
  bool is_public = false;   // no API key needed (health)
};

class Router {
 public:
  void add(Route route);

  struct Match {
    const Route* route = nullptr;      // null: no handler for this method
    std::vector<std::string> allowed;  // methods the path accepts; empty: unknown path
    bool path_is_public = false;       // some route on the path needs no API key
  };
  // HEAD matches GET routes.
  Match find(std::string_view method, std::string_view path) const;

  // "GET, HEAD, OPTIONS" for the Allow header.
  static std::string allow_header(const std::vector<std::string>& methods);

 private:
  std::vector<Route> routes_;
};

}  // namespace clipgen::daemon
