// Request checks that keep a loopback daemon private: DNS-rebinding defence (Host), browser
// cross-origin defence (Origin) and the optional API key. Pure functions, unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::daemon {

struct SecurityPolicy {
  std::vector<std::string> allowed_hosts;    // beyond the loopback names; "*" allows any
  std::vector<std::string> allowed_origins;  // exact origins, e.g. "http://localhost:3000"; "*" any
  std::string api_key;                       // empty: no key required
};

// "LocalHost:7311" -> "localhost", "[::1]:80" -> "[::1]", "127.0.0.1" -> "127.0.0.1".
std::string host_name(std::string_view host_header);

// localhost, 127.0.0.1 and [::1] (the names a local client puts in Host).
bool is_loopback_host_name(std::string_view name);

// For --host: true when binding there keeps the daemon reachable from this machine only.
bool is_loopback_bind_address(std::string_view address);

// A missing Host header is refused too: every HTTP/1.1 client sends one.
Status check_host(const SecurityPolicy& policy, std::optional<std::string_view> host_header);

// Requests without Origin (curl, Max, the CLI) pass; browsers always send one cross-origin.
Status check_origin(const SecurityPolicy& policy, std::optional<std::string_view> origin);
bool origin_allowed(const SecurityPolicy& policy, std::string_view origin);

// Accepts "Authorization: Bearer <key>" or "X-API-Key: <key>". Passes when no key is configured.
Status check_api_key(const SecurityPolicy& policy, std::optional<std::string_view> authorization,
                     std::optional<std::string_view> x_api_key);

// Time depends only on the lengths, never on where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace clipgen::daemon
