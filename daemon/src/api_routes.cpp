#include "api_routes.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>

namespace clipgen::daemon {
namespace {

// Shared by the waiting HTTP thread and the worker; the HTTP thread may give up first.
struct Pending {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<Result<std::string>> result;
  bool abandoned = false;
};

}  // namespace

Result<Reply> run_tool(const ApiContext& ctx, const std::string& tool, nlohmann::json body) {
  if (!ctx.backend.ready()) {
    return Error{ErrorKind::kUnavailable,
                 "the models are still loading; try again in a few seconds (GET /v1/health says "
                 "when they are ready)"};
  }
  auto pending = std::make_shared<Pending>();
  Backend& backend = ctx.backend;
  // Shared, not copied into the job: a 16-bar clip's DOM took as long to copy and free again
  // as the rest of the HTTP work. The worker may outlive this thread's wait (timeout).
  auto shared = std::make_shared<const nlohmann::json>(std::move(body));
  const bool accepted = ctx.queue.try_submit([pending, &backend, tool, shared] {
    {
      std::lock_guard<std::mutex> lock(pending->mutex);
      if (pending->abandoned) return;  // its client already got a timeout
    }
    std::optional<Result<std::string>> r;
    try {
      r.emplace(backend.run(tool, *shared));
    } catch (const std::exception& e) {
      r.emplace(Error{ErrorKind::kInternal, "the " + tool + " tool failed: " + e.what()});
    } catch (...) {
      r.emplace(Error{ErrorKind::kInternal, "the " + tool + " tool failed (unknown exception)"});
    }
    {
      std::lock_guard<std::mutex> lock(pending->mutex);
      pending->result = std::move(r);
    }
    pending->done.notify_all();
  });
  if (!accepted) {
    return Error{ErrorKind::kUnavailable,
                 "clipgend is busy: " + std::to_string(ctx.queue.capacity()) +
                     " requests are already waiting; try again shortly"};
  }
  std::unique_lock<std::mutex> lock(pending->mutex);
  if (!pending->done.wait_for(lock, ctx.request_timeout,
                              [&] { return pending->result.has_value(); })) {
    pending->abandoned = true;
    return Error{ErrorKind::kUnavailable,
                 "the " + tool + " request took longer than " +
                     std::to_string(ctx.request_timeout.count()) +
                     " s (the daemon's --request-timeout) and was abandoned; try fewer variations "
                     "or a shorter clip"};
  }
  Result<std::string>& r = *pending->result;
  if (!r) return r.error();
  Reply reply;
  reply.text = std::move(r.value());
  return reply;
}

void add_api_routes(Router& router, const ApiContext& ctx) {
  router.add(Route{"GET", "/v1/health",
                   [&ctx](const Call&) -> Result<Reply> {
                     if (ctx.backend.ready()) return Reply{200, {{"status", "ok"}}, {}};
                     return Reply{503, {{"status", "loading"}}, {}};
                   },
                   false, true});
  router.add(Route{"GET", "/v1/version",
                   [&ctx](const Call&) -> Result<Reply> {
                     nlohmann::json v = ctx.backend.version();
                     if (!v.is_object()) v = nlohmann::json::object();
                     v["version"] = ctx.daemon_version;
                     v["api"] = "v1";
                     return Reply{200, std::move(v), {}};
                   },
                   false, false});
  router.add(Route{"GET", "/v1/models",
                   [&ctx](const Call&) -> Result<Reply> {
                     nlohmann::json list = ctx.backend.models();
                     if (!list.is_array()) list = nlohmann::json::array();
                     return Reply{200, {{"models", std::move(list)}}, {}};
                   },
                   false, false});
  for (const std::string& tool : ctx.backend.tools()) {
    router.add(Route{"POST", "/v1/" + tool,
                     [&ctx, tool](Call& call) { return run_tool(ctx, tool, std::move(call.body)); },
                     true, false});
  }
}

}  // namespace clipgen::daemon
