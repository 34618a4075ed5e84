#include "config_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "text.h"
#include "user_dirs.h"

namespace clipgen::daemon {
namespace {

// Optimal string alignment distance: a swap of two neighbours ("prot") counts as one edit.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

Error line_error(const std::string& label, size_t line, const std::string& what) {
  return Error{ErrorKind::kInvalidRequest, label + " line " + std::to_string(line) + ": " + what};
}

// The value after '=': quoted ("..." with escapes, or '...') or bare up to a " #" comment.
Result<std::string> parse_value(std::string_view raw, const std::string& label, size_t line,
                                const std::string& key) {
  raw = trim(raw);
  if (raw.empty() || raw.front() == '#') {
    return line_error(label, line,
                      "'" + key + "' has no value (delete the line to use the default)");
  }
  const char quote = raw.front();
  if (quote != '"' && quote != '\'') {
    // A '#' starts a comment only after a space, so values like "a#b" survive.
    for (size_t i = 1; i < raw.size(); ++i) {
      if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
        return std::string(trim(raw.substr(0, i)));
      }
    }
    return std::string(raw);
  }
  std::string value;
  size_t i = 1;
  for (; i < raw.size() && raw[i] != quote; ++i) {
    if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
      const char next = raw[++i];
      switch (next) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case '"':
        case '\\':
          value += next;
          break;
        default:
          return line_error(label, line,
                            std::string("unknown escape '\\") + next + "' in '" + key +
                                "' (write \\\\ for a backslash)");
      }
      continue;
    }
    value += raw[i];
  }
  if (i >= raw.size())
    return line_error(label, line, "the value of '" + key + "' has no closing " + quote);
  std::string_view rest = trim(raw.substr(i + 1));
  if (!rest.empty() && rest.front() != '#') {
    return line_error(label, line, "unexpected text after the quoted value of '" + key + "'");
  }
  return value;
}

const OptionSpec* find_option(const std::string& name) {
  for (const auto& spec : option_specs()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::string closest_option(const std::string& key) {
  std::string best;
  size_t best_distance = 3;  // suggest only near misses
  for (const auto& spec : option_specs()) {
    const size_t d = edit_distance(key, spec.name);
    if (d < best_distance && d <= key.size() / 3 + 1) {
      best = spec.name;
      best_distance = d;
    }
  }
  return best;
}

Result<RawLayer> parse_config_text(std::string_view text, const std::string& label) {
  RawLayer layer;
  std::map<std::string, size_t> first_line;
  std::istringstream in{std::string(text)};
  std::string raw_line;
  for (size_t line = 1; std::getline(in, raw_line); ++line) {
    std::string_view content = trim(raw_line);
    if (line == 1 && content.rfind("\xEF\xBB\xBF", 0) == 0) content = trim(content.substr(3));
    if (content.empty() || content.front() == '#') continue;
    if (content.front() == '[') {
      return line_error(label, line,
                        "sections like " + std::string(content) +
                            " are not used; write plain 'key = value' lines");
    }
    const auto eq = content.find('=');
    if (eq == std::string_view::npos) {
      return line_error(label, line, "expected 'key = value', got '" + std::string(content) + "'");
    }
    std::string key(trim(content.substr(0, eq)));
    std::replace(key.begin(), key.end(), '_', '-');  // TOML habit: api_key = ...
    if (key.empty()) return line_error(label, line, "a value without a key");
    if (key == "config") {
      return line_error(label, line, "'config' cannot be set inside the settings file");
    }
    const OptionSpec* spec = find_option(key);
    if (spec == nullptr) {
      std::string hint = closest_option(key);
      return line_error(label, line,
                        "unknown key '" + key + "'" +
                            (hint.empty() ? std::string(" (see clipgend --help)")
                                          : " (did you mean '" + hint + "'?)"));
    }
    auto value = parse_value(content.substr(eq + 1), label, line, key);
    if (!value) return value.error();
    const std::string origin = label + " line " + std::to_string(line);
    if (auto seen = first_line.find(key); seen != first_line.end() && !spec->repeatable) {
      return line_error(label, line,
                        "'" + key + "' is already set on line " + std::to_string(seen->second));
    }
    first_line.emplace(key, line);
    RawValue& raw = layer[key];
    raw.values.push_back(*value);
    raw.origin = origin;
  }
  return layer;
}

ConfigLocation locate_config(const RawLayer& flags, const RawLayer& environment,
                             const Getenv& getenv) {
  for (const RawLayer* layer : {&flags, &environment}) {
    auto it = layer->find("config");
    if (it != layer->end() && !it->second.values.empty()) {
      return {it->second.values.back(), true};
    }
  }
  return {default_config_path(getenv), false};
}

Result<RawLayer> read_config_file(const ConfigLocation& location) {
  if (location.path.empty()) return RawLayer{};
  std::error_code ec;
  if (!std::filesystem::exists(location.path, ec)) {
    if (!location.explicit_choice) return RawLayer{};
    return Error{ErrorKind::kInvalidRequest, "settings file '" + location.path +
                                                 "' does not exist (--config / CLIPGEN_CONFIG)"};
  }
  std::ifstream file(location.path, std::ios::binary);
  std::ostringstream text;
  if (!file || !(text << file.rdbuf())) {
    // An empty file reads as a failed stream insertion; that is fine, it sets nothing.
    if (file && std::filesystem::file_size(location.path, ec) == 0) return RawLayer{};
    return Error{ErrorKind::kInvalidRequest, "cannot read settings file '" + location.path + "'"};
  }
  return parse_config_text(text.str(), location.path);
}

}  // namespace clipgen::daemon
