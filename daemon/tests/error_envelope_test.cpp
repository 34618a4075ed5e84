#include "error_envelope.h"

#include <gtest/gtest.h>

namespace clipgen::daemon {
namespace {

TEST(ErrorEnvelope, HasCodeTypeAndMessage) {
  const auto j = error_envelope({ErrorKind::kPayloadTooLarge, "too big"});
  ASSERT_TRUE(j.contains("error"));
  EXPECT_EQ(j["error"]["code"], 413);
  EXPECT_EQ(j["error"]["type"], "payload_too_large");
  EXPECT_EQ(j["error"]["message"], "too big");
  EXPECT_EQ(j.size(), 1u);
}

TEST(ErrorEnvelope, EveryKindUsesTheContractStatus) {
  const std::pair<ErrorKind, int> expected[] = {{ErrorKind::kInvalidRequest, 400},
                                                {ErrorKind::kUnauthorized, 401},
                                                {ErrorKind::kForbidden, 403},
                                                {ErrorKind::kNotFound, 404},
                                                {ErrorKind::kMethodNotAllowed, 405},
                                                {ErrorKind::kPayloadTooLarge, 413},
                                                {ErrorKind::kUnsupportedMediaType, 415},
                                                {ErrorKind::kUnprocessable, 422},
                                                {ErrorKind::kUnavailable, 503},
                                                {ErrorKind::kInternal, 500}};
  for (const auto& [kind, status] : expected) {
    EXPECT_EQ(error_envelope({kind, "m"})["error"]["code"], status);
  }
}

TEST(ErrorForStatus, MapsLibraryStatusesToContractTypes) {
  EXPECT_EQ(error_for_status(400).kind, ErrorKind::kInvalidRequest);
  EXPECT_EQ(error_for_status(414).kind, ErrorKind::kInvalidRequest);
  EXPECT_EQ(error_for_status(404).kind, ErrorKind::kNotFound);
  EXPECT_EQ(error_for_status(413).kind, ErrorKind::kPayloadTooLarge);
  EXPECT_EQ(error_for_status(500).kind, ErrorKind::kInternal);
  EXPECT_EQ(error_for_status(503).kind, ErrorKind::kUnavailable);
}

TEST(ParseJsonBody, AcceptsAnObject) {
  auto r = parse_json_body(R"({"kind": "drums", "variations": 2})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["variations"], 2);
}

TEST(ParseJsonBody, SaysWhereTheSyntaxBreaks) {
  auto r = parse_json_body(R"({"kind": "drums")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(r.error().message.find("body is not valid JSON"), std::string::npos);
  EXPECT_NE(r.error().message.find("unexpected end of input"), std::string::npos);
  EXPECT_NE(r.error().message.find("at byte 17"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("json.exception"), std::string::npos) << r.error().message;
}

TEST(ParseJsonBody, NumberTooLargeIsInvalidRequest) {
  auto r = parse_json_body(R"({"temperature": 1e999})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(r.error().message.find("body is not valid JSON"), std::string::npos);
  EXPECT_EQ(r.error().message.find("json.exception"), std::string::npos) << r.error().message;
}

TEST(ParseJsonBody, RejectsEmptyBody) {
  auto r = parse_json_body("  \n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("empty"), std::string::npos);
}

TEST(JsonContentType, AcceptsJsonWithUtf8Charset) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("Application/JSON; charset=UTF-8"));
  EXPECT_TRUE(is_json_content_type("application/json;charset=\"utf-8\""));
}

TEST(JsonContentType, RejectsOtherTypesAndCharsets) {
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
  EXPECT_FALSE(is_json_content_type("application/jsonp"));
  EXPECT_FALSE(is_json_content_type(""));
  EXPECT_FALSE(is_json_content_type("application/json; charset=latin1"));
}

}  // namespace
}  // namespace clipgen::daemon
