// The one place that decides which Backend clipgend runs; the engine swaps make_backend.cpp.
#pragma once

#include <memory>
#include <string>

#include "backend.h"
#include "options.h"

namespace clipgen::daemon {

// `models_dir` is the resolved model folder (options.models_dir or the default).
std::unique_ptr<Backend> make_backend(const Options& options, const std::string& models_dir);

}  // namespace clipgen::daemon
