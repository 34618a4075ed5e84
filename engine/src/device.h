// Which device the engine runs on, asking LibTorch only when a GPU could be there.
#pragma once

#include <string>

#include "clipgen/error.h"

namespace clipgen::engine::detail {

// "auto" -> "cuda" when available, else "mps", else "cpu"; "cpu" never loads LibTorch, and
// neither does "auto" where LibTorch could find no GPU (torch_plugin.h: gpu_may_exist). An
// explicit device that is not available is kInvalidRequest naming what is.
Result<std::string> resolve_device(const std::string& option);

}  // namespace clipgen::engine::detail
