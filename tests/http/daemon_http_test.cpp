// The real clipgend over HTTP: the v1 foundation routes, the error envelope for each kind of bad
// request, the security checks, exit codes and a clean shutdown. Written against the contract,
// so it holds for the transitional model-folder backend and for the engine's backend alike.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon_process.h"

namespace clipgen::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBinary = daemon_binary();

// A models folder holding one file that is not a valid model: the daemon must list it with a
// status saying so and stay up.
class ModelsDir {
 public:
  ModelsDir() {
    char tmpl[] = "/tmp/clipgend-models-XXXXXX";
    path_ = mkdtemp(tmpl);
    std::ofstream(fs::path(path_) / "broken.pt") << "this is not a TorchScript archive";
  }
  ~ModelsDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

httplib::Client client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  c.set_connection_timeout(10, 0);
  return c;
}

// Polls health until the models are loaded (bounded; the tests check states, not speed).
bool wait_ready(int port) {
  auto c = client(port);
  for (int i = 0; i < 600; ++i) {
    auto r = c.Get("/v1/health");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void expect_envelope(const httplib::Result& r, int status, const std::string& type) {
  ASSERT_TRUE(r) << "no response: " << httplib::to_string(r.error());
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const json j = json::parse(r->body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "not JSON: " << r->body;
  ASSERT_TRUE(j.contains("error")) << r->body;
  EXPECT_EQ(j["error"]["code"], status);
  EXPECT_EQ(j["error"]["type"], type);
  ASSERT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
}

std::string message_of(const httplib::Result& r) {
  return json::parse(r->body)["error"]["message"].get<std::string>();
}

// One daemon for the tests that only read or send bad requests.
class SharedDaemon : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    models_ = std::make_unique<ModelsDir>();
    daemon_ = std::make_unique<DaemonProcess>(
        kBinary, std::vector<std::string>{"--port", "0", "--models", models_->path(), "--max-body",
                                          "64KiB", "--allow-origin", "http://localhost:5173"});
    ASSERT_TRUE(daemon_->listening()) << daemon_->stderr_text();
    ASSERT_TRUE(wait_ready(daemon_->port())) << daemon_->stderr_text();
  }
  static void TearDownTestSuite() {
    daemon_.reset();
    models_.reset();
  }
  void SetUp() override { ASSERT_TRUE(daemon_ && daemon_->listening()); }
  static int port() { return daemon_->port(); }

  static std::unique_ptr<ModelsDir> models_;
  static std::unique_ptr<DaemonProcess> daemon_;
};
std::unique_ptr<ModelsDir> SharedDaemon::models_;
std::unique_ptr<DaemonProcess> SharedDaemon::daemon_;

TEST_F(SharedDaemon, HealthIsOkOnceLoaded) {
  auto r = client(port()).Get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["status"], "ok");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(SharedDaemon, VersionNamesDaemonTorchAndDevice) {
  auto r = client(port()).Get("/v1/version");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json j = json::parse(r->body);
  EXPECT_TRUE(j["version"].is_string());
  EXPECT_FALSE(j["version"].get<std::string>().empty());
  EXPECT_TRUE(j.contains("torch"));
  EXPECT_TRUE(j.contains("device"));
}

TEST_F(SharedDaemon, ModelsListsTheFolderWithContractFields) {
  auto r = client(port()).Get("/v1/models");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json j = json::parse(r->body);
  ASSERT_TRUE(j["models"].is_array());
  bool found = false;
  for (const auto& m : j["models"]) {
    for (const char* field : {"id", "kind", "tool", "bars", "device", "status", "source"}) {
      EXPECT_TRUE(m.contains(field)) << field << " missing in " << m.dump();
    }
    if (m["id"] == "broken" || m["source"].dump().find("broken.pt") != std::string::npos) {
      found = true;
      EXPECT_TRUE(m["status"].is_string());
      for (const char* loaded : {"ok", "ready", "loaded"}) {
        EXPECT_NE(m["status"], loaded) << "an invalid file must not be reported as loaded";
      }
    }
  }
  EXPECT_TRUE(found) << r->body;
}

TEST_F(SharedDaemon, MalformedJsonIs400SayingWhere) {
  auto r = client(port()).Post("/v1/generate", R"({"kind": "drums", )", "application/json");
  expect_envelope(r, 400, "invalid_request");
  EXPECT_NE(message_of(r).find("not valid JSON"), std::string::npos) << message_of(r);
  EXPECT_NE(message_of(r).find("at byte"), std::string::npos) << message_of(r);
}

TEST_F(SharedDaemon, JsonThatIsNotAnObjectIs400) {
  auto r = client(port()).Post("/v1/generate", R"(["drums"])", "application/json");
  expect_envelope(r, 400, "invalid_request");
  auto empty = client(port()).Post("/v1/generate", "", "application/json");
  expect_envelope(empty, 400, "invalid_request");
}

TEST_F(SharedDaemon, WrongContentTypeIs415) {
  auto r = client(port()).Post("/v1/generate", R"({"kind": "drums"})", "text/plain");
  expect_envelope(r, 415, "unsupported_media_type");
  auto form =
      client(port()).Post("/v1/generate", "kind=drums", "application/x-www-form-urlencoded");
  expect_envelope(form, 415, "unsupported_media_type");
}

TEST_F(SharedDaemon, OversizedBodyIs413WithLengthAndChunked) {
  const std::string big = "{\"pad\": \"" + std::string(100 * 1024, 'x') + "\"}";
  auto c = client(port());
  auto sized = c.Post("/v1/generate", big, "application/json");
  expect_envelope(sized, 413, "payload_too_large");
  EXPECT_NE(message_of(sized).find("64 KiB"), std::string::npos) << message_of(sized);
  auto chunked = c.Post(
      "/v1/generate",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < big.size()) {
          sink.write(big.data() + offset, std::min<size_t>(8192, big.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  expect_envelope(chunked, 413, "payload_too_large");
}

TEST_F(SharedDaemon, UnknownRouteIs404) {
  expect_envelope(client(port()).Get("/v1/nothing-here"), 404, "not_found");
  expect_envelope(client(port()).Get("/"), 404, "not_found");
  expect_envelope(client(port()).Post("/v2/generate", "{}", "application/json"), 404, "not_found");
}

TEST_F(SharedDaemon, WrongMethodIs405WithAllow) {
  auto c = client(port());
  auto post = c.Post("/v1/health", "{}", "application/json");
  expect_envelope(post, 405, "method_not_allowed");
  EXPECT_NE(post->get_header_value("Allow").find("GET"), std::string::npos);
  auto del = c.Delete("/v1/models");
  expect_envelope(del, 405, "method_not_allowed");
  auto get_tool = c.Get("/v1/generate");
  expect_envelope(get_tool, 405, "method_not_allowed");
  EXPECT_NE(get_tool->get_header_value("Allow").find("POST"), std::string::npos);
}

TEST_F(SharedDaemon, ForeignHostHeaderIs403) {
  auto c = client(port());
  for (const char* host : {"evil.example", "evil.example:7311", "192.168.0.10"}) {
    auto r = c.Get("/v1/health", httplib::Headers{{"Host", host}});
    expect_envelope(r, 403, "forbidden");
  }
  const std::string p = std::to_string(port());
  for (const std::string& host :
       {"localhost:" + p, "127.0.0.1:" + p, "[::1]:" + p, std::string("localhost")}) {
    auto r = c.Get("/v1/health", httplib::Headers{{"Host", host}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << host;
  }
}

TEST_F(SharedDaemon, OriginMustBeOnTheAllowList) {
  auto c = client(port());
  auto evil = c.Get("/v1/models", httplib::Headers{{"Origin", "https://evil.example"}});
  expect_envelope(evil, 403, "forbidden");
  auto allowed = c.Get("/v1/models", httplib::Headers{{"Origin", "http://localhost:5173"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "http://localhost:5173");
  auto no_origin = c.Get("/v1/models");
  ASSERT_TRUE(no_origin);
  EXPECT_EQ(no_origin->status, 200);
  EXPECT_FALSE(no_origin->has_header("Access-Control-Allow-Origin"));
  auto preflight =
      c.Options("/v1/generate", httplib::Headers{{"Origin", "http://localhost:5173"},
                                                 {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Methods").find("POST"),
            std::string::npos);
}

TEST_F(SharedDaemon, GarbageRequestLineGetsAnEnvelope) {
  const std::string reply = raw_exchange(port(), "BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("type":"invalid_request")"), std::string::npos) << reply;
}

TEST_F(SharedDaemon, StaysHealthyAfterBadRequests) {
  auto c = client(port());
  for (int i = 0; i < 20; ++i) {
    c.Post("/v1/generate", "{{{", "application/json");
    c.Post("/v1/generate", std::string(70 * 1024, '['), "application/json");
    c.Get("/v1/health", httplib::Headers{{"Host", "evil.example"}});
    raw_exchange(port(), "\x16\x03\x01 not http at all\r\n\r\n");
    // A client that hangs up halfway through its body.
    const int fd = connect_loopback(port());
    ASSERT_GE(fd, 0);
    const std::string cut =
        "POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 50\r\n\r\n{";
    send(fd, cut.data(), cut.size(), MSG_NOSIGNAL);
    close(fd);
  }
  auto r = c.Get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["status"], "ok");
}

TEST(DaemonApiKey, RequiredEverywhereButHealth) {
  ModelsDir models;
  DaemonProcess d(kBinary, {"--port", "0", "--models", models.path()},
                  {{"CLIPGEN_API_KEY", "k-123"}});
  ASSERT_TRUE(d.listening()) << d.stderr_text();
  ASSERT_TRUE(wait_ready(d.port()));
  auto c = client(d.port());
  auto missing = c.Get("/v1/models");
  expect_envelope(missing, 401, "unauthorized");
  expect_envelope(c.Get("/v1/models", httplib::Headers{{"Authorization", "Bearer nope"}}), 401,
                  "unauthorized");
  expect_envelope(c.Post("/v1/generate", "{}", "application/json"), 401, "unauthorized");
  auto bearer = c.Get("/v1/models", httplib::Headers{{"Authorization", "Bearer k-123"}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  auto header = c.Get("/v1/version", httplib::Headers{{"X-API-Key", "k-123"}});
  ASSERT_TRUE(header);
  EXPECT_EQ(header->status, 200);
  auto health = c.Get("/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(DaemonExit, TakenPortExitsWithCode3AndSaysSo) {
  ModelsDir models;
  DaemonProcess first(kBinary, {"--port", "0", "--models", models.path()});
  ASSERT_TRUE(first.listening()) << first.stderr_text();
  DaemonProcess second(kBinary,
                       {"--port", std::to_string(first.port()), "--models", models.path()});
  EXPECT_FALSE(second.listening());
  EXPECT_EQ(second.wait_exit(), 3);
  EXPECT_NE(second.stderr_text().find("is already in use"), std::string::npos)
      << second.stderr_text();
  auto r = client(first.port()).Get("/v1/health");  // the first one is untouched
  ASSERT_TRUE(r);
}

TEST(DaemonExit, NonLoopbackWithoutApiKeyExitsWithCode5) {
  DaemonProcess d(kBinary, {"--host", "0.0.0.0", "--port", "0"});
  EXPECT_FALSE(d.listening());
  EXPECT_EQ(d.wait_exit(), 5);
  EXPECT_NE(d.stderr_text().find("API key"), std::string::npos) << d.stderr_text();
}

TEST(DaemonExit, BadOptionsExitWithCode2) {
  DaemonProcess flag(kBinary, {"--port", "not-a-port"});
  EXPECT_EQ(flag.wait_exit(), 2);
  EXPECT_NE(flag.stderr_text().find("--port"), std::string::npos) << flag.stderr_text();
  DaemonProcess env(kBinary, {}, {{"CLIPGEN_QUEUE", "many"}});
  EXPECT_EQ(env.wait_exit(), 2);
  EXPECT_NE(env.stderr_text().find("CLIPGEN_QUEUE"), std::string::npos) << env.stderr_text();
  DaemonProcess missing(kBinary, {"--port", "0", "--models", "/nonexistent/clipgen-models"});
  EXPECT_EQ(missing.wait_exit(), 2);
}

TEST(DaemonShutdown, SigtermFinishesTheRequestInFlightAndExits0) {
  ModelsDir models;
  DaemonProcess d(kBinary, {"--port", "0", "--models", models.path()});
  ASSERT_TRUE(d.listening()) << d.stderr_text();
  ASSERT_TRUE(wait_ready(d.port()));

  // A request whose body is still arriving when the signal comes.
  const std::string body = R"({"kind": "drums"})";
  const int fd = connect_loopback(d.port());
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /v1/no-such-tool HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 5);
  ASSERT_EQ(send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  // Connections are accepted in order, so once a later one is answered ours is being served.
  ASSERT_TRUE(client(d.port()).Get("/v1/health"));

  d.signal(SIGTERM);
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    const int probe = connect_loopback(d.port());
    refused = probe < 0;
    if (!refused) {
      close(probe);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_TRUE(refused) << "the daemon still accepts connections after SIGTERM";

  const std::string rest = body.substr(5);
  ASSERT_EQ(send(fd, rest.data(), rest.size(), MSG_NOSIGNAL), static_cast<ssize_t>(rest.size()));
  const std::string reply = read_all(fd);
  close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("type":"not_found")"), std::string::npos) << reply;

  EXPECT_EQ(d.wait_exit(), 0) << d.stderr_text();
  EXPECT_NE(d.stderr_text().find("clipgend stopped"), std::string::npos) << d.stderr_text();
}

TEST(DaemonShutdown, SigintExits0) {
  ModelsDir models;
  DaemonProcess d(kBinary, {"--port", "0", "--models", models.path()});
  ASSERT_TRUE(d.listening()) << d.stderr_text();
  EXPECT_EQ(d.stop(SIGINT), 0) << d.stderr_text();
}

}  // namespace
}  // namespace clipgen::test
