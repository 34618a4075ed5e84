// Command-line reading, output naming, and the subcommand table.
#include "args.h"

#include <gtest/gtest.h>

#include <set>

#include "command.h"
#include "tool_runner.h"

namespace clipgen::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"variations", 'n', true, "N  clips"},
    {"output", 'o', true, "PATH  where"},
    {"json", 0, false, "print JSON"},
};

TEST(Args, LongShortInlineAndPositionals) {
  auto a = parse_args({"in.mid", "-n", "4", "--output=out/", "--json", "--", "-odd.mid"}, kSpecs);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->get("variations"), "4");
  EXPECT_EQ(a->get("output"), "out/");
  EXPECT_TRUE(a->has("json"));
  EXPECT_EQ(a->positionals, (std::vector<std::string>{"in.mid", "-odd.mid"}));
}

TEST(Args, ErrorsNameTheOption) {
  auto unknown = parse_args({"--bogus", "1"}, kSpecs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown option --bogus"), std::string::npos);
  auto missing = parse_args({"-n"}, kSpecs);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("-n needs a value"), std::string::npos);
  auto flag_value = parse_args({"--json=yes"}, kSpecs);
  ASSERT_FALSE(flag_value.ok());
}

TEST(Args, NumbersAreParsedStrictly) {
  nlohmann::json body;
  auto a = parse_args({"-n", "4x"}, kSpecs);
  ASSERT_TRUE(a.ok());
  Status s = put_number(a.value(), "variations", "variations", body);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("--variations needs a number, got '4x'"), std::string::npos);
  a = parse_args({"-n", "0.5"}, kSpecs);
  ASSERT_TRUE(put_number(a.value(), "variations", "v", body).ok());
  EXPECT_DOUBLE_EQ(body["v"].get<double>(), 0.5);
  a = parse_args({"-n", "12"}, kSpecs);
  ASSERT_TRUE(put_number(a.value(), "variations", "v", body).ok());
  EXPECT_TRUE(body["v"].is_number_integer());
}

TEST(Args, OutputNaming) {
  EXPECT_EQ(output_path("out.mid", "groove", 0, 1), "out.mid");
  EXPECT_EQ(output_path("dir/out.mid", "drumify", 1, 3), "dir/out-2.mid");
  EXPECT_EQ(output_path("out", "generate", 0, 8), "out/generate-01.mid");
  EXPECT_EQ(output_path("out/", "generate", 9, 16), "out/generate-10.mid");
}

TEST(Args, RangeMessagesUseFlagNames) {
  EXPECT_EQ(with_flag_names("length: 40 is outside 1..32; variations: 9 is outside 1..8"),
            "--bars: 40 is outside 1..32; --variations: 9 is outside 1..8");
}

TEST(Commands, TableHasTheFiveToolsWithUniqueNames) {
  const auto& table = command_table();
  ASSERT_GE(table.size(), 5u);
  std::set<std::string> names;
  for (const auto& c : table) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_NE(c.run, nullptr);
  }
  for (const char* tool : {"generate", "continue", "interpolate", "groove", "drumify"}) {
    EXPECT_TRUE(names.count(tool)) << tool;
  }
}

}  // namespace
}  // namespace clipgen::cli
