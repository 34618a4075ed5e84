// clipgen continue in.mid --bars 8 -o out/
#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& argv) {
  ToolSpec spec{
      engine::Tool::kContinue,
      "continue IN.mid [--bars N] [-n N] [--kind melody|drums] -o OUT [options]",
      {"input"},
      {{"bars", 'b', true, "N  bars to add, 1-32 (default 2)"},
       {"variations", 'n', true, "N  continuations, 1-8 (default 4)"},
       {"kind", 'k', true, "KIND  melody or drums (default: drums if the clip is on channel 10)"}},
      [](const Args& args, nlohmann::json& body) -> Status {
        put_string(args, "kind", "kind", body);
        if (Status s = put_number(args, "bars", "length", body); !s) return s;
        return put_number(args, "variations", "variations", body);
      }};
  return run_tool(spec, argv);
}
}  // namespace

Command continue_command() {
  return {"continue", "continue IN.mid [--bars N] [-n N] -o OUT",
          "the clip followed by new bars in its style", run};
}

}  // namespace clipgen::cli
