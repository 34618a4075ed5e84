// The daemon's defences, each pinned by a request from outside (docs/security.md maps them):
// Host check (DNS rebinding), Origin allow-list (CORS), the API key (wrong keys of equal and
// other lengths), no non-loopback bind without a key, no request field reaching the filesystem,
// per-request limits, and hostile HTTP framing (huge headers, idle connections).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace clipgen::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kAllowed = "http://localhost:5173";

class Security : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ =
        start_daemon(fixture_models_dir(), {"--allow-origin", kAllowed, "--max-body", "8MiB"});
    ASSERT_TRUE(daemon_->listening()) << daemon_->stderr_text();
    ASSERT_TRUE(wait_ready(daemon_->port())) << daemon_->stderr_text();
  }
  static void TearDownTestSuite() { daemon_.reset(); }
  void SetUp() override { ASSERT_TRUE(daemon_ && daemon_->listening()); }
  static int port() { return daemon_->port(); }

  // A tool request with a hand-set Host header (httplib would send 127.0.0.1:port).
  static httplib::Result post_with(const httplib::Headers& headers) {
    auto c = client(port());
    return c.Post("/v1/generate", headers, valid_request("generate").dump(), "application/json");
  }
  static std::unique_ptr<DaemonProcess> daemon_;
};
std::unique_ptr<DaemonProcess> Security::daemon_;

TEST_F(Security, ForeignHostNamesAre403OnEveryRoute) {
  for (const std::string host :
       {"evil.example", "evil.example:7311", "localhost.evil.example", "127.0.0.1.nip.io",
        "attacker.localhost.example:80", "0.0.0.0", "192.168.1.10", "[::ffff:7f00:1]"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(envelope_problem(post_with({{"Host", host}}), 403, "forbidden"), "");
    auto c = client(port());
    EXPECT_EQ(envelope_problem(c.Get("/v1/models", {{"Host", host}}), 403, "forbidden"), "");
  }
}

TEST_F(Security, LoopbackHostNamesPass) {
  for (const std::string host :
       {"localhost", "LOCALHOST:7311", "127.0.0.1", "127.0.0.1:1", "[::1]:7311", "localhost."}) {
    SCOPED_TRACE(host);
    auto r = post_with({{"Host", host}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
}

TEST_F(Security, MissingHostIs403) {
  const std::string reply =
      raw_exchange(port(), "GET /v1/models HTTP/1.0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 403", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("type":"forbidden")"), std::string::npos) << reply;
}

TEST_F(Security, OriginsOffTheListAre403) {
  for (const std::string origin :
       {"http://evil.example", "null", "http://localhost:5174", "https://localhost:5173",
        "http://localhost:5173.evil.example", "http://evil.example/http://localhost:5173"}) {
    SCOPED_TRACE(origin);
    auto r = post_with({{"Origin", origin}});
    EXPECT_EQ(envelope_problem(r, 403, "forbidden"), "");
    if (r) {
      EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "");
    }
    // The preflight of a refused origin grants nothing either.
    auto c = client(port());
    auto pre =
        c.Options("/v1/generate", {{"Origin", origin}, {"Access-Control-Request-Method", "POST"}});
    ASSERT_TRUE(pre);
    EXPECT_EQ(pre->status, 403);
    EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "");
  }
}

TEST_F(Security, TheAllowedOriginGetsCors) {
  auto r = post_with({{"Origin", kAllowed}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), kAllowed);
}

// Field names a careless server might treat as paths; none may be opened or written.
TEST_F(Security, PathLikeFieldsNeverReachTheFilesystem) {
  char tmpl[] = "/tmp/clipgen-paths-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const fs::path decoy = dir / "decoy.pt";
  std::ofstream(decoy) << "not a model";
  const fs::path out = dir / "out.mid";

  auto c = client(port());
  auto models = c.Get("/v1/models");
  ASSERT_TRUE(models && models->status == 200);
  std::set<std::string> ids;
  const json listed = json::parse(models->body);
  for (const auto& m : listed["models"]) ids.insert(m.value("id", ""));

  json body = valid_request("generate");
  for (const char* field : {"model", "modelPath", "models", "path", "file", "checkpoint"}) {
    body[field] = decoy.string();
  }
  for (const char* field : {"output", "outputPath", "midi", "saveTo", "log"})
    body[field] = out.string();
  body["id"] = "../../../../etc/passwd";
  auto r = c.Post("/v1/generate", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(ids.count(json::parse(r->body).value("model", "")), 1u)
      << "the answer came from a model that is not in /v1/models: " << r->body;
  EXPECT_FALSE(fs::exists(out)) << "a request field named a file and the daemon wrote it";

  // Path-like values where the API expects names are refused, not looked up.
  json kind = valid_request("generate");
  kind["kind"] = decoy.string();
  EXPECT_EQ(envelope_problem(c.Post("/v1/generate", kind.dump(), "application/json"), 400,
                             "invalid_request"),
            "");
  for (const std::string route : {"/v1/models/../../etc/passwd", "/v1/%2e%2e/%2e%2e/etc/passwd",
                                  "/etc/passwd", "/v1/generate/../../models"}) {
    SCOPED_TRACE(route);
    EXPECT_EQ(envelope_problem(c.Get(route), 404, "not_found"), "");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// Limits that bound one request's work and answer: notes in, clips and steps out.
TEST_F(Security, PerRequestLimitsHold) {
  auto c = client(port());
  // Notes: the protocol's limit (20,000) before parsing further, the tools' (5,000) after.
  json many = valid_request("continue");
  json one = many["input"]["notes"][0];
  many["input"]["notes"] = json::array();
  for (int i = 0; i < 20001; ++i) many["input"]["notes"].push_back(one);
  EXPECT_EQ(envelope_problem(c.Post("/v1/continue", many.dump(), "application/json"), 400,
                             "invalid_request"),
            "");
  // Steps and variations: one past the top is refused.
  json steps = valid_request("interpolate");
  steps["steps"] = 17;
  EXPECT_EQ(envelope_problem(c.Post("/v1/interpolate", steps.dump(), "application/json"), 400,
                             "invalid_request"),
            "");
  // The largest answer allowed: 16 generated clips; every clip is 4 bars of 16ths.
  json big = valid_request("generate");
  big["variations"] = 16;
  auto r = c.Post("/v1/generate", big.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json answer = json::parse(r->body);
  ASSERT_EQ(answer["sequences"].size(), 16u);
  for (const auto& s : answer["sequences"]) {
    // A 4-bar drum clip holds at most 64 steps x 9 drum classes of hits.
    EXPECT_LE(s["notes"].size(), 64u * 9u);
    EXPECT_LE(s.value("totalQuantizedSteps", 0), 64);
  }
}

TEST_F(Security, OversizedHeadersGetAnEnvelopeAndTheDaemonStaysUp) {
  const std::string huge(64 * 1024, 'a');
  std::string reply = raw_exchange(
      port(), "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + huge + "\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 4", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find(R"("error")"), std::string::npos) << reply.substr(0, 400);
  reply = raw_exchange(
      port(), "GET /v1/" + std::string(100 * 1024, 'x') + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 4", 0), 0u) << reply.substr(0, 200);
  auto health = client(port()).Get("/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// More silent connections than the daemon has HTTP threads: they are timed out and dropped, so
// a real client is still served.
TEST_F(Security, IdleConnectionsDoNotLockOutClients) {
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    const int fd = connect_loopback(port());
    if (fd >= 0) idle.push_back(fd);
  }
  ASSERT_GE(idle.size(), 30u);
  auto health = client(port()).Get("/v1/health");
  for (int fd : idle) close(fd);
  ASSERT_TRUE(health) << "no answer while " << idle.size() << " idle connections were open";
  EXPECT_EQ(health->status, 200);
}

// The API key: every wrong key fails the same way, whatever its length or shared prefix.
TEST(SecurityApiKey, WrongKeysOfAnyLengthAre401) {
  const std::string key = "s3cret-key-0123456789abcdef";
  auto d = start_daemon(fixture_models_dir(), {}, {{"CLIPGEN_API_KEY", key}});
  ASSERT_TRUE(d->listening()) << d->stderr_text();
  ASSERT_TRUE(wait_ready(d->port()));
  auto c = client(d->port());
  std::string same_length = key;
  same_length.back() = 'X';
  std::string first_differs = key;
  first_differs.front() = 'X';
  for (const std::string& wrong : {same_length, first_differs, key.substr(0, key.size() - 1),
                                   key + "0", key + key, std::string("s"), std::string(1000, 'a'),
                                   std::string(key.size(), '\0') + "x", key + " x"}) {
    SCOPED_TRACE("wrong key of length " + std::to_string(wrong.size()));
    for (const auto& headers : {httplib::Headers{{"Authorization", "Bearer " + wrong}},
                                httplib::Headers{{"X-API-Key", wrong}}}) {
      auto r =
          c.Post("/v1/generate", headers, valid_request("generate").dump(), "application/json");
      EXPECT_EQ(envelope_problem(r, 401, "unauthorized"), "");
      // A NUL cannot travel in a header value; that key arrives cut short or not at all.
      if (r && wrong.find('\0') == std::string::npos) {
        EXPECT_EQ(error_message(r), "the API key is wrong");
      }
    }
  }
  for (const auto& headers : {httplib::Headers{}, httplib::Headers{{"Authorization", key}},
                              httplib::Headers{{"Authorization", "Basic " + key}},
                              httplib::Headers{{"Authorization", "Bearer"}}}) {
    EXPECT_EQ(envelope_problem(c.Post("/v1/generate", headers, valid_request("generate").dump(),
                                      "application/json"),
                               401, "unauthorized"),
              "");
  }
  // The key in the URL is not a key (it would end up in logs and histories).
  EXPECT_EQ(envelope_problem(c.Get("/v1/models?api_key=" + key), 401, "unauthorized"), "");
  for (const auto& headers : {httplib::Headers{{"Authorization", "Bearer " + key}},
                              httplib::Headers{{"X-API-Key", key}}}) {
    auto ok = c.Post("/v1/generate", headers, valid_request("generate").dump(), "application/json");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
  }
  // The key is never echoed back or logged.
  EXPECT_EQ(d->stderr_text().find(key), std::string::npos) << "the key appears in the log";
}

TEST(SecurityBind, NonLoopbackWithoutKeyRefusesToStart) {
  for (const std::string host : {"0.0.0.0", "::"}) {
    SCOPED_TRACE(host);
    auto d = start_daemon(fixture_models_dir(), {"--host", host});
    EXPECT_FALSE(d->listening());
    EXPECT_EQ(d->wait_exit(), 5);
    EXPECT_NE(d->stderr_text().find("API key"), std::string::npos) << d->stderr_text();
  }
  // An empty key is no key: refused as a bad option before any socket opens.
  auto empty = start_daemon(fixture_models_dir(), {"--host", "0.0.0.0"}, {{"CLIPGEN_API_KEY", ""}});
  EXPECT_FALSE(empty->listening());
  EXPECT_NE(empty->wait_exit(), 0);
  EXPECT_NE(empty->stderr_text().find("CLIPGEN_API_KEY"), std::string::npos)
      << empty->stderr_text();
}

TEST(SecurityBind, NonLoopbackWithKeyStillChecksKeyAndHost) {
  auto d = start_daemon(fixture_models_dir(), {"--host", "0.0.0.0"}, {{"CLIPGEN_API_KEY", "k-1"}});
  ASSERT_TRUE(d->listening()) << d->stderr_text();
  ASSERT_TRUE(wait_ready(d->port()));
  auto c = client(d->port());
  EXPECT_EQ(envelope_problem(c.Get("/v1/models"), 401, "unauthorized"), "");
  EXPECT_EQ(envelope_problem(c.Get("/v1/models", {{"X-API-Key", "k-1"}, {"Host", "evil.example"}}),
                             403, "forbidden"),
            "");
  auto ok = c.Get("/v1/models", {{"X-API-Key", "k-1"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

}  // namespace
}  // namespace clipgen::test
