#include "log_setup.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "user_dirs.h"

namespace clipgen::daemon {

namespace {
constexpr std::size_t kLogFileBytes = 5 * 1024 * 1024;
constexpr std::size_t kLogFiles = 3;  // clipgend.log plus .1.log, .2.log, .3.log
}  // namespace

std::string log_file_path(const Options& options, const Getenv& getenv) {
  if (options.log_file == "none") return "";
  if (!options.log_file.empty()) return options.log_file;
  return default_log_file(getenv);
}

std::string setup_logging(const Options& options, const Getenv& getenv) {
  std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
  std::string warning;
  const std::string path = log_file_path(options, getenv);
  if (!path.empty()) {
    try {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
      sinks.push_back(
          std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, kLogFileBytes, kLogFiles));
    } catch (const spdlog::spdlog_ex& e) {
      warning = "cannot write the log file (" + std::string(e.what()) +
                "); logging to stderr only (--log-file PATH or --log-file none)";
    }
  }
  auto logger = std::make_shared<spdlog::logger>("clipgend", sinks.begin(), sinks.end());
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::flush_on(spdlog::level::info);  // a crash must not lose the last lines
  return warning;
}

}  // namespace clipgen::daemon
