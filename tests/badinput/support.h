// Shared by the reliability suites (badinput, load, faults): a real clipgend on the engine's
// random-weight fixture models, an HTTP client for it, the error-envelope check and small clips.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon_process.h"

namespace clipgen::test {

// The engine tests' fixture models (engine_fixture_models CTest fixture) or CLIPGEN_TEST_MODELS.
std::string fixture_models_dir();

// A fresh folder under /tmp with copies of every *.pt of `from`; removed with the object.
class ModelsCopy {
 public:
  explicit ModelsCopy(const std::string& from);
  ~ModelsCopy();
  ModelsCopy(const ModelsCopy&) = delete;
  ModelsCopy& operator=(const ModelsCopy&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

httplib::Client client(int port, int read_timeout_s = 120);

// Polls /v1/health until 200 (bounded, 120 s: loading is not what these tests measure).
bool wait_ready(int port);

// Starts clipgend on a free loopback port with `models` and `extra` flags, logs to stderr only.
std::unique_ptr<DaemonProcess> start_daemon(const std::string& models,
                                            const std::vector<std::string>& extra = {},
                                            const std::map<std::string, std::string>& env = {});

// The contract's error shape: status, JSON content type, {"error": {code, type, message}}.
// Returns "" when it holds, else what is wrong.
std::string envelope_problem(const httplib::Result& r, int status, const std::string& type);
std::string envelope_problem(int got_status, const std::string& content_type,
                             const std::string& body, int status, const std::string& type);

// A raw HTTP/1.1 exchange (for requests httplib will not send, e.g. a body without
// Content-Type): status, Content-Type and body of the answer; status -1 when none came.
struct RawReply {
  int status = -1;
  std::string content_type;
  std::string body;
};
RawReply raw_post(int port, const std::string& path, const std::string& body,
                  const std::string& extra_headers = "");

std::string error_message(const httplib::Result& r);
std::string error_message(const std::string& body);

// `bars` bars at 120 qpm, 4 steps per quarter, 4/4: a rock beat or a broken chord.
nlohmann::json clip(bool drums, int bars);

// A small valid body for each tool (seeded), sized for the fixture models.
nlohmann::json valid_request(const std::string& tool);

}  // namespace clipgen::test
