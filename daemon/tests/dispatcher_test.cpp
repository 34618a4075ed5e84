#include "dispatcher.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace clipgen::daemon {
namespace {

using nlohmann::json;

struct Req {
  std::string method = "GET";
  std::string path = "/v1/health";
  std::map<std::string, std::string> headers{{"Host", "localhost:7311"}};
  std::string body;
  bool too_large = false;

  Incoming incoming() const {
    Incoming in;
    in.method = method;
    in.path = path;
    auto h = headers;
    in.header = [h](const std::string& name) -> std::optional<std::string> {
      for (const auto& [k, v] : h) {
        if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
      }
      return std::nullopt;
    };
    in.body = body;
    in.body_too_large = too_large;
    return in;
  }
};

std::string header(const Outgoing& out, const std::string& name) {
  for (const auto& [k, v] : out.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string error_type(const Outgoing& out) {
  return json::parse(out.body)["error"]["type"];
}

class DispatcherTest : public ::testing::Test {
 protected:
  Dispatcher make(SecurityPolicy policy = {}) {
    Router r;
    r.add(Route{"GET", "/v1/health",
                [](const Call&) -> Result<Reply> {
                  return Reply{200, {{"status", "ok"}}, {}};
                },
                false, true});
    r.add(Route{"GET", "/v1/models",
                [](const Call&) -> Result<Reply> {
                  return Reply{200, {{"models", json::array()}}, {}};
                },
                false, false});
    r.add(Route{"POST", "/v1/echo",
                [this](const Call& c) -> Result<Reply> {
                  seen = c.body;
                  return Reply{200, c.body, {}};
                },
                true, false});
    r.add(Route{"POST", "/v1/sad",
                [](const Call&) -> Result<Reply> {
                  return Error{ErrorKind::kUnprocessable, "empty clip"};
                },
                true, false});
    r.add(Route{"POST", "/v1/throws",
                [](const Call&) -> Result<Reply> { throw std::runtime_error("boom"); }, true,
                false});
    return Dispatcher(std::move(policy), 1024, std::move(r));
  }
  json seen;
};

Req post(const std::string& path, std::string body, std::string type = "application/json") {
  Req r;
  r.method = "POST";
  r.path = path;
  r.body = std::move(body);
  if (!type.empty()) r.headers["Content-Type"] = type;
  return r;
}

TEST_F(DispatcherTest, ServesARoute) {
  auto out = make().handle(Req{}.incoming());
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(json::parse(out.body)["status"], "ok");
  EXPECT_FALSE(out.error.has_value());
}

TEST_F(DispatcherTest, UnknownRouteIs404Envelope) {
  Req r;
  r.path = "/v1/nothing";
  auto out = make().handle(r.incoming());
  EXPECT_EQ(out.status, 404);
  EXPECT_EQ(error_type(out), "not_found");
  EXPECT_EQ(json::parse(out.body)["error"]["code"], 404);
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllow) {
  Req r;
  r.method = "DELETE";
  auto out = make().handle(r.incoming());
  EXPECT_EQ(out.status, 405);
  EXPECT_EQ(error_type(out), "method_not_allowed");
  EXPECT_EQ(header(out, "Allow"), "GET, HEAD, OPTIONS");
  auto get_on_post = make().handle([] {
    Req q;
    q.path = "/v1/echo";
    return q;
  }()
                                       .incoming());
  EXPECT_EQ(get_on_post.status, 405);
  EXPECT_EQ(header(get_on_post, "Allow"), "POST, OPTIONS");
}

TEST_F(DispatcherTest, HeadIsServedLikeGet) {
  Req r;
  r.method = "HEAD";
  EXPECT_EQ(make().handle(r.incoming()).status, 200);
}

TEST_F(DispatcherTest, ForeignHostIsForbiddenBeforeRouting) {
  Req r;
  r.path = "/v1/nothing";
  r.headers["Host"] = "attacker.example:7311";
  auto out = make().handle(r.incoming());
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(error_type(out), "forbidden");
}

TEST_F(DispatcherTest, OriginMustBeAllowed) {
  Req r;
  r.headers["Origin"] = "http://evil.example";
  EXPECT_EQ(make().handle(r.incoming()).status, 403);
  SecurityPolicy p;
  p.allowed_origins = {"http://localhost:3000"};
  r.headers["Origin"] = "http://localhost:3000";
  auto out = make(p).handle(r.incoming());
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(header(out, "Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST_F(DispatcherTest, PreflightAnswersAllowedOrigin) {
  SecurityPolicy p;
  p.allowed_origins = {"http://localhost:3000"};
  p.api_key = "k";
  Req r;
  r.method = "OPTIONS";
  r.path = "/v1/echo";
  r.headers["Origin"] = "http://localhost:3000";
  auto out = make(p).handle(r.incoming());
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(header(out, "Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_NE(header(out, "Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(header(out, "Access-Control-Allow-Private-Network"), "");
  r.headers["Access-Control-Request-Private-Network"] = "true";
  EXPECT_EQ(header(make(p).handle(r.incoming()), "Access-Control-Allow-Private-Network"), "true");
  r.headers["Origin"] = "https://evil.example";
  EXPECT_EQ(make(p).handle(r.incoming()).status, 403);
}

TEST_F(DispatcherTest, ApiKeyGuardsAllButHealth) {
  SecurityPolicy p;
  p.api_key = "k";
  auto d = make(p);
  Req models;
  models.path = "/v1/models";
  auto denied = d.handle(models.incoming());
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(error_type(denied), "unauthorized");
  EXPECT_EQ(header(denied, "WWW-Authenticate"), "Bearer");
  models.headers["Authorization"] = "Bearer k";
  EXPECT_EQ(d.handle(models.incoming()).status, 200);
  EXPECT_EQ(d.handle(Req{}.incoming()).status, 200);  // health, no key
}

TEST_F(DispatcherTest, PostChecksContentTypeThenJson) {
  auto d = make();
  auto wrong_type = d.handle(post("/v1/echo", "{}", "text/plain").incoming());
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(error_type(wrong_type), "unsupported_media_type");
  EXPECT_EQ(d.handle(post("/v1/echo", "{}", "").incoming()).status, 415);

  auto bad = d.handle(post("/v1/echo", R"({"kind": )").incoming());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_type(bad), "invalid_request");
  EXPECT_NE(json::parse(bad.body)["error"]["message"].get<std::string>().find("at byte"),
            std::string::npos);

  auto not_object = d.handle(post("/v1/echo", "[1, 2]").incoming());
  EXPECT_EQ(not_object.status, 400);
  EXPECT_NE(not_object.body.find("JSON object"), std::string::npos);

  auto ok = d.handle(post("/v1/echo", R"({"kind": "drums"})").incoming());
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(seen["kind"], "drums");
}

TEST_F(DispatcherTest, TooLargeBodyIs413) {
  Req r = post("/v1/echo", "");
  r.too_large = true;
  auto out = make().handle(r.incoming());
  EXPECT_EQ(out.status, 413);
  EXPECT_EQ(error_type(out), "payload_too_large");
  EXPECT_NE(out.body.find("1 KiB"), std::string::npos);
}

TEST_F(DispatcherTest, HandlerErrorsAndExceptionsBecomeEnvelopes) {
  auto d = make();
  auto sad = d.handle(post("/v1/sad", "{}").incoming());
  EXPECT_EQ(sad.status, 422);
  EXPECT_EQ(error_type(sad), "unprocessable");
  auto boom = d.handle(post("/v1/throws", "{}").incoming());
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(error_type(boom), "internal");
  EXPECT_NE(boom.body.find("boom"), std::string::npos);
}

TEST_F(DispatcherTest, NonUtf8PathDoesNotBreakTheEnvelope) {
  Req r;
  r.path = std::string("/v1/\xff\xfe");
  auto out = make().handle(r.incoming());
  EXPECT_EQ(out.status, 404);
  EXPECT_NO_THROW(json::parse(out.body));
}

}  // namespace
}  // namespace clipgen::daemon
