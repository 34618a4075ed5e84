// Collects located problems up to a cap; shared by validation and JSON parsing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/protocol/validation.h"

namespace clipgen::protocol::detail {

class ProblemList {
 public:
  ProblemList(std::vector<Problem>& out, std::size_t cap, std::string prefix)
      : out_(out), cap_(cap < 2 ? 2 : cap), prefix_(std::move(prefix)) {}

  // "notes[3].pitch" -> "<prefix>.notes[3].pitch"; "" -> "<prefix>".
  std::string where(std::string_view path) const {
    if (prefix_.empty()) return std::string(path);
    if (path.empty()) return prefix_;
    return prefix_ + "." + std::string(path);
  }

  void add(std::string_view path, std::string message) {
    if (full()) return;
    if (out_.size() + 1 == cap_) {
      out_.push_back(
          {where(""), "too many problems; stopped after " + std::to_string(out_.size())});
      return;
    }
    out_.push_back({where(path), std::move(message)});
  }

  bool full() const { return out_.size() >= cap_; }

 private:
  std::vector<Problem>& out_;
  std::size_t cap_;
  std::string prefix_;
};

inline std::string index_path(std::string_view array, std::size_t i, std::string_view field) {
  std::string s(array);
  s += '[';
  s += std::to_string(i);
  s += ']';
  if (!field.empty()) {
    s += '.';
    s += field;
  }
  return s;
}

// notes[i].field, spelled out only when a problem names it: building the text of every field
// of every note up front was most of the parse time (~1 us a note; a 16-bar drum clip has 400).
struct ItemPath {
  std::string_view array;
  std::size_t index;
  std::string_view field;
};
inline std::string path_text(const std::string& path) {
  return path;
}
inline std::string path_text(const ItemPath& path) {
  return index_path(path.array, path.index, path.field);
}

}  // namespace clipgen::protocol::detail
