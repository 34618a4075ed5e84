#include "router.h"

#include <algorithm>

namespace clipgen::daemon {

void Router::add(Route route) {
  routes_.push_back(std::move(route));
}

Router::Match Router::find(std::string_view method, std::string_view path) const {
  const std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  Match match;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    match.allowed.push_back(r.method);
    match.path_is_public = match.path_is_public || r.is_public;
    if (r.method == m && !match.route) match.route = &r;
  }
  return match;
}

std::string Router::allow_header(const std::vector<std::string>& methods) {
  std::vector<std::string> all = methods;
  if (std::find(all.begin(), all.end(), "GET") != all.end()) all.push_back("HEAD");
  all.push_back("OPTIONS");
  std::string out;
  for (const auto& m : all) {
    if (out.find(m) != std::string::npos) continue;
    out += (out.empty() ? "" : ", ") + m;
  }
  return out;
}

}  // namespace clipgen::daemon
