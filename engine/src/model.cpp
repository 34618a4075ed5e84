// LibTorch side of Model: load with clipgen.json, check and warm up, run the v1 methods.
#include "model.h"

#include <torch/script.h>

#include <filesystem>
#include <system_error>

#include "native/helper_thread.h"
#include "native/rnn.h"
#include "native/vae.h"

namespace clipgen::engine::detail {

struct Model::Impl {
  torch::jit::Module module;
  torch::Device device{torch::kCPU};
  // The native CPU runtime of the same weights (docs/performance.md); null = TorchScript.
  std::unique_ptr<native::Vae> vae;
  std::unique_ptr<native::Rnn> rnn;
};

namespace {

Error internal(const std::string& what) {
  return make_error(ErrorKind::kInternal, what);
}

torch::Tensor to_tensor(const FloatRows& rows, int64_t width) {
  auto t = torch::empty({static_cast<int64_t>(rows.size()), width}, torch::kFloat32);
  float* out = t.data_ptr<float>();
  for (const auto& r : rows) {
    std::copy(r.begin(), r.end(), out);
    out += width;
  }
  return t;
}

torch::Tensor to_tensor(const ClassRows& rows, int64_t width) {
  auto t = torch::empty({static_cast<int64_t>(rows.size()), width}, torch::kInt64);
  int64_t* out = t.data_ptr<int64_t>();
  for (const auto& r : rows) {
    std::copy(r.begin(), r.end(), out);
    out += width;
  }
  return t;
}

// [B, N...] tensor on any device -> B float rows on the CPU.
FloatRows float_rows(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous().reshape({t.size(0), -1});
  FloatRows rows(static_cast<size_t>(c.size(0)));
  const float* p = c.data_ptr<float>();
  for (auto& r : rows) {
    r.assign(p, p + c.size(1));
    p += c.size(1);
  }
  return rows;
}

ClassRows class_rows(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kInt64).contiguous();
  ClassRows rows(static_cast<size_t>(c.size(0)));
  const int64_t* p = c.data_ptr<int64_t>();
  for (auto& r : rows) {
    r.assign(p, p + c.size(1));
    p += c.size(1);
  }
  return rows;
}

// Parameters and int/bool attributes (layer sizes, flags) as plain data for the native runtime.
native::Weights extract_weights(const torch::jit::Module& module) {
  native::Weights w;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    auto t = p.value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    native::Param param;
    param.shape = t.sizes().vec();
    const float* d = t.data_ptr<float>();
    param.data.assign(d, d + t.numel());
    w.params[p.name] = std::move(param);
  }
  for (const auto& a : module.named_attributes(/*recurse=*/true)) {
    if (a.value.isInt()) w.attributes[a.name] = a.value.toInt();
    if (a.value.isBool()) w.attributes[a.name] = a.value.toBool() ? 1 : 0;
  }
  return w;
}

bool same_width(const FloatRows& rows, size_t width) {
  for (const auto& r : rows) {
    if (r.size() != width) return false;
  }
  return true;
}

}  // namespace

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::~Model() = default;

std::unique_ptr<Model> Model::load(const std::string& path, const std::string& device, bool warm_up,
                                   bool native) {
  std::unique_ptr<Model> m(new Model());
  namespace fs = std::filesystem;
  m->info_.path = path;
  m->info_.id = fs::path(path).stem().string();
  m->info_.device = device;
  m->info_.status = "error";
  std::error_code ec;
  m->info_.size_bytes = fs::file_size(path, ec);
  if (ec) {
    m->info_.size_bytes = 0;
    m->info_.reason = "cannot read the file: " + ec.message();
    return m;
  }
  torch::jit::ExtraFilesMap extra{{"clipgen.json", ""}};
  try {
    m->impl_->device = torch::Device(device);
    m->impl_->module = torch::jit::load(path, m->impl_->device, extra);
    m->impl_->module.eval();
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    m->info_.reason = "not a loadable TorchScript model (" + what + ")";
    return m;
  }
  if (extra["clipgen.json"].empty()) {
    m->info_.reason = "no clipgen.json metadata inside the file (see docs/models.md)";
    return m;
  }
  auto meta = parse_model_meta(extra["clipgen.json"]);
  if (!meta) {
    m->info_.reason = meta.error().message;
    return m;
  }
  m->meta_ = std::move(meta).value();
  m->info_.id = m->meta_.id;
  m->info_.kind = m->meta_.kind;
  m->info_.tools = m->meta_.tools;
  m->info_.converter = m->meta_.converter.type;
  m->info_.bars = m->meta_.bars;
  m->info_.source = m->meta_.source;
  const std::vector<std::string> needed =
      m->meta_.is_vae()             ? std::vector<std::string>{"encode", "decode"}
      : m->meta_.controls_depth > 0 ? std::vector<std::string>{"generate_with_controls"}
                                    : std::vector<std::string>{"generate"};
  for (const auto& name : needed) {
    if (!m->impl_->module.find_method(name)) {
      m->info_.reason = "the model has no '" + name + "' method (interface v1 needs it)";
      return m;
    }
  }
  m->info_.runtime = "torchscript";
  if (native && m->impl_->device.is_cpu()) {
    try {
      auto weights = extract_weights(m->impl_->module);
      if (m->meta_.is_vae()) {
        m->impl_->vae = native::Vae::build(std::move(weights), m->meta_.kind);
      } else {
        m->impl_->rnn = native::Rnn::build(std::move(weights));
      }
      m->info_.runtime = "native";
      // Every call now runs natively: the TorchScript module's tensors and graphs would be a
      // second copy of the model in memory.
      m->impl_->module = torch::jit::Module();
    } catch (const native::LayoutError& e) {
      m->info_.runtime_note = "native runtime unavailable: " + e.message;
    } catch (const std::exception& e) {
      m->info_.runtime_note = std::string("native runtime unavailable: ") + e.what();
    }
  }
  if (warm_up) {
    Status s = m->warm_up();
    if (!s) {
      m->info_.reason = "warm-up call failed: " + s.error().message;
      return m;
    }
  }
  m->info_.status = "ready";
  return m;
}

int Model::depth() const {
  const auto& c = meta_.converter;
  if (c.type == "melody") return c.max_pitch - c.min_pitch + 3;
  if (c.type == "drums") return kDrumDepth;
  return kGrooveDepth;
}

Status Model::warm_up() {
  const auto& c = meta_.converter;
  if (meta_.kind == "musicrnn" && meta_.controls_depth > 0) {
    auto r = generate_with_controls(
        ClassRows{{0}}, FloatRows{std::vector<float>(2 * size_t(meta_.controls_depth), 0.0f)}, 1,
        1.0, FloatRows{{0.5f}});
    if (!r) return r.error();
    return Ok{};
  }
  if (meta_.kind == "musicrnn") {
    auto r = generate(ClassRows{{0}}, 1, 1.0, FloatRows{{0.5f}});
    if (!r) return r.error();
    return Ok{};
  }
  const size_t t = static_cast<size_t>(c.num_steps);
  FloatRows z{std::vector<float>(static_cast<size_t>(meta_.z_size), 0.0f)};
  if (meta_.kind == "groovae") {
    auto e = encode_groove(FloatRows{std::vector<float>(t * kGrooveDepth, 0.0f)});
    if (!e) return e.error();
    auto d = decode_groove(z, 1.0, FloatRows{std::vector<float>(t * kNumDrumClasses, 0.5f)});
    if (!d) return d.error();
    return Ok{};
  }
  auto e = encode_classes(ClassRows{std::vector<int64_t>(t, 0)});
  if (!e) return e.error();
  auto d = decode_classes(z, 1.0, FloatRows{std::vector<float>(t, 0.5f)});
  if (!d) return d.error();
  return Ok{};
}

namespace {
// A native decode of z's rows (with their uniforms), split over two threads when worth it.
template <class Rows, class Decode>
Rows split_decode(const native::Vae& vae, const FloatRows& z, const FloatRows& uniforms,
                  const Decode& decode) {
  const long work = vae.decode_work() * static_cast<long>(z.size());
  return native::split_rows<Rows>(z.size(), work, [&](size_t from, size_t to) {
    return decode(native::rows_of(z, from, to), native::rows_of(uniforms, from, to));
  });
}

Result<Posterior> run_encode(torch::jit::Module& module, const torch::Device& device,
                             const torch::Tensor& x, int64_t steps, int z_size) {
  const int64_t b = x.size(0);
  auto lengths = torch::full({b}, steps, torch::kInt64);
  auto out = module.get_method("encode")({x.to(device), lengths.to(device)});
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
}  // namespace

Result<Posterior> Model::encode_classes(const ClassRows& classes) const {
  const int64_t t = meta_.converter.num_steps;
  for (const auto& r : classes) {
    if (static_cast<int64_t>(r.size()) != t) return internal("encode: wrong number of steps");
  }
  try {
    if (impl_->vae) {
      const long work = impl_->vae->encode_work() * static_cast<long>(classes.size());
      return native::split_rows<Posterior>(classes.size(), work, [&](size_t from, size_t to) {
        Posterior p;
        impl_->vae->encode_classes(native::rows_of(classes, from, to), depth(), p.mu, p.sigma);
        return p;
      });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    torch::InferenceMode guard;
    auto idx = to_tensor(classes, t);
    auto x = torch::one_hot(idx, depth()).to(torch::kFloat32);
    return run_encode(impl_->module, impl_->device, x, t, meta_.z_size);
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in encode: " + e.what());
  }
}

Result<Posterior> Model::encode_groove(const FloatRows& rows) const {
  const int64_t t = meta_.converter.num_steps;
  if (!same_width(rows, static_cast<size_t>(t) * kGrooveDepth)) {
    return internal("encode: wrong groove tensor size");
  }
  try {
    if (impl_->vae) {
      const long work = impl_->vae->encode_work() * static_cast<long>(rows.size());
      return native::split_rows<Posterior>(rows.size(), work, [&](size_t from, size_t to) {
        Posterior p;
        impl_->vae->encode_groove(native::rows_of(rows, from, to), p.mu, p.sigma);
        return p;
      });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    torch::InferenceMode guard;
    auto x = to_tensor(rows, t * kGrooveDepth).reshape({-1, t, kGrooveDepth});
    return run_encode(impl_->module, impl_->device, x, t, meta_.z_size);
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in encode: " + e.what());
  }
}

Result<ClassRows> Model::decode_classes(const FloatRows& z, double temperature,
                                        const FloatRows& uniforms) const {
  const int64_t t = meta_.converter.num_steps;
  if (!same_width(z, static_cast<size_t>(meta_.z_size)) ||
      !same_width(uniforms, static_cast<size_t>(t)) || z.size() != uniforms.size()) {
    return internal("decode: wrong z or uniforms size");
  }
  try {
    if (const auto* vae = impl_->vae.get()) {
      return split_decode<ClassRows>(*vae, z, uniforms, [&](const auto& zs, const auto& us) {
        return vae->decode_classes(zs, temperature, us);
      });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    torch::InferenceMode guard;
    auto zt = to_tensor(z, meta_.z_size).to(impl_->device);
    auto ut = to_tensor(uniforms, t).to(impl_->device);
    auto out = impl_->module.get_method("decode")({zt, temperature, ut}).toTensor();
    if (out.dim() != 2 || out.size(0) != zt.size(0) || out.size(1) != t) {
      return internal("decode returned shape " + c10::str(out.sizes()));
    }
    auto rows = class_rows(out);
    const int64_t d = depth();
    for (const auto& r : rows) {
      for (int64_t c : r) {
        if (c < 0 || c >= d) return internal("decode returned class " + std::to_string(c));
      }
    }
    return rows;
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in decode: " + e.what());
  }
}

Result<FloatRows> Model::decode_groove(const FloatRows& z, double temperature,
                                       const FloatRows& uniforms) const {
  const int64_t t = meta_.converter.num_steps;
  if (!same_width(z, static_cast<size_t>(meta_.z_size)) ||
      !same_width(uniforms, static_cast<size_t>(t) * kNumDrumClasses) ||
      z.size() != uniforms.size()) {
    return internal("decode: wrong z or uniforms size");
  }
  try {
    if (const auto* vae = impl_->vae.get()) {
      return split_decode<FloatRows>(*vae, z, uniforms, [&](const auto& zs, const auto& us) {
        return vae->decode_groove(zs, temperature, us);
      });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    torch::InferenceMode guard;
    auto zt = to_tensor(z, meta_.z_size).to(impl_->device);
    auto ut = to_tensor(uniforms, t * kNumDrumClasses).reshape({-1, t, kNumDrumClasses});
    auto out =
        impl_->module.get_method("decode")({zt, temperature, ut.to(impl_->device)}).toTensor();
    if (out.dim() != 3 || out.size(0) != zt.size(0) || out.size(1) != t ||
        out.size(2) != kGrooveDepth) {
      return internal("decode returned shape " + c10::str(out.sizes()));
    }
    return float_rows(out);
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in decode: " + e.what());
  }
}

Result<ClassRows> Model::generate(const ClassRows& primer, int steps, double temperature,
                                  const FloatRows& uniforms) const {
  return run_rnn(primer, nullptr, steps, temperature, uniforms);
}

Result<ClassRows> Model::generate_with_controls(const ClassRows& primer, const FloatRows& controls,
                                                int steps, double temperature,
                                                const FloatRows& uniforms) const {
  return run_rnn(primer, &controls, steps, temperature, uniforms);
}

Result<ClassRows> Model::run_rnn(const ClassRows& primer, const FloatRows* controls, int steps,
                                 double temperature, const FloatRows& uniforms) const {
  if (primer.empty() || primer.front().empty()) return internal("generate: empty primer");
  const auto p = static_cast<int64_t>(primer.front().size());
  for (const auto& r : primer) {
    if (static_cast<int64_t>(r.size()) != p) return internal("generate: ragged primer");
  }
  if (!same_width(uniforms, static_cast<size_t>(steps)) || uniforms.size() != primer.size()) {
    return internal("generate: wrong uniforms size");
  }
  const int64_t k = meta_.controls_depth;
  if ((controls != nullptr) != (k > 0)) {
    return internal(k > 0 ? "model " + meta_.id + " needs chord controls"
                          : "model " + meta_.id + " takes no controls");
  }
  if (controls && (controls->size() != primer.size() ||
                   !same_width(*controls, static_cast<size_t>((p + steps) * k)))) {
    return internal("generate: wrong controls size");
  }
  try {
    if (impl_->rnn) {
      const long work = impl_->rnn->step_work() * (p + steps) * static_cast<long>(primer.size());
      return native::split_rows<ClassRows>(primer.size(), work, [&](size_t from, size_t to) {
        FloatRows part;
        if (controls) part = native::rows_of(*controls, from, to);
        return impl_->rnn->generate(native::rows_of(primer, from, to), controls ? &part : nullptr,
                                    steps, temperature, native::rows_of(uniforms, from, to));
      });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    torch::InferenceMode guard;
    auto pt = to_tensor(primer, p).to(impl_->device);
    auto ut = to_tensor(uniforms, steps).to(impl_->device);
    torch::Tensor out;
    if (controls) {
      auto ct = to_tensor(*controls, (p + steps) * k).reshape({-1, p + steps, k});
      out = impl_->module
                .get_method("generate_with_controls")(
                    {pt, ct.to(impl_->device), int64_t{steps}, temperature, ut})
                .toTensor();
    } else {
      out = impl_->module.get_method("generate")({pt, int64_t{steps}, temperature, ut}).toTensor();
    }
    if (out.dim() != 2 || out.size(0) != pt.size(0) || out.size(1) != steps) {
      return internal("generate returned shape " + c10::str(out.sizes()));
    }
    auto rows = class_rows(out);
    const int64_t d = depth();
    for (const auto& r : rows) {
      for (int64_t c : r) {
        if (c < 0 || c >= d) return internal("generate returned class " + std::to_string(c));
      }
    }
    return rows;
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in generate: " + e.what());
  }
}

}  // namespace clipgen::engine::detail
