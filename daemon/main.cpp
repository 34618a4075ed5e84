// clipgend: reads options (flags > environment > defaults), loads the models in the background,
// serves HTTP until SIGINT/SIGTERM, then finishes the requests in flight and exits 0.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "config_file.h"
#include "exit_codes.h"
#include "log_setup.h"
#include "make_backend.h"
#include "options.h"
#include "paths.h"
#include "security.h"
#include "server.h"
#include "stop_signals.h"

#ifndef CLIPGEN_VERSION
#define CLIPGEN_VERSION "0.0.0"
#endif

using namespace clipgen::daemon;

namespace {

int fail(int code, const std::string& message) {
  std::cerr << "clipgend: " << message << std::endl;
  return code;
}

int run_daemon(const Options& options, StopSignals& stop_signals) {
  std::string models_dir = options.models_dir;
  if (!models_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(models_dir, ec)) {
      return fail(kExitBadOption,
                  "models folder '" + models_dir + "' does not exist (--models / CLIPGEN_MODELS)");
    }
  } else {
    models_dir = first_existing_dir(default_models_dirs(executable_dir()));
    std::error_code ec;
    if (!std::filesystem::is_directory(models_dir, ec)) {
      spdlog::warn("no models folder found (looked at {}); pass --models DIR", models_dir);
    }
  }

  if (!is_loopback_bind_address(options.host) && options.api_key.empty()) {
    return fail(kExitInsecure,
                "refusing to listen on " + options.host +
                    " without an API key: anyone on the network could use the daemon. "
                    "Set CLIPGEN_API_KEY (or --api-key), or keep the default "
                    "--host 127.0.0.1");
  }

  auto backend = make_backend(options, models_dir);
  Backend& models = *backend;
  Server server(options, std::move(backend));
  if (auto failure = server.bind()) {
    return fail(failure->port_in_use ? kExitPortInUse : kExitCannotListen, failure->message);
  }
  // Only once the port is ours: a taken port is reported at once, not after loading.
  models.start_loading();

  // A signal that came while the models started loading is waiting in the pipe already.
  std::thread signal_thread([&server, &stop_signals] {
    const int sig = stop_signals.wait();
    if (sig != 0) spdlog::info("received signal {}; finishing requests in flight", sig);
    server.stop();
  });

  spdlog::info("models folder: {}", models_dir);
  spdlog::info("clipgend {} listening on {} ({} HTTP threads, {} workers, queue {})",
               CLIPGEN_VERSION, server.url(), options.http_threads(), options.workers,
               options.queue);
  // Machine-readable line for scripts and tests (e.g. with --port 0).
  std::printf("clipgend listening on %s\n", server.url().c_str());
  std::fflush(stdout);

  server.run();
  stop_signals.wake();  // in case no signal came
  signal_thread.join();
  spdlog::info("clipgend stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = read_flags(std::vector<std::string>(argv + 1, argv + argc));
  if (!command) {
    std::cerr << "clipgend: " << command.error().message << std::endl;
    return kExitBadOption;
  }
  if (command->action == Action::kHelp) {
    std::cout << help_text();
    return kExitOk;
  }
  if (command->action == Action::kVersion) {
    std::cout << "clipgend " << CLIPGEN_VERSION << std::endl;
    return kExitOk;
  }
  // Precedence, lowest first: settings file < environment < flags.
  const RawLayer environment = read_environment(process_environment());
  const ConfigLocation config = locate_config(command->flags, environment, process_environment());
  auto file = read_config_file(config);
  if (!file) {
    std::cerr << "clipgend: " << file.error().message << std::endl;
    return kExitBadOption;
  }
  auto options = resolve_options({*file, environment, command->flags});
  if (!options) {
    std::cerr << "clipgend: " << options.error().message << std::endl;
    return kExitBadOption;
  }
  // Logs go to stderr and a rotating file; stdout carries only the "listening on" line.
  const std::string log_warning = setup_logging(*options, process_environment());
  if (!log_warning.empty()) spdlog::warn("{}", log_warning);
  if (!file->empty()) spdlog::info("settings file: {}", config.path);
  try {
    StopSignals stop_signals;
    return run_daemon(*options, stop_signals);
  } catch (const std::exception& e) {
    return fail(kExitInternal, std::string("internal error: ") + e.what());
  }
}
