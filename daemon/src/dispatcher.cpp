#include "dispatcher.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "error_envelope.h"

namespace clipgen::daemon {
namespace {

// Messages may quote request bytes (paths, headers) that are not UTF-8; never throw on them.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string human_size(std::size_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Outgoing error_response(const Error& error) {
  Outgoing out;
  out.status = http_status(error.kind);
  out.body = dump(error_envelope(error));
  out.error = error;
  if (error.kind == ErrorKind::kUnauthorized)
    out.headers.emplace_back("WWW-Authenticate", "Bearer");
  return out;
}

Dispatcher::Dispatcher(SecurityPolicy policy, std::size_t max_body, Router router)
    : policy_(std::move(policy)), max_body_(max_body), router_(std::move(router)) {}

Outgoing Dispatcher::handle(const Incoming& request) const {
  try {
    return handle_checked(request);
  } catch (const std::exception& e) {
    return error_response({ErrorKind::kInternal, std::string("internal error: ") + e.what()});
  } catch (...) {
    return error_response({ErrorKind::kInternal, "internal error (unknown exception)"});
  }
}

Outgoing Dispatcher::handle_checked(const Incoming& request) const {
  if (auto s = check_host(policy_, request.header("Host")); !s) return error_response(s.error());

  const auto origin = request.header("Origin");
  if (auto s = check_origin(policy_, origin); !s) return error_response(s.error());
  // An allowed origin sees every answer, errors included, so a page can show the message.
  const auto with_cors = [&](Outgoing out) {
    if (origin) {
      out.headers.emplace_back("Access-Control-Allow-Origin", *origin);
      out.headers.emplace_back("Vary", "Origin");
    }
    return out;
  };

  const Router::Match match = router_.find(request.method, request.path);
  if (match.allowed.empty()) {
    return with_cors(
        error_response({ErrorKind::kNotFound,
                        "no route " + request.path + "; the API is described in docs/api.md"}));
  }
  const std::string allow = Router::allow_header(match.allowed);

  // CORS preflight: browsers send no credentials here, so it needs no API key.
  if (request.method == "OPTIONS") {
    Outgoing out;
    out.status = 204;
    out.headers.emplace_back("Allow", allow);
    if (origin) {
      out.headers.emplace_back("Access-Control-Allow-Methods", allow);
      out.headers.emplace_back("Access-Control-Allow-Headers",
                               "Content-Type, Authorization, X-API-Key");
      out.headers.emplace_back("Access-Control-Max-Age", "600");
      // Chrome's Private Network Access: a public page calling loopback asks for this.
      if (request.header("Access-Control-Request-Private-Network") ==
          std::optional<std::string>("true")) {
        out.headers.emplace_back("Access-Control-Allow-Private-Network", "true");
      }
    }
    return with_cors(std::move(out));
  }

  if (!match.path_is_public) {
    if (auto s =
            check_api_key(policy_, request.header("Authorization"), request.header("X-API-Key"));
        !s) {
      return with_cors(error_response(s.error()));
    }
  }

  if (!match.route) {
    Outgoing out =
        error_response({ErrorKind::kMethodNotAllowed,
                        request.path + " does not accept " + request.method + "; use " + allow});
    out.headers.emplace_back("Allow", allow);
    return with_cors(std::move(out));
  }

  if (request.body_too_large) {
    return with_cors(error_response(
        {ErrorKind::kPayloadTooLarge, "the request body is larger than " + human_size(max_body_) +
                                          " (the daemon's --max-body); send a smaller clip"}));
  }
  if (request.body_unreadable) {
    return with_cors(
        error_response({ErrorKind::kInvalidRequest, "the request body could not be read"}));
  }

  Call call{request.method == "HEAD" ? "GET" : request.method, request.path, nullptr};
  if (match.route->takes_json) {
    const auto content_type = request.header("Content-Type");
    if (!content_type || !is_json_content_type(*content_type)) {
      return with_cors(error_response(
          {ErrorKind::kUnsupportedMediaType,
           "send the body as JSON with 'Content-Type: application/json' (got " +
               (content_type ? "'" + *content_type + "'" : std::string("no Content-Type")) + ")"}));
    }
    auto parsed = parse_json_body(request.body);
    if (!parsed) return with_cors(error_response(parsed.error()));
    if (!parsed->is_object()) {
      return with_cors(
          error_response({ErrorKind::kInvalidRequest,
                          "body must be a JSON object, got " + std::string(parsed->type_name())}));
    }
    call.body = std::move(*parsed);
  }

  Result<Reply> reply = match.route->handler(call);
  if (!reply) return with_cors(error_response(reply.error()));
  Outgoing out;
  out.status = reply->status;
  if (!reply->text.empty()) {
    out.body = std::move(reply->text);
  } else if (!reply->body.is_null()) {
    out.body = dump(reply->body);
  }
  return with_cors(std::move(out));
}

}  // namespace clipgen::daemon
