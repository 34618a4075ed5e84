#include "security.h"

#include <gtest/gtest.h>

namespace clipgen::daemon {
namespace {

TEST(HostName, DropsPortAndCase) {
  EXPECT_EQ(host_name("LocalHost:7311"), "localhost");
  EXPECT_EQ(host_name("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(host_name("[::1]:7311"), "[::1]");
  EXPECT_EQ(host_name("localhost.:80"), "localhost");
}

TEST(CheckHost, AcceptsLoopbackNamesWithAnyPort) {
  SecurityPolicy p;
  for (const char* h : {"localhost", "localhost:7311", "127.0.0.1:1", "[::1]", "[::1]:7311"}) {
    EXPECT_TRUE(check_host(p, std::string_view(h)).ok()) << h;
  }
}

TEST(CheckHost, RefusesOtherNamesAsForbidden) {
  SecurityPolicy p;
  for (const char* h : {"evil.example", "evil.example:7311", "localhost.evil.example",
                        "127.0.0.1.nip.io", "192.168.1.5", ""}) {
    auto s = check_host(p, std::string_view(h));
    ASSERT_FALSE(s.ok()) << h;
    EXPECT_EQ(s.error().kind, ErrorKind::kForbidden);
  }
  EXPECT_FALSE(check_host(p, std::nullopt).ok());
}

TEST(CheckHost, AllowHostAddsNames) {
  SecurityPolicy p;
  p.allowed_hosts = {"studio.local"};
  EXPECT_TRUE(check_host(p, std::string_view("studio.local:7311")).ok());
  EXPECT_FALSE(check_host(p, std::string_view("other.local")).ok());
  p.allowed_hosts = {"*"};
  EXPECT_TRUE(check_host(p, std::string_view("other.local")).ok());
}

TEST(CheckOrigin, RequestsWithoutOriginPass) {
  SecurityPolicy p;
  EXPECT_TRUE(check_origin(p, std::nullopt).ok());
}

TEST(CheckOrigin, OnlyListedOriginsPass) {
  SecurityPolicy p;
  p.allowed_origins = {"http://localhost:3000"};
  EXPECT_TRUE(check_origin(p, std::string_view("http://localhost:3000")).ok());
  EXPECT_TRUE(check_origin(p, std::string_view("HTTP://LOCALHOST:3000/")).ok());
  for (const char* o :
       {"http://localhost:3001", "https://localhost:3000", "null", "http://evil.example"}) {
    auto s = check_origin(p, std::string_view(o));
    ASSERT_FALSE(s.ok()) << o;
    EXPECT_EQ(s.error().kind, ErrorKind::kForbidden);
    EXPECT_NE(s.error().message.find("--allow-origin"), std::string::npos);
  }
}

TEST(CheckOrigin, StarAllowsAny) {
  SecurityPolicy p;
  p.allowed_origins = {"*"};
  EXPECT_TRUE(check_origin(p, std::string_view("http://anything.example")).ok());
}

TEST(CheckApiKey, NoKeyConfiguredLetsEveryoneIn) {
  SecurityPolicy p;
  EXPECT_TRUE(check_api_key(p, std::nullopt, std::nullopt).ok());
}

TEST(CheckApiKey, AcceptsBearerOrHeader) {
  SecurityPolicy p;
  p.api_key = "s3cret";
  EXPECT_TRUE(check_api_key(p, std::string_view("Bearer s3cret"), std::nullopt).ok());
  EXPECT_TRUE(check_api_key(p, std::string_view("bearer  s3cret "), std::nullopt).ok());
  EXPECT_TRUE(check_api_key(p, std::nullopt, std::string_view("s3cret")).ok());
}

TEST(CheckApiKey, RefusesMissingOrWrongKeyAsUnauthorized) {
  SecurityPolicy p;
  p.api_key = "s3cret";
  const std::pair<std::optional<std::string_view>, std::optional<std::string_view>> cases[] = {
      {std::nullopt, std::nullopt},
      {std::string_view("Bearer wrong"), std::nullopt},
      {std::string_view("Basic s3cret"), std::nullopt},
      {std::string_view("s3cret"), std::nullopt},
      {std::nullopt, std::string_view("s3cre")},
      {std::nullopt, std::string_view("s3cret2")},
      {std::nullopt, std::string_view("")}};
  for (const auto& [auth, key] : cases) {
    auto s = check_api_key(p, auth, key);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kUnauthorized);
  }
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), "a"));
}

TEST(LoopbackBindAddress, KnowsLoopbackFromTheRest) {
  for (const char* a : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) {
    EXPECT_TRUE(is_loopback_bind_address(a)) << a;
  }
  for (const char* a :
       {"0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "127.0.0.1.nip.io"}) {
    EXPECT_FALSE(is_loopback_bind_address(a)) << a;
  }
}

}  // namespace
}  // namespace clipgen::daemon
