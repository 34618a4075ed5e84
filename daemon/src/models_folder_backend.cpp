#include "models_folder_backend.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace clipgen::daemon {

namespace fs = std::filesystem;

ModelsFolderBackend::ModelsFolderBackend(std::string models_dir) : dir_(std::move(models_dir)) {}

ModelsFolderBackend::~ModelsFolderBackend() {
  if (loader_.joinable()) loader_.join();
}

void ModelsFolderBackend::start_loading() {
  loader_ = std::thread([this] {
    nlohmann::json list = nlohmann::json::array();
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".pt") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::error_code size_ec;
      const auto size = fs::file_size(f, size_ec);
      list.push_back({{"id", f.stem().string()},
                      {"kind", nullptr},
                      {"tool", nlohmann::json::array()},
                      {"bars", nullptr},
                      {"device", nullptr},
                      {"status", "not loaded: engine not built"},
                      {"source", f.filename().string()},
                      {"sizeBytes", size_ec ? 0 : size}});
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      models_ = std::move(list);
    }
    ready_ = true;
  });
}

nlohmann::json ModelsFolderBackend::models() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return models_;
}

nlohmann::json ModelsFolderBackend::version() const {
  return {{"torch", "not built"}, {"device", "none"}};
}

std::vector<std::string> ModelsFolderBackend::tools() const {
  return {"generate", "continue", "interpolate", "groove", "drumify"};
}

Result<std::string> ModelsFolderBackend::run(const std::string& tool, const nlohmann::json&) {
  return Error{ErrorKind::kUnavailable,
               "'" + tool + "' needs the engine, and this clipgend was built without it"};
}

}  // namespace clipgen::daemon
