// Engine: load the folder's models, pick one per request, time the call.
#include "clipgen/engine/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <mutex>
#include <system_error>
#include <thread>

#include "device.h"
#include "engine_impl.h"
#include "native/helper_thread.h"

namespace clipgen::engine {

Result<const detail::Model*> Engine::Impl::find(Tool tool, const std::string& converter) const {
  const std::string name(tool_name(tool));
  const detail::Model* broken = nullptr;
  for (const auto& m : models) {
    if (!m->ready()) {
      // A broken file whose name suggests the tool still explains the outage.
      if (!broken && m->info().tools.empty()) broken = m.get();
      continue;
    }
    // Chord-conditioned RNNs need chords the tools do not send.
    if (m->meta().serves(name) && m->meta().converter.type == converter &&
        m->meta().controls_depth == 0) {
      return m.get();
    }
  }
  for (const auto& m : models) {
    if (!m->ready() && m->meta().serves(name) && m->meta().converter.type == converter) {
      return make_error(ErrorKind::kUnavailable, "the " + name + " model (" + m->info().id +
                                                     ") is not available: " + m->info().reason);
    }
  }
  const bool by_kind =
      tool == Tool::kGenerate || tool == Tool::kContinue || tool == Tool::kInterpolate;
  std::string msg =
      "no " + name + " model" + (by_kind ? " for " + converter : std::string()) +
      " is loaded from " +
      (options.models_dir.empty() ? std::string("the models folder") : options.models_dir);
  std::error_code ec;
  if (!options.models_dir.empty() && !std::filesystem::is_directory(options.models_dir, ec)) {
    msg += " (that folder does not exist; point --models at the folder holding the .pt files)";
  } else if (broken) {
    msg += " (" + broken->info().path + " failed to load: " + broken->info().reason + ")";
  }
  return make_error(ErrorKind::kUnavailable, msg);
}

namespace {

// The files in order, loaded (and warmed up) on as many threads as a request may use: each is
// independent, and with six files a second core took Engine::open from ~100 to ~55 ms of a
// cold start.
std::vector<std::unique_ptr<detail::Model>> load_models(
    const std::vector<std::filesystem::path>& files, const Engine::Impl& impl) {
  std::vector<std::unique_ptr<detail::Model>> models(files.size());
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      for (size_t i; (i = next++) < files.size();) {
        models[i] = detail::Model::load(files[i].string(), impl.device, impl.options.warm_up,
                                        impl.options.runtime == "auto", impl.options.threads);
      }
    } catch (...) {  // e.g. bad_alloc: rethrown on the caller's thread
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = files.size();
    }
  };
  std::thread second;
  if (impl.native_threads >= 2 && files.size() >= 2) {
    try {
      second = std::thread(work);
    } catch (const std::system_error&) {  // no thread to be had: this one loads them all
    }
  }
  work();
  if (second.joinable()) second.join();
  if (failure) std::rethrow_exception(failure);
#if defined(__GLIBC__)
  // Loading's scratch (TorchScript graphs, row-major copies) sits freed in the malloc arenas,
  // the second thread's in one of its own, and glibc does not hand it back by itself: 216 ->
  // 198 MiB resident after start with the shipped models.
  malloc_trim(0);
#endif
  return models;
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  auto device = detail::resolve_device(options.device);
  if (!device) return device.error();
  if (options.threads < 0) {
    return make_error(ErrorKind::kInvalidRequest, "threads must be 0 (auto) or more");
  }
  if (options.native_threads < 0 || options.native_threads > 2) {
    return make_error(ErrorKind::kInvalidRequest, "native threads must be 0 (auto), 1 or 2");
  }
  if (options.runtime != "auto" && options.runtime != "torchscript") {
    return make_error(ErrorKind::kInvalidRequest,
                      "runtime must be 'auto' or 'torchscript', not '" + options.runtime + "'");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->device = device.value();
  prepare_process_environment();
  // LibTorch's intra-op threads, applied when it loads (default 1: the measured best).
  impl->threads = options.threads > 0 ? options.threads : 1;
  impl->native_threads = options.native_threads == 0
                             ? (std::thread::hardware_concurrency() >= 2 ? 2 : 1)
                             : options.native_threads;
  native::set_helper_enabled(impl->native_threads == 2);
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  if (!options.models_dir.empty()) {
    for (fs::directory_iterator it(options.models_dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() == ".pt") files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  impl->models = load_models(files, *impl);
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::vector<ModelInfo> Engine::models() const {
  std::vector<ModelInfo> out;
  for (const auto& m : impl_->models) out.push_back(m->info());
  return out;
}

std::string Engine::device() const {
  return impl_->device;
}
int Engine::threads() const {
  return impl_->threads;
}
int Engine::native_threads() const {
  return impl_->native_threads;
}
std::string Engine::torch_version() {
  return CLIPGEN_TORCH_VERSION;  // the plugin's, whether or not this process loaded it
}

namespace {
template <typename F>
Result<ToolResponse> timed(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  Result<ToolResponse> r = f();
  if (r) {
    r->elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  return r;
}
}  // namespace

Result<ToolResponse> Engine::generate(const GenerateRequest& r, const ProgressFn& p) const {
  return timed([&] { return detail::run_generate(*impl_, r, p); });
}
Result<ToolResponse> Engine::continue_clip(const ContinueRequest& r, const ProgressFn& p) const {
  return timed([&] { return detail::run_continue(*impl_, r, p); });
}
Result<ToolResponse> Engine::interpolate(const InterpolateRequest& r, const ProgressFn& p) const {
  return timed([&] { return detail::run_interpolate(*impl_, r, p); });
}
Result<ToolResponse> Engine::groove(const GrooveRequest& r, const ProgressFn& p) const {
  return timed([&] { return detail::run_groove(*impl_, r, p); });
}
Result<ToolResponse> Engine::drumify(const DrumifyRequest& r, const ProgressFn& p) const {
  return timed([&] { return detail::run_drumify(*impl_, r, p); });
}

Result<ToolResponse> Engine::run(const ToolRequest& request, const ProgressFn& p) const {
  return std::visit(
      [&](const auto& r) -> Result<ToolResponse> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, GenerateRequest>) return generate(r, p);
        if constexpr (std::is_same_v<T, ContinueRequest>) return continue_clip(r, p);
        if constexpr (std::is_same_v<T, InterpolateRequest>) return interpolate(r, p);
        if constexpr (std::is_same_v<T, GrooveRequest>) return groove(r, p);
        if constexpr (std::is_same_v<T, DrumifyRequest>) return drumify(r, p);
      },
      request);
}

}  // namespace clipgen::engine
