// Model: reads the file without LibTorch and runs the native CPU runtime (native/) where it can;
// LibTorch (torch_plugin.h) for GPUs, `runtime torchscript`, and files or layouts the native
// side does not know.
#include "model.h"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "native/helper_thread.h"
#include "native/rnn.h"
#include "native/vae.h"
#include "torch_plugin.h"
#include "torchscript_archive.h"

namespace clipgen::engine::detail {

struct Model::Impl {
  // The native CPU runtime of the weights (docs/performance.md), else the TorchScript module.
  std::unique_ptr<native::Vae> vae;
  std::unique_ptr<native::Rnn> rnn;
  std::unique_ptr<TorchModule> torch;
};

namespace {

Error internal(const std::string& what) {
  return make_error(ErrorKind::kInternal, what);
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

bool Model::accept_meta(const std::string& clipgen_json,
                        const std::function<bool(const std::string&)>& has_method) {
  if (clipgen_json.empty()) {
    info_.reason = "no clipgen.json metadata inside the file (see docs/models.md)";
    return false;
  }
  auto meta = parse_model_meta(clipgen_json);
  if (!meta) {
    info_.reason = meta.error().message;
    return false;
  }
  meta_ = std::move(meta).value();
  info_.id = meta_.id;
  info_.kind = meta_.kind;
  info_.tools = meta_.tools;
  info_.converter = meta_.converter.type;
  info_.bars = meta_.bars;
  info_.source = meta_.source;
  const std::vector<std::string> needed =
      meta_.is_vae()             ? std::vector<std::string>{"encode", "decode"}
      : meta_.controls_depth > 0 ? std::vector<std::string>{"generate_with_controls"}
                                 : std::vector<std::string>{"generate"};
  for (const auto& name : needed) {
    if (!has_method(name)) {
      info_.reason = "the model has no '" + name + "' method (interface v1 needs it)";
      return false;
    }
  }
  return true;
}

bool Model::build_native(native::Weights weights) {
  try {
    if (meta_.is_vae()) {
      impl_->vae = native::Vae::build(std::move(weights), meta_.kind);
    } else {
      impl_->rnn = native::Rnn::build(std::move(weights));
    }
    info_.runtime = "native";
    info_.runtime_note.clear();
    return true;
  } catch (const native::LayoutError& e) {
    info_.runtime_note = "native runtime unavailable: " + e.message;
  } catch (const std::exception& e) {
    info_.runtime_note = std::string("native runtime unavailable: ") + e.what();
  }
  return false;
}

std::unique_ptr<Model> Model::load(const std::string& path, const std::string& device, bool warm_up,
                                   bool native, int threads) {
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
  const bool on_native = native && device == "cpu";
  bool have_meta = false;
  std::string archive_error;
  if (on_native) {  // without LibTorch when the file and its layout allow
    auto archive = read_torchscript_archive(path);
    if (archive) {
      const auto json = archive->extra.find("clipgen.json");
      if (!m->accept_meta(json == archive->extra.end() ? std::string() : json->second,
                          [&](const std::string& name) { return archive->has_method(name); })) {
        return m;
      }
      have_meta = true;
      if (m->build_native(std::move(archive->weights))) {
        m->finish(warm_up);
        return m;
      }
    } else {
      archive_error = archive.error().message;
    }
  }
  std::string why;
  TorchRuntime* torch = torch_runtime(&why);
  if (!torch) {
    if (!archive_error.empty()) {
      m->info_.reason = "not a loadable TorchScript model (" + archive_error + "); " + why;
    } else if (!m->info_.runtime_note.empty()) {
      m->info_.reason = m->info_.runtime_note + "; " + why;
    } else {
      m->info_.reason = "TorchScript on " + device + " needs LibTorch: " + why;
    }
    return m;
  }
  auto loaded = torch->load(path, device, threads);
  if (!loaded.module) {
    m->info_.reason = "not a loadable TorchScript model (" + loaded.error + ")";
    return m;
  }
  if (!have_meta && !m->accept_meta(loaded.clipgen_json, [&](const std::string& name) {
        return loaded.module->has_method(name);
      })) {
    return m;
  }
  m->info_.runtime = "torchscript";
  // A file the reader declined may still have a layout the native runtime knows.
  if (archive_error.empty() || !m->build_native(loaded.module->weights())) {
    m->impl_->torch = std::move(loaded.module);
  }
  m->finish(warm_up);
  return m;
}

// A model with neither runtime failed to load; the caller's catch turns this into its error.
TorchModule& Model::torch_module() const {
  if (!impl_->torch) throw std::logic_error("the model is not loaded");
  return *impl_->torch;
}

void Model::finish(bool warm_up) {
  if (warm_up) {
    Status s = this->warm_up();
    if (!s) {
      info_.reason = "warm-up call failed: " + s.error().message;
      return;
    }
  }
  info_.status = "ready";
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
}  // namespace

Result<Posterior> Model::encode_classes(const ClassRows& classes) const {
  const int t = meta_.converter.num_steps;
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
    return torch_module().encode_classes(classes, t, depth(), meta_.z_size);
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in encode: " + e.what());
  }
}

Result<Posterior> Model::encode_groove(const FloatRows& rows) const {
  const int t = meta_.converter.num_steps;
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
    return torch_module().encode_groove(rows, t, meta_.z_size);
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in encode: " + e.what());
  }
}

Result<ClassRows> Model::decode_classes(const FloatRows& z, double temperature,
                                        const FloatRows& uniforms) const {
  const int t = meta_.converter.num_steps;
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
    return torch_module().decode_classes(z, meta_.z_size, temperature, uniforms, t, depth());
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in decode: " + e.what());
  }
}

Result<FloatRows> Model::decode_groove(const FloatRows& z, double temperature,
                                       const FloatRows& uniforms) const {
  const int t = meta_.converter.num_steps;
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
    return torch_module().decode_groove(z, meta_.z_size, temperature, uniforms, t);
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
  const int k = meta_.controls_depth;
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
    return torch_module().generate(primer, controls, k, steps, temperature, uniforms, depth());
  } catch (const std::exception& e) {
    return internal(std::string("model ") + meta_.id + " failed in generate: " + e.what());
  }
}

}  // namespace clipgen::engine::detail
