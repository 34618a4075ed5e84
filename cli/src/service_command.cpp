// clipgen service install|uninstall|status|logs|print: runs clipgend at every login. The work
// is in installer/ (library clipgen_service); this only puts it in the command table.
#include <iostream>

#include "clipgen/service/command.h"
#include "command.h"

namespace clipgen::cli {
namespace {
int run(const std::vector<std::string>& args) {
  return service::run_service_command(args, std::cout, std::cerr);
}
}  // namespace

Command service_command() {
  return {"service", "service install|uninstall|status|logs|print [options]",
          "start clipgend at every login (install), stop that (uninstall), check it", run};
}

}  // namespace clipgen::cli
