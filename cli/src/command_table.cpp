#include "command.h"

namespace clipgen::cli {

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      generate_command(), continue_command(), interpolate_command(),
      groove_command(),   drumify_command(),  service_command(),
  };
  return table;
}

}  // namespace clipgen::cli
