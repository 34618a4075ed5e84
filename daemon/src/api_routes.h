// The v1 routes: health, version, models, and POST /v1/<tool> for each tool the backend offers.
#pragma once

#include <chrono>
#include <string>

#include "backend.h"
#include "router.h"
#include "work_queue.h"

namespace clipgen::daemon {

struct ApiContext {
  Backend& backend;
  WorkQueue& queue;
  std::chrono::seconds request_timeout;
  std::string daemon_version;
};

// `context` must outlive the router.
void add_api_routes(Router& router, const ApiContext& context);

// Runs one tool request through the queue, waiting at most the request timeout.
Result<Reply> run_tool(const ApiContext& context, const std::string& tool, nlohmann::json body);

}  // namespace clipgen::daemon
