// clipgen drumify bass.mid -o out.mid
#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& argv) {
  ToolSpec spec{engine::Tool::kDrumify,
                "drumify IN.mid [-n N] -o OUT [options]",
                {"input"},
                {{"variations", 'n', true, "N  drum clips, 1-8 (default 1)"}},
                [](const Args& args, nlohmann::json& body) -> Status {
                  return put_number(args, "variations", "variations", body);
                }};
  return run_tool(spec, argv);
}
}  // namespace

Command drumify_command() {
  return {"drumify", "drumify IN.mid [-n N] -o OUT",
          "a drum beat that follows the rhythm of any clip", run};
}

}  // namespace clipgen::cli
