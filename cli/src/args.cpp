#include "args.h"

#include <algorithm>

namespace clipgen::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<Args> parse_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
  Args out;
  auto find = [&](const std::string& name, char alias) -> const FlagSpec* {
    for (const auto& s : specs) {
      if ((!name.empty() && s.name == name) || (alias && s.alias == alias)) return &s;
    }
    return nullptr;
  };
  bool only_positionals = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positionals || a.size() < 2 || a[0] != '-') {
      out.positionals.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      spec = find(name, 0);
    } else if (a.size() == 2) {
      spec = find("", a[1]);
    }
    if (!spec) return make_error(ErrorKind::kInvalidRequest, "unknown option " + a);
    if (!spec->takes_value) {
      if (inline_value) {
        return make_error(ErrorKind::kInvalidRequest, "--" + spec->name + " takes no value");
      }
      out.values[spec->name] = "";
      continue;
    }
    if (inline_value) {
      out.values[spec->name] = *inline_value;
    } else if (i + 1 < args.size()) {
      out.values[spec->name] = args[++i];
    } else {
      return make_error(ErrorKind::kInvalidRequest, a + " needs a value");
    }
  }
  return out;
}

std::string flags_help(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  ";
    left += s.alias ? std::string("-") + s.alias + ", " : "    ";
    left += "--" + s.name;
    const auto space = s.help.find("  ");
    std::string arg = s.takes_value && space != std::string::npos ? s.help.substr(0, space) : "";
    std::string text = space != std::string::npos ? s.help.substr(space + 2) : s.help;
    text.erase(0, text.find_first_not_of(' '));
    if (!arg.empty()) left += " " + arg;
    if (left.size() < 30) left.resize(30, ' ');
    out += left + " " + text + "\n";
  }
  return out;
}

}  // namespace clipgen::cli
