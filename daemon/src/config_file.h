// The settings file, clipgend.conf: one `key = value` per line, `#` comments, keys are the
// option names of --help without "--" (port, host, api-key, models, ...). Values may be quoted
// ("..." with \" \\ escapes, or '...'). It is one more RawLayer, between the defaults and the
// environment: flag > environment > file > default.
#pragma once

#include <string>
#include <string_view>

#include "clipgen/error.h"
#include "options.h"

namespace clipgen::daemon {

// `label` names the file in messages: "<label> line 4: unknown key 'prot' (did you mean
// 'port'?)". Each value's origin is "<label> line N".
Result<RawLayer> parse_config_text(std::string_view text, const std::string& label);

// The file to read: --config, else CLIPGEN_CONFIG, else the platform's default (which may be
// absent). `explicit_choice` says whether the user named it.
struct ConfigLocation {
  std::string path;
  bool explicit_choice = false;
};
ConfigLocation locate_config(const RawLayer& flags, const RawLayer& environment,
                             const Getenv& getenv);

// An absent default file is an empty layer; an absent file the user named is an error.
Result<RawLayer> read_config_file(const ConfigLocation& location);

// The known option closest to `key` within a small edit distance, or "".
std::string closest_option(const std::string& key);

}  // namespace clipgen::daemon
