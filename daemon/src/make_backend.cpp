#include "make_backend.h"

#include "models_folder_backend.h"

namespace clipgen::daemon {

// TRANSITIONAL: until engine/ provides EngineBackend, clipgend only lists the model files.
std::unique_ptr<Backend> make_backend(const Options& /*options*/, const std::string& models_dir) {
  return std::make_unique<ModelsFolderBackend>(models_dir);
}

}  // namespace clipgen::daemon
