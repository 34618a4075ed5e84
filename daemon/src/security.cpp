#include "security.h"

#include <algorithm>
#include <cctype>

#include "text.h"

namespace clipgen::daemon {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string normalize_origin(std::string_view origin) {
  std::string o = lower(trim(origin));
  while (!o.empty() && o.back() == '/') o.pop_back();
  return o;
}

}  // namespace

std::string host_name(std::string_view host_header) {
  std::string h = lower(trim(host_header));
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  const auto colon = h.find(':');
  if (colon != std::string::npos) h.resize(colon);
  if (!h.empty() && h.back() == '.') h.pop_back();  // "localhost." is localhost
  return h;
}

bool is_loopback_host_name(std::string_view name) {
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

bool is_loopback_bind_address(std::string_view address) {
  const std::string a = lower(trim(address));
  if (a == "localhost" || a == "::1" || a == "[::1]") return true;
  // 127.0.0.0/8, written as a dotted quad.
  if (a.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : a) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

Status check_host(const SecurityPolicy& policy, std::optional<std::string_view> host_header) {
  if (!host_header) {
    return Error{ErrorKind::kForbidden, "the request has no Host header; send Host: localhost"};
  }
  const std::string name = host_name(*host_header);
  if (is_loopback_host_name(name) || contains(policy.allowed_hosts, "*")) return Ok{};
  for (const auto& allowed : policy.allowed_hosts) {
    if (host_name(allowed) == name) return Ok{};
  }
  return Error{ErrorKind::kForbidden,
               "Host '" + std::string(*host_header) +
                   "' is not a loopback name; clipgend answers requests for localhost, "
                   "127.0.0.1 and [::1] only (a defence against DNS rebinding); add a name with "
                   "--allow-host"};
}

bool origin_allowed(const SecurityPolicy& policy, std::string_view origin) {
  if (contains(policy.allowed_origins, "*")) return true;
  const std::string o = normalize_origin(origin);
  return std::any_of(policy.allowed_origins.begin(), policy.allowed_origins.end(),
                     [&](const std::string& a) { return normalize_origin(a) == o; });
}

Status check_origin(const SecurityPolicy& policy, std::optional<std::string_view> origin) {
  if (!origin || origin_allowed(policy, *origin)) return Ok{};
  return Error{ErrorKind::kForbidden, "cross-origin requests from '" + std::string(*origin) +
                                          "' are not allowed; start clipgend with "
                                          "--allow-origin " +
                                          std::string(*origin) + " to allow them"};
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  const size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const unsigned ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    const unsigned cb = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    diff |= ca ^ cb;
  }
  return diff == 0;
}

Status check_api_key(const SecurityPolicy& policy, std::optional<std::string_view> authorization,
                     std::optional<std::string_view> x_api_key) {
  if (policy.api_key.empty()) return Ok{};
  std::optional<std::string_view> presented;
  if (authorization) {
    const std::string_view a = trim(*authorization);
    if (a.size() > 7 && lower(a.substr(0, 7)) == "bearer ") presented = trim(a.substr(7));
  }
  if (!presented && x_api_key) presented = trim(*x_api_key);
  if (!presented) {
    return Error{ErrorKind::kUnauthorized,
                 "this clipgend requires an API key: send 'Authorization: Bearer <key>' or "
                 "'X-API-Key: <key>'"};
  }
  if (!constant_time_equal(*presented, policy.api_key)) {
    return Error{ErrorKind::kUnauthorized, "the API key is wrong"};
  }
  return Ok{};
}

}  // namespace clipgen::daemon
