// A clipgen subcommand. To add one: write <name>_command.cpp defining a function that returns
// its Command, declare it below and add it to the table in command_table.cpp (one line each).
#pragma once

#include <string>
#include <vector>

namespace clipgen::cli {

struct Command {
  const char* name;     // "generate"
  const char* usage;    // "generate [--kind melody|drums] [-n N] -o OUT"
  const char* summary;  // one line for `clipgen --help`
  int (*run)(const std::vector<std::string>& args);  // args after the name; returns exit code
};

Command generate_command();
Command continue_command();
Command interpolate_command();
Command groove_command();
Command drumify_command();
Command service_command();  // installer/: the login service

// Every subcommand, in --help order.
const std::vector<Command>& command_table();

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the tool could not do it (message says why)
inline constexpr int kExitUsage = 2;   // bad command line or option value

}  // namespace clipgen::cli
