#include "test_support.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace clipgen::service::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "clipgen-installer-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

EnvLookup map_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::set<std::string> tree(const fs::path& root) {
  std::set<std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    entries.insert(fs::relative(entry.path(), root).string() + (entry.is_directory() ? "/" : ""));
  }
  return entries;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int RecordingRunner::code_for(const std::string& line) const {
  for (const auto& [prefix, code] : exit_codes) {
    if (line.rfind(prefix, 0) == 0) return code;
  }
  return 0;
}

CommandResult RecordingRunner::run(const std::vector<std::string>& argv) {
  calls.push_back(format_command(argv));
  int code = code_for(calls.back());
  return {code, code == 0 ? "" : "failed on purpose"};
}

int RecordingRunner::run_passthrough(const std::vector<std::string>& argv) {
  calls.push_back(format_command(argv));
  return code_for(calls.back());
}

}  // namespace clipgen::service::testing
