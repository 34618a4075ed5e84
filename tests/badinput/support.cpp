#include "support.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace clipgen::test {

namespace fs = std::filesystem;
using nlohmann::json;

std::string fixture_models_dir() {
  if (const char* dir = std::getenv("CLIPGEN_TEST_MODELS"); dir && *dir) return dir;
  return CLIPGEN_FIXTURE_MODELS_DIR;
}

ModelsCopy::ModelsCopy(const std::string& from) {
  char tmpl[] = "/tmp/clipgen-models-XXXXXX";
  path_ = mkdtemp(tmpl);
  std::error_code ec;
  for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".pt")
      fs::copy_file(it->path(), fs::path(path_) / it->path().filename());
  }
}

ModelsCopy::~ModelsCopy() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

httplib::Client client(int port, int read_timeout_s) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(read_timeout_s, 0);
  c.set_write_timeout(60, 0);
  c.set_connection_timeout(10, 0);
  return c;
}

bool wait_ready(int port) {
  auto c = client(port);
  for (int i = 0; i < 1200; ++i) {
    auto r = c.Get("/v1/health");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::unique_ptr<DaemonProcess> start_daemon(const std::string& models,
                                            const std::vector<std::string>& extra,
                                            const std::map<std::string, std::string>& env) {
  std::vector<std::string> args{"--port", "0", "--models", models, "--log-file", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<DaemonProcess>(daemon_binary(), args, env);
}

std::string envelope_problem(int got_status, const std::string& content_type,
                             const std::string& body, int status, const std::string& type) {
  std::string why;
  if (got_status != status) {
    why += "status " + std::to_string(got_status) + ", want " + std::to_string(status) + "; ";
  }
  if (content_type != "application/json") why += "not application/json; ";
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error") || !j["error"].is_object()) {
    return why + "no error envelope in: " + body.substr(0, 300);
  }
  const json& e = j["error"];
  if (e.value("code", 0) != status) why += "error.code is not " + std::to_string(status) + "; ";
  if (e.value("type", "") != type) why += "error.type is not " + type + "; ";
  if (!e.contains("message") || !e["message"].is_string() ||
      e["message"].get<std::string>().empty()) {
    why += "no error.message; ";
  }
  return why.empty() ? "" : why + "body: " + body.substr(0, 300);
}

std::string envelope_problem(const httplib::Result& r, int status, const std::string& type) {
  if (!r) return "no response: " + httplib::to_string(r.error());
  return envelope_problem(r->status, r->get_header_value("Content-Type"), r->body, status, type);
}

std::string error_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error")) return "";
  return j["error"].value("message", "");
}

std::string error_message(const httplib::Result& r) {
  return r ? error_message(r->body) : "";
}

RawReply raw_post(int port, const std::string& path, const std::string& body,
                  const std::string& extra_headers) {
  const std::string reply =
      raw_exchange(port, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                             extra_headers + "Content-Length: " + std::to_string(body.size()) +
                             "\r\n\r\n" + body);
  RawReply out;
  const auto head_end = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return out;
  out.status = std::atoi(reply.c_str() + 9);
  std::string head = reply.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const auto at = head.find("\r\ncontent-type: "); at != std::string::npos) {
    const auto from = at + 16;
    out.content_type = reply.substr(from, head.find("\r\n", from) - from);
  }
  out.body = reply.substr(head_end + 4);
  return out;
}

json clip(bool drums, int bars) {
  json notes = json::array();
  const auto add = [&](int pitch, int start, int length) {
    notes.push_back({{"pitch", pitch},
                     {"velocity", 100},
                     {"startTime", start * 0.125},
                     {"endTime", (start + length) * 0.125},
                     {"quantizedStartStep", start},
                     {"quantizedEndStep", start + length},
                     {"isDrum", drums}});
  };
  for (int bar = 0; bar < bars; ++bar) {
    const int at = bar * 16;
    if (drums) {
      for (int s : {0, 8}) add(36, at + s, 1);
      for (int s : {4, 12}) add(38, at + s, 1);
      for (int s = 0; s < 16; s += 2) add(42, at + s, 1);
    } else {
      const int pitches[] = {60, 64, 67, 72};
      for (int i = 0; i < 4; ++i) add(pitches[i], at + 4 * i, 4);
    }
  }
  return {{"notes", notes},
          {"tempos", json::array({{{"time", 0}, {"qpm", 120}}})},
          {"timeSignatures", json::array({{{"time", 0}, {"numerator", 4}, {"denominator", 4}}})},
          {"quantizationInfo", {{"stepsPerQuarter", 4}}},
          {"totalTime", bars * 2.0},
          {"totalQuantizedSteps", bars * 16}};
}

json valid_request(const std::string& tool) {
  json r{{"seed", 7}, {"temperature", 0.9}};
  if (tool == "generate") {
    r["kind"] = "drums";
    r["variations"] = 1;
  } else if (tool == "continue") {
    r["input"] = clip(false, 1);
    r["variations"] = 1;
    r["length"] = 1;
  } else if (tool == "interpolate") {
    r["a"] = clip(false, 2);
    r["b"] = clip(false, 2);
    r["steps"] = 3;
  } else if (tool == "groove") {
    r["input"] = clip(true, 2);
  } else if (tool == "drumify") {
    r["input"] = clip(true, 2);
  }
  return r;
}

}  // namespace clipgen::test
