// Shared helpers for the installer tests: a temporary HOME, an environment map and a runner
// that records commands instead of running them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clipgen/service/platform.h"
#include "clipgen/service/runner.h"

namespace clipgen::service::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

EnvLookup map_env(std::map<std::string, std::string> values);

// Every file and folder under root (relative paths), to compare before and after.
std::set<std::string> tree(const std::filesystem::path& root);

std::string read_file(const std::filesystem::path& file);

// Records argv lines; a command whose joined text starts with a key of `exit_codes` returns
// that code, every other one returns 0.
class RecordingRunner : public CommandRunner {
 public:
  CommandResult run(const std::vector<std::string>& argv) override;
  int run_passthrough(const std::vector<std::string>& argv) override;

  std::vector<std::string> calls;
  std::map<std::string, int> exit_codes;

 private:
  int code_for(const std::string& line) const;
};

}  // namespace clipgen::service::testing
