// Renders the unit / plist / task XML from the templates in installer/templates (embedded in
// the binary at build time, so an installed clipgen needs no template files).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"
#include "clipgen/service/platform.h"

namespace clipgen::service {

inline constexpr std::string_view kLaunchdLabel = "com.clipgen.clipgend";
inline constexpr std::string_view kTaskName = "ClipGen";

// What the service runs. Only options given explicitly end up on the daemon's command line, so
// the config file keeps working (a flag would beat it).
struct DaemonLaunch {
  std::filesystem::path clipgend;
  std::optional<std::filesystem::path> models;
  std::optional<std::filesystem::path> config;
  std::optional<int> port;
  std::string user_id;  // Windows task principal (DOMAIN\user); ignored elsewhere
};

std::vector<std::string> daemon_argv(const DaemonLaunch& launch);

// Replaces every {{NAME}}; a placeholder without a value is an error so a template typo can
// never produce a half-filled file.
Result<std::string> render_template(std::string_view text,
                                    const std::map<std::string, std::string>& values);

std::string_view template_text(Platform platform);

std::string xml_escape(std::string_view text);
// One ExecStart= word: quoted when needed, with % and $ doubled as systemd requires.
std::string systemd_quote(std::string_view word);
// One Windows command-line argument, quoted by the CommandLineToArgvW rules.
std::string windows_quote(std::string_view arg);

// The full file text for `platform`.
Result<std::string> render_definition(Platform platform, const DaemonLaunch& launch,
                                      const ServicePaths& paths);

// Task Scheduler reads task XML as UTF-16; this adds the BOM and widens (input is UTF-8).
std::string utf8_to_utf16le_with_bom(std::string_view utf8);

}  // namespace clipgen::service
