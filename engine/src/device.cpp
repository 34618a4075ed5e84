#include "device.h"

#include "torch_plugin.h"

namespace clipgen::engine::detail {

namespace {
bool well_formed(const std::string& option) {
  if (option == "cuda" || option == "mps") return true;
  if (option.rfind("cuda:", 0) != 0) return false;
  const std::string index = option.substr(5);
  return !index.empty() && index.size() < 4 &&
         index.find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

Result<std::string> resolve_device(const std::string& option) {
  if (option == "cpu") return option;
  const bool automatic = option.empty() || option == "auto";
  if (!automatic && !well_formed(option)) {
    return make_error(ErrorKind::kInvalidRequest,
                      "device must be auto, cpu, cuda, cuda:N or mps, got '" + option + "'");
  }
  if (automatic && !gpu_may_exist()) return std::string("cpu");
  std::string why;
  TorchRuntime* torch = torch_runtime(&why);
  if (!torch) {
    if (automatic) return std::string("cpu");  // no GPU without LibTorch
    return make_error(ErrorKind::kInvalidRequest,
                      "device " + option + " is not available here (only cpu: " + why + ")");
  }
  return torch->resolve_device(automatic ? "auto" : option);
}

}  // namespace clipgen::engine::detail
