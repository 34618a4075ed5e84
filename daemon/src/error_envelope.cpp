#include "error_envelope.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "clipgen/protocol/json_text.h"
#include "text.h"

namespace clipgen::daemon {
namespace {

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 18:
// syntax error while parsing object - unexpected end of input; expected string literal";
// keep only the part a person needs.
std::string parse_reason(const std::string& what) {
  std::string_view w(what);
  if (!w.empty() && w.front() == '[') {
    if (auto close = w.find("] "); close != std::string_view::npos) w.remove_prefix(close + 2);
  }
  if (auto dash = w.rfind(" - "); dash != std::string_view::npos)
    return std::string(w.substr(dash + 3));
  if (auto colon = w.rfind(": "); colon != std::string_view::npos)
    return std::string(w.substr(colon + 2));
  return std::string(w);
}

// No request needs more than a few levels (a NoteSequence is three deep). Parsing deeper JSON
// is fine, but copying, comparing or printing it recurses once per level: a body of 100,000
// nested objects overflowed an HTTP thread's stack when the tool route copied it.
constexpr int kMaxJsonDepth = 64;

// Nesting depth of JSON text (brackets outside strings), counted up to `limit` + 1; malformed
// text is left for the parser to describe.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return depth;
}

}  // namespace

nlohmann::json error_envelope(const Error& error) {
  return {{"error",
           {{"code", http_status(error.kind)},
            {"type", std::string(type_name(error.kind))},
            {"message", error.message}}}};
}

Error error_for_status(int status) {
  switch (status) {
    case 401:
      return {ErrorKind::kUnauthorized, "an API key is required"};
    case 403:
      return {ErrorKind::kForbidden, "this request is not allowed"};
    case 404:
      return {ErrorKind::kNotFound, "no such route; see GET /v1/models and docs/api.md"};
    case 405:
      return {ErrorKind::kMethodNotAllowed, "this route does not accept that method"};
    case 413:
      return {ErrorKind::kPayloadTooLarge, "the request body is too large"};
    case 414:
      return {ErrorKind::kInvalidRequest, "the request URI is too long"};
    case 415:
      return {ErrorKind::kUnsupportedMediaType, "send Content-Type: application/json"};
    case 422:
      return {ErrorKind::kUnprocessable, "the request cannot be processed"};
    case 503:
      return {ErrorKind::kUnavailable, "the daemon cannot serve this request right now"};
    default:
      break;
  }
  if (status >= 400 && status < 500) {
    return {ErrorKind::kInvalidRequest, "the request could not be understood as HTTP"};
  }
  return {ErrorKind::kInternal, "internal error in clipgend; see its log"};
}

Result<nlohmann::json> parse_json_body(std::string_view body) {
  if (trim(body).empty()) {
    return Error{ErrorKind::kInvalidRequest, "body is empty; send a JSON object"};
  }
  if (nesting_depth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return Error{ErrorKind::kInvalidRequest,
                 "body is nested more than " + std::to_string(kMaxJsonDepth) +
                     " levels deep; a ClipGen request needs only a few"};
  }
  try {
    return protocol::parse_json(body);  // nlohmann's parser, words and all, past the fast path
  } catch (const nlohmann::json::parse_error& e) {
    return Error{ErrorKind::kInvalidRequest, "body is not valid JSON: " + parse_reason(e.what()) +
                                                 " at byte " + std::to_string(e.byte)};
  } catch (const nlohmann::json::exception& e) {
    // e.g. a number such as 1e999 that does not fit a double (out_of_range, not parse_error).
    return Error{ErrorKind::kInvalidRequest, "body is not valid JSON: " + parse_reason(e.what())};
  }
}

bool is_json_content_type(std::string_view content_type) {
  const std::string ct = lower(content_type);
  std::string_view rest(ct);
  auto semi = rest.find(';');
  if (trim(rest.substr(0, semi)) != "application/json") return false;
  while (semi != std::string_view::npos) {
    rest = rest.substr(semi + 1);
    semi = rest.find(';');
    const std::string_view param = trim(rest.substr(0, semi));
    if (param.rfind("charset=", 0) != 0) continue;
    std::string_view cs = param.substr(8);
    if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
    if (cs != "utf-8" && cs != "utf8") return false;
  }
  return true;
}

}  // namespace clipgen::daemon
