// clipgen: the ClipGen tools on .mid files, in process (no daemon). Subcommands come from
// command_table() (command.h says how to add one).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "clipgen/engine/engine.h"
#include "command.h"

#ifndef CLIPGEN_VERSION
#define CLIPGEN_VERSION "dev"
#endif

namespace {

void print_help() {
  std::printf(
      "clipgen %s: Magenta Studio's tools on MIDI files\n\nusage: clipgen COMMAND [options]\n\n",
      CLIPGEN_VERSION);
  for (const auto& c : clipgen::cli::command_table()) {
    std::printf("  %-13s %s\n  %-13s   clipgen %s\n", c.name, c.summary, "", c.usage);
  }
  std::printf(
      "\nCommon options: --seed N, -t/--temperature T, --models DIR, --device DEV, --json,\n"
      "--quiet. `clipgen COMMAND --help` lists all of a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  clipgen::engine::prepare_process_environment();  // before any library starts threads
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_help();
    return argc < 2 ? clipgen::cli::kExitUsage : clipgen::cli::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-V")) {
    std::printf("clipgen %s (torch %s)\n", CLIPGEN_VERSION,
                clipgen::engine::Engine::torch_version().c_str());
    return clipgen::cli::kExitOk;
  }
  const std::vector<std::string> rest(argv + 2, argv + argc);
  for (const auto& c : clipgen::cli::command_table()) {
    if (argv[1] == std::string(c.name)) return c.run(rest);
  }
  std::fprintf(stderr, "clipgen: unknown command '%s' (clipgen --help lists them)\n", argv[1]);
  return clipgen::cli::kExitUsage;
}
