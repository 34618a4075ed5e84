// The one shape every failure takes on the wire:
//   {"error": {"code": <status>, "type": "<type>", "message": "<plain words>"}}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "clipgen/error.h"

namespace clipgen::daemon {

nlohmann::json error_envelope(const Error& error);

// For statuses produced by cpp-httplib itself (unparsable request line, URI too long, ...), which
// carry no Error: the nearest contract type and a generic message.
Error error_for_status(int status);

// Parses a request body as JSON. The message says what is wrong and where, e.g.
// "body is not valid JSON: unexpected end of input at byte 17".
Result<nlohmann::json> parse_json_body(std::string_view body);

// True for application/json (any case, optional parameters); a charset other than UTF-8 is not
// JSON as the contract defines it.
bool is_json_content_type(std::string_view content_type);

}  // namespace clipgen::daemon
