// The daemon's Backend on the real engine (engine/): loads the models on a background thread,
// lists them, and runs the five tools. Owned by the engine engineer.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "backend.h"
#include "clipgen/engine/engine.h"
#include "options.h"

namespace clipgen::daemon {

class EngineBackend final : public Backend {
 public:
  EngineBackend(const Options& options, std::string models_dir);
  ~EngineBackend() override;

  void start_loading() override;
  bool ready() const override { return ready_; }
  nlohmann::json models() const override;
  nlohmann::json version() const override;
  std::vector<std::string> tools() const override;
  Result<std::string> run(const std::string& tool, const nlohmann::json& body) override;

 private:
  engine::EngineOptions engine_options_;
  std::thread loader_;
  std::atomic<bool> ready_{false};
  mutable std::mutex mutex_;  // guards engine_ and open_error_ until ready_
  std::unique_ptr<engine::Engine> engine_;
  std::string open_error_;  // Engine::open failed (bad device option): every tool says why
};

}  // namespace clipgen::daemon
