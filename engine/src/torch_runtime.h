// Process-wide LibTorch settings behind a torch-free interface.
#pragma once

#include <string>

#include "clipgen/error.h"

namespace clipgen::engine::detail {

// "auto" -> "cuda" when available, else "mps" when this torch has it, else "cpu". An explicit
// device that is not available is kInvalidRequest naming what is.
Result<std::string> resolve_device(const std::string& option);
// Sets torch's intra-op threads (0 = the measured default, 1) and pins OpenBLAS to 1 thread unless
// the user set OPENBLAS_NUM_THREADS. Returns the count in use.
int configure_threads(int threads);
// On the CPU, turns TorchScript's graph-executor optimisation off: the profiling executor's
// record-then-optimise calls cost each method two slow first calls (warm-up and the first
// request) and gained nothing measurable on these models (docs/performance.md). GPUs keep it
// (their fusers need it).
void configure_executor(const std::string& device);
std::string torch_version();

}  // namespace clipgen::engine::detail
