// One TorchScript module behind the torch-free TorchModule interface (torch_plugin.h).
#include "plugin/script_module.h"

#include <algorithm>
#include <vector>

namespace clipgen::engine::detail {

namespace {

Error internal(const std::string& what) {
  return make_error(ErrorKind::kInternal, what);
}

// [B][width] rows as a [B, width] tensor of `dtype` on the CPU.
template <class T>
torch::Tensor to_tensor(const std::vector<std::vector<T>>& rows, int64_t width,
                        torch::Dtype dtype) {
  auto t = torch::empty({static_cast<int64_t>(rows.size()), width}, dtype);
  T* out = t.data_ptr<T>();
  for (const auto& r : rows) {
    std::copy(r.begin(), r.end(), out);
    out += width;
  }
  return t;
}
torch::Tensor to_tensor(const FloatRows& rows, int64_t width) {
  return to_tensor(rows, width, torch::kFloat32);
}
torch::Tensor to_tensor(const ClassRows& rows, int64_t width) {
  return to_tensor(rows, width, torch::kInt64);
}

// [B, N...] tensor on any device -> B rows of T on the CPU.
template <class T>
std::vector<std::vector<T>> rows_of(const torch::Tensor& t, torch::Dtype dtype) {
  auto c = t.to(torch::kCPU, dtype).contiguous().reshape({t.size(0), -1});
  std::vector<std::vector<T>> rows(static_cast<size_t>(c.size(0)));
  const T* p = c.data_ptr<T>();
  for (auto& r : rows) {
    r.assign(p, p + c.size(1));
    p += c.size(1);
  }
  return rows;
}
FloatRows float_rows(const torch::Tensor& t) {
  return rows_of<float>(t, torch::kFloat32);
}
ClassRows class_rows(const torch::Tensor& t) {
  return rows_of<int64_t>(t, torch::kInt64);
}

// Every class in [0, depth): a model that returns others is broken, not the request.
Result<ClassRows> checked_classes(const torch::Tensor& out, int depth, const std::string& what) {
  auto rows = class_rows(out);
  for (const auto& r : rows) {
    for (int64_t c : r) {
      if (c < 0 || c >= depth) return internal(what + " returned class " + std::to_string(c));
    }
  }
  return rows;
}

}  // namespace

ScriptModule::ScriptModule(torch::jit::Module module, torch::Device device)
    : module_(std::move(module)), device_(device) {}

bool ScriptModule::has_method(const std::string& name) const {
  return module_.find_method(name).has_value();
}

native::Weights ScriptModule::weights() const {
  native::Weights w;
  for (const auto& p : module_.named_parameters(/*recurse=*/true)) {
    auto t = p.value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    native::Param param;
    param.shape = t.sizes().vec();
    const float* d = t.data_ptr<float>();
    param.data.assign(d, d + t.numel());
    w.params[p.name] = std::move(param);
  }
  for (const auto& a : module_.named_attributes(/*recurse=*/true)) {
    if (a.value.isInt()) w.attributes[a.name] = a.value.toInt();
    if (a.value.isBool()) w.attributes[a.name] = a.value.toBool() ? 1 : 0;
  }
  return w;
}

Result<Posterior> ScriptModule::encode(const torch::Tensor& x, int z_size) {
  const int64_t b = x.size(0);
  auto lengths = torch::full({b}, x.size(1), torch::kInt64);
  auto out = module_.get_method("encode")({x.to(device_), lengths.to(device_)});
  if (!out.isTuple() || out.toTupleRef().elements().size() != 2) {
    return internal("encode did not return (mu, sigma)");
  }
  const auto& el = out.toTupleRef().elements();
  auto mu = el[0].toTensor();
  auto sigma = el[1].toTensor();
  if (mu.dim() != 2 || mu.size(0) != b || mu.size(1) != z_size || sigma.sizes() != mu.sizes()) {
    return internal("encode returned mu of shape " + c10::str(mu.sizes()) + ", expected [" +
                    std::to_string(b) + ", " + std::to_string(z_size) + "]");
  }
  return Posterior{float_rows(mu), float_rows(sigma)};
}

Result<Posterior> ScriptModule::encode_classes(const ClassRows& classes, int steps, int depth,
                                               int z_size) {
  torch::InferenceMode guard;
  auto x = torch::one_hot(to_tensor(classes, steps), depth).to(torch::kFloat32);
  return encode(x, z_size);
}

Result<Posterior> ScriptModule::encode_groove(const FloatRows& rows, int steps, int z_size) {
  torch::InferenceMode guard;
  auto x = to_tensor(rows, int64_t{steps} * kGrooveDepth).reshape({-1, steps, kGrooveDepth});
  return encode(x, z_size);
}

Result<ClassRows> ScriptModule::decode_classes(const FloatRows& z, int z_size, double temperature,
                                               const FloatRows& uniforms, int steps, int depth) {
  torch::InferenceMode guard;
  auto zt = to_tensor(z, z_size).to(device_);
  auto ut = to_tensor(uniforms, steps).to(device_);
  auto out = module_.get_method("decode")({zt, temperature, ut}).toTensor();
  if (out.dim() != 2 || out.size(0) != zt.size(0) || out.size(1) != steps) {
    return internal("decode returned shape " + c10::str(out.sizes()));
  }
  return checked_classes(out, depth, "decode");
}

Result<FloatRows> ScriptModule::decode_groove(const FloatRows& z, int z_size, double temperature,
                                              const FloatRows& uniforms, int steps) {
  torch::InferenceMode guard;
  auto zt = to_tensor(z, z_size).to(device_);
  auto ut =
      to_tensor(uniforms, int64_t{steps} * kNumDrumClasses).reshape({-1, steps, kNumDrumClasses});
  auto out = module_.get_method("decode")({zt, temperature, ut.to(device_)}).toTensor();
  if (out.dim() != 3 || out.size(0) != zt.size(0) || out.size(1) != steps ||
      out.size(2) != kGrooveDepth) {
    return internal("decode returned shape " + c10::str(out.sizes()));
  }
  return float_rows(out);
}

Result<ClassRows> ScriptModule::generate(const ClassRows& primer, const FloatRows* controls,
                                         int controls_depth, int steps, double temperature,
                                         const FloatRows& uniforms, int depth) {
  torch::InferenceMode guard;
  const auto p = static_cast<int64_t>(primer.front().size());
  auto pt = to_tensor(primer, p).to(device_);
  auto ut = to_tensor(uniforms, steps).to(device_);
  torch::Tensor out;
  if (controls) {
    auto ct = to_tensor(*controls, (p + steps) * controls_depth)
                  .reshape({-1, p + steps, int64_t{controls_depth}});
    out = module_
              .get_method("generate_with_controls")(
                  {pt, ct.to(device_), int64_t{steps}, temperature, ut})
              .toTensor();
  } else {
    out = module_.get_method("generate")({pt, int64_t{steps}, temperature, ut}).toTensor();
  }
  if (out.dim() != 2 || out.size(0) != pt.size(0) || out.size(1) != steps) {
    return internal("generate returned shape " + c10::str(out.sizes()));
  }
  return checked_classes(out, depth, "generate");
}

}  // namespace clipgen::engine::detail
