#include "paths.h"

#include <filesystem>
#include <system_error>

#if defined(__APPLE__)
#include <mach-o/dyld.h>

#include <cstdint>
#endif

namespace clipgen::daemon {

namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
#if defined(__APPLE__)
  uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::string buf(size, '\0');
  if (_NSGetExecutablePath(buf.data(), &size) != 0) return "";
  const fs::path exe = fs::canonical(fs::path(buf.c_str()), ec);
#else
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
#endif
  if (ec) return "";
  return exe.parent_path().string();
}

std::vector<std::string> default_models_dirs(const std::string& exe_dir) {
  if (exe_dir.empty()) return {"models/shipped"};
  const fs::path dir(exe_dir);
  return {(dir / ".." / ".." / "models" / "shipped").lexically_normal().string(),
          (dir / ".." / "share" / "clipgen" / "models").lexically_normal().string()};
}

std::string first_existing_dir(const std::vector<std::string>& candidates) {
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c, ec)) return c;
  }
  return candidates.empty() ? std::string() : candidates.front();
}

}  // namespace clipgen::daemon
