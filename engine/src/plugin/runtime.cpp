// The plugin's entry: devices, threads and loading on LibTorch. Built into libclipgen_torch.so
// only; the engine reaches it through torch_plugin.h.
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/csrc/jit/python/update_graph_executor_opt.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include <cstdlib>

#include "plugin/script_module.h"

namespace clipgen::engine::detail {

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

void configure_threads(int threads) {
  // OpenBLAS read its environment when it was loaded (with this plugin): tell it directly. It
  // is found at run time so builds against another BLAS still link.
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
  at::set_num_threads(threads > 0 ? threads : 1);
}

class Runtime final : public TorchRuntime {
 public:
  Result<std::string> resolve_device(const std::string& option) override {
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
      if (digits && torch::cuda::is_available() &&
          std::stoul(index) < torch::cuda::device_count()) {
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

  TorchLoad load(const std::string& path, const std::string& device, int threads) override {
    configure_threads(threads);
    // On the CPU the profiling executor's record-then-optimise calls cost each method two slow
    // first calls and gained nothing measurable on these models (docs/performance.md); GPUs
    // keep it (their fusers need it).
    if (device == "cpu") torch::jit::setGraphExecutorOptimize(false);
    TorchLoad out;
    torch::jit::ExtraFilesMap extra{{"clipgen.json", ""}};
    try {
      torch::Device d(device);
      auto module = torch::jit::load(path, d, extra);
      module.eval();
      out.module = std::make_unique<ScriptModule>(std::move(module), d);
      out.clipgen_json = extra["clipgen.json"];
    } catch (const std::exception& e) {
      std::string what = e.what();
      out.error = what.substr(0, what.find('\n'));
    }
    return out;
  }

  std::string version() const override { return TORCH_VERSION; }
};

}  // namespace
}  // namespace clipgen::engine::detail

extern "C" __attribute__((visibility("default"))) clipgen::engine::detail::TorchRuntime*
clipgen_torch_runtime() {
  static clipgen::engine::detail::Runtime runtime;
  return &runtime;
}
