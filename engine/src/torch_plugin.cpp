// Finding and loading libclipgen_torch (torch_plugin.h). No LibTorch here.
#include "torch_plugin.h"

#include <dlfcn.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace clipgen::engine::detail {

namespace {

namespace fs = std::filesystem;

fs::path program_dir() {
#if defined(__APPLE__)
  char buf[4096];
  uint32_t size = sizeof buf;
  if (_NSGetExecutablePath(buf, &size) != 0) return {};
  std::error_code ec;
  auto p = fs::canonical(buf, ec);
  return ec ? fs::path(buf).parent_path() : p.parent_path();
#else
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p.parent_path();
#endif
}

// $CLIPGEN_TORCH_PLUGIN: "" when unset, else the only path tried ("none": none), to pin a
// build or to run without LibTorch.
std::string explicit_plugin() {
  const char* env = std::getenv("CLIPGEN_TORCH_PLUGIN");
  return env ? env : "";
}

std::vector<fs::path> candidates() {
  if (const std::string path = explicit_plugin(); !path.empty()) {
    if (path == "none") return {};
    return {fs::path(path)};
  }
  std::vector<fs::path> out;
  const fs::path dir = program_dir();
  if (!dir.empty()) {
    out.push_back(dir / CLIPGEN_TORCH_PLUGIN_INSTALL_REL / CLIPGEN_TORCH_PLUGIN_NAME);
    out.push_back(dir / ".." / "lib" / CLIPGEN_TORCH_PLUGIN_NAME);  // the build tree
  }
  return out;
}

struct Loaded {
  TorchRuntime* runtime = nullptr;
  std::string why;
};

Loaded load_plugin() {
  Loaded out;
  std::string tried;
  for (const auto& path : candidates()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path.string();
      continue;
    }
    // RTLD_LOCAL: LibTorch's symbols stay the plugin's; the engine only takes the entry point.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      out.why = "cannot load " + path.string() + ": " + dlerror();
      return out;
    }
    using Entry = TorchRuntime* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "clipgen_torch_runtime"));
    if (!entry) {
      out.why = path.string() + " has no clipgen_torch_runtime entry point";
      return out;
    }
    out.runtime = entry();  // the handle stays open for the process' life
    return out;
  }
  out.why = explicit_plugin() == "none" ? "LibTorch is off (CLIPGEN_TORCH_PLUGIN=none)"
                                        : "the LibTorch plugin (" CLIPGEN_TORCH_PLUGIN_NAME
                                          ") is not installed (looked at: " +
                                              tried + ")";
  return out;
}

}  // namespace

TorchRuntime* torch_runtime(std::string* why) {
  static const Loaded loaded = load_plugin();
  if (!loaded.runtime && why) *why = loaded.why;
  return loaded.runtime;
}

bool gpu_may_exist() {
#if defined(__APPLE__)
  return true;
#else
  // A CPU-only LibTorch (Debian's) finds no GPU whatever the machine has, unless the plugin was
  // pointed elsewhere; and without the NVIDIA driver's library, neither does a CUDA one.
  const std::string other = explicit_plugin();
  if (!CLIPGEN_TORCH_HAS_CUDA && (other.empty() || other == "none")) return false;
  void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!h) return false;
  dlclose(h);
  return true;
#endif
}

}  // namespace clipgen::engine::detail
