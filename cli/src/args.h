// A small command-line reader: "--name value", "--name=value", short aliases ("-n 4"),
// boolean flags, positionals. Each subcommand declares what it accepts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::cli {

struct FlagSpec {
  std::string name;  // without "--"
  char alias = 0;    // short form, 0 = none
  bool takes_value = true;
  std::string help;  // "--kind melody|drums   what to generate"
};

struct Args {
  std::map<std::string, std::string> values;  // flag -> value ("" for booleans)
  std::vector<std::string> positionals;
  bool has(const std::string& name) const { return values.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
};

// kInvalidRequest naming the unknown flag or the missing value.
Result<Args> parse_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

// "  -n, --variations N   ..." lines for --help.
std::string flags_help(const std::vector<FlagSpec>& specs);

}  // namespace clipgen::cli
