// parse_json_fast gives nlohmann's exact tree on the text it reads and declines the rest.
#include "clipgen/protocol/json_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace clipgen::protocol {
namespace {

using nlohmann::json;

// Same tree as nlohmann's: values, and types too (json's == calls 1 and 1.0 equal).
void expect_same_tree(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (auto it = a.begin(); it != a.end(); ++it) {
      ASSERT_TRUE(b.contains(it.key())) << where << "." << it.key();
      expect_same_tree(it.value(), b.at(it.key()), where + "." + it.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (std::size_t i = 0; i < a.size(); ++i) {
      expect_same_tree(a[i], b[i], where + "[" + std::to_string(i) + "]");
    }
  } else if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    ASSERT_EQ(std::memcmp(&x, &y, sizeof x), 0) << where << ": " << x << " vs " << y;
  } else {
    ASSERT_EQ(a, b) << where;
  }
}

void expect_read_like_nlohmann(const std::string& text) {
  auto fast = parse_json_fast(text);
  ASSERT_TRUE(fast.has_value()) << text;
  expect_same_tree(*fast, json::parse(text), text);
}

TEST(JsonText, ReadsWhatRequestsAreMadeOf) {
  for (const std::string text : {
           R"({"kind": "drums", "variations": 2, "temperature": 1.0, "seed": 7})",
           R"({"notes": [{"pitch": 36, "velocity": 100, "startTime": 0.0, "endTime": 0.125,
                          "quantizedStartStep": "0", "isDrum": true}],
               "tempos": [{"qpm": 120}], "totalTime": 2, "empty": {}, "none": [], "n": null})",
           "[1, -1, 0, -0, 1.5, -0.0, 1e5, 1E-3, 2.5e+2, 123456789012345678, 18446744073709551615,"
           " -9223372036854775808, 0.1, 3.141592653589793, 4.9e-324, 1.7976931348623157e308]",
           " \t\r\n{ \"a\" : [ true , false , null ] } \n", R"("just a string")", "42",
           R"({"dup": 1, "x": 0, "dup": [2]})",  // the last one wins, in the first one's slot
           "{\"del\": \"a\x7f\"}",               // DEL needs no escape in JSON
       }) {
    expect_read_like_nlohmann(text);
  }
}

TEST(JsonText, KeepsIntegerFloatAndUnsignedApart) {
  auto j = parse_json_fast("[1, -1, 1.0, 18446744073709551615]");
  ASSERT_TRUE(j.has_value());
  EXPECT_TRUE((*j)[0].is_number_unsigned());
  EXPECT_TRUE((*j)[1].is_number_integer() && !(*j)[1].is_number_unsigned());
  EXPECT_TRUE((*j)[2].is_number_float());
  EXPECT_EQ((*j)[3].get<std::uint64_t>(), 18446744073709551615u);
}

TEST(JsonText, DeclinesWhatOnlyNlohmannReads) {
  for (const std::string text : {
           R"({"escaped": "a\"b"})", R"({"unicode": "\u00e9"})", "{\"utf8\": \"\xc3\xa9\"}",
           "\xef\xbb\xbf{}",        // byte-order mark, which nlohmann skips
           "18446744073709551616",  // past uint64: nlohmann makes a float
           "-9223372036854775809",  // past int64: likewise
           "1e-400",                // underflows
       }) {
    EXPECT_FALSE(parse_json_fast(text).has_value()) << text;
    EXPECT_NO_THROW(parse_json(text)) << text;  // nlohmann reads them
    expect_same_tree(parse_json(text), json::parse(text), text);
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  EXPECT_FALSE(parse_json_fast(deep).has_value());
  expect_same_tree(parse_json(deep), json::parse(deep), "100 deep");
}

TEST(JsonText, DeclinesMalformedTextAndNlohmannWordsTheError) {
  for (const std::string text :
       {"",      " ",         "{",          "}",      "[1,]",
        "[1 2]", "{\"a\" 1}", "{\"a\":}",   "{a: 1}", "01",
        "-",     "1.",        ".5",         "1e",     "+1",
        "tru",   "nul",       "[1]x",       "\"open", "{\"ctl\": \"a\tb\"}",
        "1e999", "[\"\\x\"]", "{\"a\":1,}", "NaN",    "Infinity"}) {
    EXPECT_FALSE(parse_json_fast(text).has_value()) << text;
    EXPECT_THROW(parse_json(text), json::exception) << text;
  }
}

// A large real document: magenta.js' outputs for the GrooVAE parity case (sequences, tensors,
// floats in every notation it writes).
TEST(JsonText, ReadsAParityReferenceLikeNlohmann) {
  std::ifstream in(std::string(CLIPGEN_SOURCE_DIR) +
                   "/tests/data/parity/groovae_2bar/reference.json");
  if (!in) GTEST_SKIP() << "no parity reference in tests/data/parity/groovae_2bar";
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  auto fast = parse_json_fast(body);
  if (!fast) {
    // Only escapes or non-ASCII text would send it to nlohmann.
    EXPECT_TRUE(body.find('\\') != std::string::npos ||
                std::any_of(body.begin(), body.end(), [](char c) { return c & 0x80; }));
    return;
  }
  expect_same_tree(*fast, json::parse(body), "reference.json");
}

}  // namespace
}  // namespace clipgen::protocol
