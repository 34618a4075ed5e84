// Numbers in messages: shortest text that reads back to the same value, JSON spellings for
// non-finite values (protobuf JSON writes "NaN", "Infinity").
#pragma once

#include <string>

namespace clipgen::protocol::detail {

std::string format_number(double value);

}  // namespace clipgen::protocol::detail
