// TRANSITIONAL, deleted once engine/ provides EngineBackend: lists the *.pt files of the model
// folder as "not loaded: engine not built". It keeps the contract's tool routes so clients get
// the request checks (415, 400) and then a 503 that says the engine is missing, not a 404.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "backend.h"

namespace clipgen::daemon {

class ModelsFolderBackend final : public Backend {
 public:
  explicit ModelsFolderBackend(std::string models_dir);
  ~ModelsFolderBackend() override;

  void start_loading() override;
  bool ready() const override { return ready_; }
  nlohmann::json models() const override;
  nlohmann::json version() const override;
  std::vector<std::string> tools() const override;
  Result<std::string> run(const std::string& tool, const nlohmann::json& body) override;

 private:
  std::string dir_;
  std::thread loader_;
  std::atomic<bool> ready_{false};
  mutable std::mutex mutex_;
  nlohmann::json models_ = nlohmann::json::array();
};

}  // namespace clipgen::daemon
