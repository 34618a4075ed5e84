// protocol::parse_json_fast against nlohmann::json::parse on any text: whatever the fast path
// reads, nlohmann must read too, into the same tree (types, float bits, key sets); the fast path
// may decline anything, and never crashes.
#include "clipgen/protocol/json_text.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.h"

using nlohmann::json;

namespace {

bool same_tree(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !same_tree(it.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_tree(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fast = clipgen::protocol::parse_json_fast(text);
  if (!fast) return 0;
  json reference;
  bool read = true;
  try {
    reference = json::parse(text.begin(), text.end());
  } catch (const json::exception&) {
    read = false;
  }
  FUZZ_REQUIRE(read, "nlohmann reads whatever the fast path reads");
  FUZZ_REQUIRE(same_tree(*fast, reference), "the fast path gives nlohmann's tree");
  return 0;
}
