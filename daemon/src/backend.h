// What the HTTP server needs from the model side. The engine provides the real implementation;
// the server owns one instance and calls it from many threads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::daemon {

class Backend {
 public:
  virtual ~Backend() = default;

  // Starts loading the models and returns at once (loading runs on a background thread);
  // called once, before the server accepts requests. GET /v1/health answers 503 until ready().
  virtual void start_loading() = 0;
  virtual bool ready() const = 0;

  // The "models" array of GET /v1/models: [{"id", "kind", "tool", "bars", "device", "status",
  // "source", "sizeBytes", ...}]. Callable while loading (entries then say so in "status").
  virtual nlohmann::json models() const = 0;

  // {"torch": "<version or 'not built'>", "device": "<device in use>"}; the server adds
  // "version" (the daemon's).
  virtual nlohmann::json version() const = 0;

  // Tool names exposed as POST /v1/<tool> (e.g. "generate"). Fixed for the process lifetime:
  // read once at startup, before start_loading() finishes.
  virtual std::vector<std::string> tools() const = 0;

  // Runs one tool request. `body` is a parsed JSON object (content type and syntax are checked
  // by the server). The value is the response body as JSON text (the contract's success shape;
  // text, so that large answers are written once, without a JSON tree); an Error becomes the
  // error envelope with its kind's status. Called from the server's worker threads (--workers
  // of them at once), only when ready(). Exceptions become 500 internal.
  virtual Result<std::string> run(const std::string& tool, const nlohmann::json& body) = 0;
};

}  // namespace clipgen::daemon
