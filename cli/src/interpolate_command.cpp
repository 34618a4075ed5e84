// clipgen interpolate a.mid b.mid --steps 5 -o out/
#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& argv) {
  ToolSpec spec{engine::Tool::kInterpolate,
                "interpolate A.mid B.mid [--steps N] [--kind melody|drums] -o OUT [options]",
                {"a", "b"},
                {{"steps", 0, true, "N  clips from A to B, both ends included, 1-16 (default 3)"},
                 {"kind", 'k', true, "KIND  melody or drums (default: from the clips)"}},
                [](const Args& args, nlohmann::json& body) -> Status {
                  put_string(args, "kind", "kind", body);
                  return put_number(args, "steps", "steps", body);
                }};
  return run_tool(spec, argv);
}
}  // namespace

Command interpolate_command() {
  return {"interpolate", "interpolate A.mid B.mid [--steps N] -o OUT",
          "clips that morph from one clip into another", run};
}

}  // namespace clipgen::cli
