// `clipgen_service_tool <service args>`: the `clipgen service` command on its own, so the
// installer tests can drive it end to end before and without the full CLI.
#include <iostream>
#include <string>
#include <vector>

#include "clipgen/service/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return clipgen::service::run_service_command(args, std::cout, std::cerr);
}
