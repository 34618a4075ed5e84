// TorchModule on a torch::jit::Module (plugin side only: includes LibTorch).
#pragma once

#include <torch/script.h>

#include "torch_plugin.h"

namespace clipgen::engine::detail {

class ScriptModule final : public TorchModule {
 public:
  ScriptModule(torch::jit::Module module, torch::Device device);

  bool has_method(const std::string& name) const override;
  native::Weights weights() const override;
  Result<Posterior> encode_classes(const ClassRows& classes, int steps, int depth,
                                   int z_size) override;
  Result<Posterior> encode_groove(const FloatRows& rows, int steps, int z_size) override;
  Result<ClassRows> decode_classes(const FloatRows& z, int z_size, double temperature,
                                   const FloatRows& uniforms, int steps, int depth) override;
  Result<FloatRows> decode_groove(const FloatRows& z, int z_size, double temperature,
                                  const FloatRows& uniforms, int steps) override;
  Result<ClassRows> generate(const ClassRows& primer, const FloatRows* controls, int controls_depth,
                             int steps, double temperature, const FloatRows& uniforms,
                             int depth) override;

 private:
  Result<Posterior> encode(const torch::Tensor& x, int z_size);

  torch::jit::Module module_;
  torch::Device device_;
};

}  // namespace clipgen::engine::detail
