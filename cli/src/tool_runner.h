// What the five tool subcommands share: flags, reading .mid inputs, building the same JSON
// request the daemon takes (so ranges and messages are identical), running the engine in
// process with a progress line, and writing .mid outputs.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "args.h"
#include "clipgen/engine/requests.h"

namespace clipgen::cli {

struct ToolSpec {
  engine::Tool tool;
  const char* usage;                // "groove IN.mid -o OUT.mid [options]"
  std::vector<std::string> inputs;  // request fields read from positional .mid files ("input")
  std::vector<FlagSpec> flags;      // the tool's own flags (common ones are added)
  // Copies the tool's own flag values into the request body (numbers parsed strictly).
  std::function<Status(const Args&, nlohmann::json& body)> fill;
};

int run_tool(const ToolSpec& spec, const std::vector<std::string>& argv);

// Helpers for ToolSpec::fill: a strictly parsed number or a string, under `field`.
Status put_number(const Args& args, const std::string& flag, const std::string& field,
                  nlohmann::json& body);
void put_string(const Args& args, const std::string& flag, const std::string& field,
                nlohmann::json& body);

// The models folder: --models, else $CLIPGEN_MODELS, else <exe>/../../models/shipped (build
// tree), else <exe>/../share/clipgen/models (installed), else "".
std::string default_models_dir();

// Where output i of n goes: OUT.mid for one clip, OUT-1.mid.. for several, or a folder
// (anything not ending in .mid/.midi) holding <tool>-01.mid...
std::string output_path(const std::string& out, const std::string& tool, size_t i, size_t n);

// "length: 40 is outside 1..32" -> "--bars: 40 is outside 1..32".
std::string with_flag_names(std::string message);

}  // namespace clipgen::cli
