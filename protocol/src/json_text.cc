#include "clipgen/protocol/json_text.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

namespace clipgen::protocol {
namespace {

using nlohmann::json;

// Deeper text goes to nlohmann, whose parser keeps its own stack: this one recurses.
constexpr int kMaxDepth = 64;

class FastReader {
 public:
  explicit FastReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool document(json& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  const char* p_;
  const char* end_;

  bool at(char c) const { return p_ < end_ && *p_ == c; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // Printable ASCII without escapes only: nlohmann decodes escapes and checks UTF-8.
  bool string(std::string_view& out) {
    ++p_;  // the opening quote
    const char* start = p_;
    for (; p_ < end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
    }
    return false;
  }

  // JSON's number grammar, converted as nlohmann converts: no fraction or exponent gives an
  // unsigned (or, with a minus, a signed) integer; anything that does not fit is left to it.
  bool number(json& out) {
    const char* start = p_;
    if (at('-')) ++p_;
    if (at('0')) {
      ++p_;
    } else if (p_ < end_ && *p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && digit(*p_)) ++p_;
    } else {
      return false;
    }
    bool is_float = false;
    if (at('.')) {
      is_float = true;
      ++p_;
      if (p_ >= end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (at('e') || at('E')) {
      is_float = true;
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (p_ >= end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (is_float) {
      double d = 0;
      const auto r = std::from_chars(start, p_, d);
      if (r.ec != std::errc() || r.ptr != p_) return false;  // out of range: nlohmann's call
      out = d;
    } else if (*start == '-') {
      std::int64_t i = 0;
      const auto r = std::from_chars(start, p_, i);
      if (r.ec != std::errc() || r.ptr != p_) return false;
      out = i;
    } else {
      std::uint64_t u = 0;
      const auto r = std::from_chars(start, p_, u);
      if (r.ec != std::errc() || r.ptr != p_) return false;
      out = u;
    }
    return true;
  }

  // Past the opening bracket: true when the container closes at once (empty).
  bool closes_at_once(char close) {
    ++p_;
    skip_space();
    if (!at(close)) return false;
    ++p_;
    return true;
  }

  // After an item: a comma (another item follows: *more) or the closing bracket.
  bool item_end(char close, bool* more) {
    skip_space();
    *more = at(',');
    if (*more) {
      ++p_;
      skip_space();
      return true;
    }
    if (!at(close)) return false;
    ++p_;
    return true;
  }

  bool object(json& out, int depth) {
    out = json::object();
    if (closes_at_once('}')) return true;
    for (bool more = true; more;) {
      if (!at('"')) return false;
      std::string_view key;
      if (!string(key)) return false;
      skip_space();
      if (!at(':')) return false;
      ++p_;
      skip_space();
      // operator[] keeps the first slot of a repeated key and the value assigned last, as
      // nlohmann's own parser does.
      if (!value(out[std::string(key)], depth + 1) || !item_end('}', &more)) return false;
    }
    return true;
  }

  bool array(json& out, int depth) {
    out = json::array();
    if (closes_at_once(']')) return true;
    for (bool more = true; more;) {
      out.push_back(nullptr);
      if (!value(out.back(), depth + 1) || !item_end(']', &more)) return false;
    }
    return true;
  }

  bool value(json& out, int depth) {
    if (p_ >= end_ || depth > kMaxDepth) return false;
    switch (*p_) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string_view s;
        if (!string(s)) return false;
        out = std::string(s);
        return true;
      }
      case 't':
        out = true;
        return literal("true");
      case 'f':
        out = false;
        return literal("false");
      case 'n':
        out = nullptr;
        return literal("null");
      default:
        return number(out);
    }
  }
};

}  // namespace

std::optional<nlohmann::json> parse_json_fast(std::string_view text) {
  try {
    json out;
    if (FastReader(text).document(out)) return out;
  } catch (const std::exception&) {  // bad_alloc on a huge body: nlohmann decides
  }
  return std::nullopt;
}

nlohmann::json parse_json(std::string_view text) {
  if (auto fast = parse_json_fast(text)) return std::move(*fast);
  return nlohmann::json::parse(text.begin(), text.end());
}

}  // namespace clipgen::protocol
