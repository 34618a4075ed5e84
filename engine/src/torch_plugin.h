// LibTorch as a plugin (libclipgen_torch.so, built from src/plugin/): the engine loads it with
// dlopen only for what the native runtime cannot do: a GPU, `runtime torchscript`, a model whose
// layout or file the native side does not know. Linking LibTorch into every program cost 0.42 s
// of a 0.45 s cold start and 159 of 198 MiB resident, with every CPU call running natively
// (docs/performance.md). This header is torch-free: both sides include it.
#pragma once

#include <memory>
#include <string>

#include "clipgen/error.h"
#include "model.h"
#include "native/weights.h"

namespace clipgen::engine::detail {

// One TorchScript module. Calls are not thread-safe (Model serialises them).
class TorchModule {
 public:
  virtual ~TorchModule() = default;
  virtual bool has_method(const std::string& name) const = 0;
  // Parameters and int/bool attributes as plain data, for the native runtime.
  virtual native::Weights weights() const = 0;

  // The v1 methods (docs/models.md); shapes as Model's, checked by Model before the call.
  virtual Result<Posterior> encode_classes(const ClassRows& classes, int steps, int depth,
                                           int z_size) = 0;
  virtual Result<Posterior> encode_groove(const FloatRows& rows, int steps, int z_size) = 0;
  virtual Result<ClassRows> decode_classes(const FloatRows& z, int z_size, double temperature,
                                           const FloatRows& uniforms, int steps, int depth) = 0;
  virtual Result<FloatRows> decode_groove(const FloatRows& z, int z_size, double temperature,
                                          const FloatRows& uniforms, int steps) = 0;
  // controls: null, or [B][(P + steps) * controls_depth] for generate_with_controls.
  virtual Result<ClassRows> generate(const ClassRows& primer, const FloatRows* controls,
                                     int controls_depth, int steps, double temperature,
                                     const FloatRows& uniforms, int depth) = 0;
};

struct TorchLoad {
  std::unique_ptr<TorchModule> module;  // null: `error` says why
  std::string clipgen_json;             // the file's extra/clipgen.json ("" when absent)
  std::string error;
};

class TorchRuntime {
 public:
  virtual ~TorchRuntime() = default;
  // "auto" -> "cuda" when available, else "mps", else "cpu"; an explicit device that is not
  // available is kInvalidRequest naming what is.
  virtual Result<std::string> resolve_device(const std::string& option) = 0;
  // Loads `path` onto `device` with `threads` intra-op threads (0 = the measured default, 1).
  virtual TorchLoad load(const std::string& path, const std::string& device, int threads) = 0;
  virtual std::string version() const = 0;
};

// The plugin, loaded once per process (thread-safe); null with `why` when it cannot be found or
// loaded. Search: beside the program as installed (<bin>/../<libdir>/clipgen/) and as built
// (<bin>/../lib/: every program and test of the build sits in <build>/bin); $CLIPGEN_TORCH_PLUGIN,
// when set, is the only path tried ("none": LibTorch stays off).
TorchRuntime* torch_runtime(std::string* why);
// Whether a GPU could be there for LibTorch to find, without loading it: on Linux, a CUDA build
// of LibTorch and an NVIDIA driver; always on macOS (MPS). Device "auto" loads the plugin only
// when this is true.
bool gpu_may_exist();

}  // namespace clipgen::engine::detail

// The plugin's one entry point (src/plugin/runtime.cpp).
extern "C" clipgen::engine::detail::TorchRuntime* clipgen_torch_runtime();
