#include "torch_runtime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <torch/csrc/jit/python/update_graph_executor_opt.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdlib>

#include "clipgen/engine/engine.h"

namespace clipgen::engine {

void prepare_process_environment() {
  setenv("OPENBLAS_NUM_THREADS", "1", /*overwrite=*/0);
#if defined(__GLIBC__)
  // glibc serves blocks over 128 KiB-32 MiB (adaptive) with fresh mmaps and trims the heap
  // top past 128 KiB, so every request re-faults the same tensor pages from the kernel (13 %
  // of a Groove request's profile). Keeping them in the heap: Groove 16 bars 12.8 -> 8.6 ms,
  // Generate x8 drums 9.3 -> 8.4 ms, for ~8 MiB more resident. GLIBC_TUNABLES still wins.
  if (std::getenv("GLIBC_TUNABLES") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
  }
#endif
}

namespace detail {

namespace {
bool mps_available() {
  // at::hasMPS() exists from torch 1.12 on; it is false on builds without Metal (Linux).
#if TORCH_VERSION_MAJOR > 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR >= 12)
  return at::hasMPS();
#else
  return false;
#endif
}

std::string available_list() {
  std::string s = "cpu";
  if (torch::cuda::is_available()) s += ", cuda";
  if (mps_available()) s += ", mps";
  return s;
}
}  // namespace

Result<std::string> resolve_device(const std::string& option) {
  if (option.empty() || option == "auto") {
    if (torch::cuda::is_available()) return std::string("cuda");
    if (mps_available()) return std::string("mps");
    return std::string("cpu");
  }
  if (option == "cpu") return option;
  if (option.rfind("cuda:", 0) == 0) {  // a particular GPU
    const std::string index = option.substr(5);
    const bool digits = !index.empty() && index.size() < 4 &&
                        index.find_first_not_of("0123456789") == std::string::npos;
    if (digits && torch::cuda::is_available() && std::stoul(index) < torch::cuda::device_count()) {
      return option;
    }
    return make_error(ErrorKind::kInvalidRequest,
                      "device " + option +
                          " is not available here (available: " + available_list() + ", " +
                          std::to_string(torch::cuda::device_count()) + " CUDA devices)");
  }
  if (option == "cuda" || option == "mps") {
    const bool ok = option == "cuda" ? torch::cuda::is_available() : mps_available();
    if (ok) return option;
    return make_error(
        ErrorKind::kInvalidRequest,
        "device " + option + " is not available here (available: " + available_list() + ")");
  }
  return make_error(ErrorKind::kInvalidRequest,
                    "device must be auto, cpu, cuda, cuda:N or mps, got '" + option + "'");
}

int configure_threads(int threads) {
  prepare_process_environment();
  // OpenBLAS read its environment when it was loaded, before main(): tell it directly. It is
  // found at run time so builds against another BLAS still link.
  if (const char* user = std::getenv("OPENBLAS_NUM_THREADS"); user && std::string(user) == "1") {
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
      fn(1);
    }
  }
  // Default 1: the models are small recurrent nets (batch <= 16, 128-256 units), whose many tiny
  // steps gain nothing from intra-op threads; measured on the 2-core dev box (docs/tools.md), 2
  // threads were 2-10x slower than 1 on every tool. Concurrent requests (clipgend --workers)
  // use the other cores.
  const int n = threads > 0 ? threads : 1;
  at::set_num_threads(n);
  return at::get_num_threads();
}

void configure_executor(const std::string& device) {
  // bench: Engine::open + warm-up of the shipped models 219-273 ms -> 94-99 ms, steady state
  // unchanged (clipgen_bench --graph-opt 0).
  if (device == "cpu") torch::jit::setGraphExecutorOptimize(false);
}

std::string torch_version() {
  return TORCH_VERSION;
}

}  // namespace detail
}  // namespace clipgen::engine
