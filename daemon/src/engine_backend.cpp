#include "engine_backend.h"

#include <filesystem>

#include "clipgen/engine/requests.h"

namespace clipgen::daemon {

namespace {

nlohmann::json model_json(const engine::ModelInfo& m) {
  nlohmann::json j{{"id", m.id},
                   {"kind", m.kind},
                   {"tool", m.tools},
                   {"converter", m.converter},
                   {"bars", m.bars},
                   {"device", m.device},
                   {"status", m.status},
                   {"source", m.source},
                   {"sizeBytes", m.size_bytes},
                   {"file", std::filesystem::path(m.path).filename().string()}};
  if (!m.reason.empty()) j["reason"] = m.reason;
  if (!m.runtime.empty()) j["runtime"] = m.runtime;
  if (!m.runtime_note.empty()) j["runtimeNote"] = m.runtime_note;
  return j;
}

}  // namespace

EngineBackend::EngineBackend(const Options& options, std::string models_dir) {
  engine_options_.models_dir = std::move(models_dir);
  engine_options_.device = options.device;
  engine_options_.runtime = options.runtime;
  engine_options_.native_threads = options.native_threads;
}

EngineBackend::~EngineBackend() {
  if (loader_.joinable()) loader_.join();
}

void EngineBackend::start_loading() {
  loader_ = std::thread([this] {
    auto opened = engine::Engine::open(engine_options_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (opened) {
        engine_ = std::move(opened).value();
      } else {
        open_error_ = opened.error().message;
      }
    }
    ready_ = true;
  });
}

nlohmann::json EngineBackend::models() const {
  nlohmann::json list = nlohmann::json::array();
  if (!ready_) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (fs::directory_iterator it(engine_options_.models_dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() != ".pt") continue;
      list.push_back({{"id", it->path().stem().string()},
                      {"status", "loading"},
                      {"file", it->path().filename().string()}});
    }
    return list;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (engine_) {
    for (const auto& m : engine_->models()) list.push_back(model_json(m));
  }
  return list;
}

nlohmann::json EngineBackend::version() const {
  std::string device = engine_options_.device;
  if (ready_) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (engine_) device = engine_->device();
  }
  return {{"torch", engine::Engine::torch_version()}, {"device", device}};
}

std::vector<std::string> EngineBackend::tools() const {
  return {"generate", "continue", "interpolate", "groove", "drumify"};
}

Result<std::string> EngineBackend::run(const std::string& tool, const nlohmann::json& body) {
  const auto which = engine::tool_from_name(tool);
  if (!which) return make_error(ErrorKind::kNotFound, "no tool named '" + tool + "'");
  const engine::Engine* e = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_error_.empty()) {
      return make_error(ErrorKind::kUnavailable, "the engine did not start: " + open_error_);
    }
    e = engine_.get();
  }
  if (!e) return make_error(ErrorKind::kUnavailable, "the models are still loading");
  auto request = engine::parse_request(*which, body);
  if (!request) return request.error();
  auto response = e->run(request.value());
  if (!response) return response.error();
  return engine::to_json_string(response.value());
}

}  // namespace clipgen::daemon
