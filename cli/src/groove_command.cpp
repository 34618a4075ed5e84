// clipgen groove beat.mid -o out.mid
#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& argv) {
  ToolSpec spec{engine::Tool::kGroove,
                "groove IN.mid [--amount A] -o OUT.mid [options]",
                {"input"},
                {{"amount", 'a', true, "A  0 = as played in, 1 = full groove (default 1)"}},
                [](const Args& args, nlohmann::json& body) -> Status {
                  return put_number(args, "amount", "amount", body);
                }};
  return run_tool(spec, argv);
}
}  // namespace

Command groove_command() {
  return {"groove", "groove IN.mid -o OUT.mid",
          "the same drum hits with a drummer's timing and dynamics", run};
}

}  // namespace clipgen::cli
