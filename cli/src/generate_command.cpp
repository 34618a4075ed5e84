// clipgen generate --kind drums -n 4 -o out/
#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& argv) {
  ToolSpec spec{engine::Tool::kGenerate,
                "generate [--kind melody|drums] [-n N] -o OUT [options]",
                {},
                {{"kind", 'k', true, "KIND  melody or drums (default melody)"},
                 {"variations", 'n', true, "N  clips to generate, 1-16 (default 8)"}},
                [](const Args& args, nlohmann::json& body) -> Status {
                  body["kind"] = args.get("kind").value_or("melody");
                  return put_number(args, "variations", "variations", body);
                }};
  return run_tool(spec, argv);
}
}  // namespace

Command generate_command() {
  return {"generate", "generate [--kind melody|drums] [-n N] -o OUT",
          "new 4-bar melodies or drum beats from nothing", run};
}

}  // namespace clipgen::cli
