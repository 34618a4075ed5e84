#include "clipgen/service/runner.h"

#include <gtest/gtest.h>

#include <sstream>

namespace clipgen::service {
namespace {

#if !defined(_WIN32)
TEST(ProcessRunner, CapturesOutputAndExitCode) {
  ProcessRunner runner;
  CommandResult result = runner.run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.output.find("out\n"), std::string::npos);
  EXPECT_NE(result.output.find("err\n"), std::string::npos);
}

TEST(ProcessRunner, PassesArgumentsUnsplit) {
  ProcessRunner runner;
  CommandResult result = runner.run({"printf", "[%s]", "a b", "c'd"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "[a b][c'd]");
}

TEST(ProcessRunner, MissingProgramIs127WithAHint) {
  ProcessRunner runner;
  CommandResult result = runner.run({"clipgen-no-such-program-xyz"});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(result.output.find("is it installed"), std::string::npos);
  EXPECT_EQ(runner.run_passthrough({"clipgen-no-such-program-xyz"}), 127);
  EXPECT_EQ(runner.run_passthrough({"sh", "-c", "exit 4"}), 4);
}
#endif

TEST(DryRunRunner, PrintsInsteadOfRunning) {
  std::ostringstream out;
  DryRunRunner runner(out);
  EXPECT_EQ(runner.run({"systemctl", "--user", "enable", "a b"}).exit_code, 0);
  EXPECT_EQ(out.str(), "would run: systemctl --user enable 'a b'\n");
}

TEST(FormatCommand, QuotesLikeAShell) {
  EXPECT_EQ(format_command({"a", "b c", "it's", ""}), "a 'b c' 'it'\\''s' ''");
}

}  // namespace
}  // namespace clipgen::service
