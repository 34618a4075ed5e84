#include "clipgen/service/definition.h"

#include <cstdint>

#include "embedded_templates.h"

namespace clipgen::service {

namespace fs = std::filesystem;

std::vector<std::string> daemon_argv(const DaemonLaunch& launch) {
  std::vector<std::string> argv{launch.clipgend.string()};
  if (launch.config) {
    argv.push_back("--config");
    argv.push_back(launch.config->string());
  }
  if (launch.models) {
    argv.push_back("--models");
    argv.push_back(launch.models->string());
  }
  if (launch.port) {
    argv.push_back("--port");
    argv.push_back(std::to_string(*launch.port));
  }
  return argv;
}

Result<std::string> render_template(std::string_view text,
                                    const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size() + 256);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return make_error(ErrorKind::kInternal, "service template has an unclosed '{{'");
    }
    out.append(text.substr(pos, open - pos));
    std::string name(text.substr(open + 2, close - open - 2));
    auto it = values.find(name);
    if (it == values.end()) {
      return make_error(ErrorKind::kInternal,
                        "service template names {{" + name + "}}, which has no value");
    }
    out.append(it->second);
    pos = close + 2;
  }
  return out;
}

std::string_view template_text(Platform platform) {
  switch (platform) {
    case Platform::kSystemd:
      return embedded::kSystemdUnit;
    case Platform::kLaunchd:
      return embedded::kLaunchdPlist;
    case Platform::kTaskScheduler:
      return embedded::kTaskXml;
  }
  return embedded::kSystemdUnit;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string systemd_quote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '/' || c == '_' || c == '.' || c == '-' || c == '+' || c == ',' || c == ':' ||
                c == '=' || c == '@';
    if (!safe) plain = false;
  }
  if (plain) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '%':
        out += "%%";
        break;
      case '$':
        out += "$$";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

std::string windows_quote(std::string_view arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string_view::npos) {
    return std::string(arg);
  }
  std::string out = "\"";
  size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      out.append(backslashes * 2 + 1, '\\');
    } else {
      out.append(backslashes, '\\');
    }
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');
  out += '"';
  return out;
}

namespace {

// Text inside <!-- --> may not contain "--".
std::string comment_safe(std::string text) {
  for (size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at)) {
    text.replace(at, 2, "- -");
  }
  return text;
}

std::string join(const std::vector<std::string>& words, std::string (*quote)(std::string_view)) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += quote(word);
  }
  return out;
}

}  // namespace

Result<std::string> render_definition(Platform platform, const DaemonLaunch& launch,
                                      const ServicePaths& paths) {
  if (!launch.clipgend.is_absolute()) {
    return make_error(ErrorKind::kInvalidRequest,
                      "the daemon path must be absolute, got '" + launch.clipgend.string() + "'");
  }
  std::vector<std::string> argv = daemon_argv(launch);
  std::map<std::string, std::string> values;
  switch (platform) {
    case Platform::kSystemd:
      values = {{"EXEC_START", join(argv, systemd_quote)},
                {"CONFIG_FILE", paths.config_file.string()},
                {"LOG_DIR", paths.log_dir.string()}};
      break;
    case Platform::kLaunchd: {
      std::string args;
      for (const std::string& arg : argv) args += "    <string>" + xml_escape(arg) + "</string>\n";
      if (!args.empty()) args.pop_back();
      std::string stdio = xml_escape((paths.log_dir / "clipgend.launchd.log").string());
      values = {{"LABEL", std::string(kLaunchdLabel)},
                {"PROGRAM_ARGUMENTS", args},
                {"STDOUT_PATH", stdio},
                {"STDERR_PATH", stdio},
                {"CONFIG_FILE", comment_safe(paths.config_file.string())}};
      break;
    }
    case Platform::kTaskScheduler: {
      std::vector<std::string> rest(argv.begin() + 1, argv.end());
      values = {{"TASK_NAME", std::string(kTaskName)},
                {"USER_ID", xml_escape(launch.user_id)},
                {"COMMAND", xml_escape(argv.front())},
                {"ARGUMENTS", xml_escape(join(rest, windows_quote))},
                {"WORKING_DIR", xml_escape(launch.clipgend.parent_path().string())},
                {"CONFIG_FILE", comment_safe(paths.config_file.string())}};
      break;
    }
  }
  return render_template(template_text(platform), values);
}

std::string utf8_to_utf16le_with_bom(std::string_view utf8) {
  std::string out = "\xFF\xFE";
  auto put = [&out](uint32_t unit) {
    out += static_cast<char>(unit & 0xFF);
    out += static_cast<char>((unit >> 8) & 0xFF);
  };
  for (size_t i = 0; i < utf8.size();) {
    auto byte = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (byte < 0x80) {
      cp = byte;
    } else if ((byte >> 5) == 0x6) {
      len = 2;
      cp = byte & 0x1F;
    } else if ((byte >> 4) == 0xE) {
      len = 3;
      cp = byte & 0x0F;
    } else if ((byte >> 3) == 0x1E) {
      len = 4;
      cp = byte & 0x07;
    }
    if (len > 1) {
      if (i + len > utf8.size()) {
        cp = 0xFFFD;
        len = utf8.size() - i;
      } else {
        for (size_t k = 1; k < len; ++k) {
          auto next = static_cast<unsigned char>(utf8[i + k]);
          if ((next >> 6) != 0x2) {
            cp = 0xFFFD;
            len = k;
            break;
          }
          cp = (cp << 6) | (next & 0x3F);
        }
      }
    }
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp > 0x10FFFF ? 0xFFFD : cp);
    }
    i += len;
  }
  return out;
}

}  // namespace clipgen::service
