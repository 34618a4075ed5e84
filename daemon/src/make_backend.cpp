#include "make_backend.h"

#ifdef CLIPGEN_HAS_ENGINE
#include "engine_backend.h"
#else
#include "models_folder_backend.h"
#endif

namespace clipgen::daemon {

// The engine when built with LibTorch (CLIPGEN_WITH_TORCH); otherwise clipgend only lists the
// model files.
std::unique_ptr<Backend> make_backend(const Options& options, const std::string& models_dir) {
#ifdef CLIPGEN_HAS_ENGINE
  return std::make_unique<EngineBackend>(options, models_dir);
#else
  (void)options;
  return std::make_unique<ModelsFolderBackend>(models_dir);
#endif
}

}  // namespace clipgen::daemon
