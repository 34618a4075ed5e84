#include "make_backend.h"

#ifdef CLIPGEN_HAS_ENGINE
#include "engine_backend.h"
#else
#include "models_folder_backend.h"
#endif

namespace clipgen::daemon {

// The engine when it is built (always, from the main CMake project; LibTorch is its plugin);
// otherwise clipgend only lists the model files.
std::unique_ptr<Backend> make_backend(const Options& options, const std::string& models_dir) {
#ifdef CLIPGEN_HAS_ENGINE
  return std::make_unique<EngineBackend>(options, models_dir);
#else
  (void)options;
  return std::make_unique<ModelsFolderBackend>(models_dir);
#endif
}

}  // namespace clipgen::daemon
