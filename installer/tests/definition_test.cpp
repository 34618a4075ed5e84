#include "clipgen/service/definition.h"

#include <gtest/gtest.h>

namespace clipgen::service {
namespace {

ServicePaths sample_paths() {
  ServicePaths paths;
  paths.definition = "/home/ana/.config/systemd/user/clipgend.service";
  paths.prune_stop = "/home/ana/.config";
  paths.log_dir = "/home/ana/.local/state/clipgen";
  paths.log_file = paths.log_dir / "clipgend.log";
  paths.config_file = "/home/ana/.config/clipgen/clipgend.conf";
  return paths;
}

TEST(RenderTemplate, ReplacesEveryPlaceholder) {
  auto text = render_template("a={{A}} b={{B}} a={{A}}", {{"A", "1"}, {"B", "two"}});
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, "a=1 b=two a=1");
}

TEST(RenderTemplate, NamesAPlaceholderWithoutValue) {
  auto text = render_template("x={{PORT}}", {{"A", "1"}});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("{{PORT}}"), std::string::npos);
}

TEST(RenderTemplate, RejectsUnclosedPlaceholder) {
  EXPECT_FALSE(render_template("x={{PORT", {{"PORT", "1"}}).ok());
}

TEST(SystemdQuote, LeavesPlainPathsAndQuotesTheRest) {
  EXPECT_EQ(systemd_quote("/usr/bin/clipgend"), "/usr/bin/clipgend");
  EXPECT_EQ(systemd_quote("/opt/Clip Gen/clipgend"), "\"/opt/Clip Gen/clipgend\"");
  EXPECT_EQ(systemd_quote("/x/100%/$HOME"), "\"/x/100%%/$$HOME\"");
  EXPECT_EQ(systemd_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(systemd_quote(""), "\"\"");
}

TEST(WindowsQuote, FollowsCommandLineToArgvRules) {
  EXPECT_EQ(windows_quote("C:\\ClipGen\\clipgend.exe"), "C:\\ClipGen\\clipgend.exe");
  EXPECT_EQ(windows_quote("C:\\Program Files\\ClipGen"), "\"C:\\Program Files\\ClipGen\"");
  EXPECT_EQ(windows_quote("C:\\My Models\\"), "\"C:\\My Models\\\\\"");
  EXPECT_EQ(windows_quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(windows_quote(""), "\"\"");
}

TEST(XmlEscape, EscapesMarkup) {
  EXPECT_EQ(xml_escape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&apos;");
}

TEST(DaemonArgv, CarriesOnlyExplicitOptions) {
  DaemonLaunch launch;
  launch.clipgend = "/usr/bin/clipgend";
  EXPECT_EQ(daemon_argv(launch), std::vector<std::string>{"/usr/bin/clipgend"});
  launch.models = "/srv/models";
  launch.port = 7400;
  launch.config = "/etc/clipgen.conf";
  EXPECT_EQ(daemon_argv(launch),
            (std::vector<std::string>{"/usr/bin/clipgend", "--config", "/etc/clipgen.conf",
                                      "--models", "/srv/models", "--port", "7400"}));
}

TEST(RenderDefinition, SystemdUnitRunsTheInstalledDaemon) {
  DaemonLaunch launch;
  launch.clipgend = "/opt/Clip Gen/bin/clipgend";
  launch.models = "/opt/Clip Gen/share/clipgen/models";
  auto text = render_definition(Platform::kSystemd, launch, sample_paths());
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("ExecStart=\"/opt/Clip Gen/bin/clipgend\" --models "
                       "\"/opt/Clip Gen/share/clipgen/models\"\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("Restart=on-failure\n"), std::string::npos);
  EXPECT_NE(text->find("WantedBy=default.target\n"), std::string::npos);
  EXPECT_NE(text->find("/home/ana/.config/clipgen/clipgend.conf"), std::string::npos);
  EXPECT_EQ(text->find("{{"), std::string::npos);
}

TEST(RenderDefinition, PlistListsEachArgumentEscaped) {
  DaemonLaunch launch;
  launch.clipgend = "/Applications/R&B Tools/clipgend";
  launch.port = 7400;
  auto text = render_definition(Platform::kLaunchd, launch, sample_paths());
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("<string>/Applications/R&amp;B Tools/clipgend</string>\n"
                       "    <string>--port</string>\n    <string>7400</string>\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("<key>RunAtLoad</key>\n  <true/>"), std::string::npos);
  EXPECT_NE(text->find("<key>KeepAlive</key>"), std::string::npos);
  EXPECT_NE(text->find("<string>com.clipgen.clipgend</string>"), std::string::npos);
}

TEST(RenderDefinition, XmlCommentsSurviveDoubleDashesInPaths) {
  DaemonLaunch launch;
  launch.clipgend = "/usr/bin/clipgend";
  ServicePaths paths = sample_paths();
  paths.config_file = "/home/a--b/clipgend.conf";
  auto text = render_definition(Platform::kLaunchd, launch, paths);
  ASSERT_TRUE(text.ok());
  size_t open = text->find("<!--");
  size_t close = text->find("-->", open);
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(text->substr(open + 4, close - open - 4).find("--"), std::string::npos);
}

TEST(RenderDefinition, TaskXmlCarriesCommandArgumentsAndUser) {
  DaemonLaunch launch;
  launch.clipgend = "/C/Program Files/ClipGen/bin/clipgend.exe";
  launch.models = "/C/My Models";
  launch.user_id = "STUDIO\\ana";
  auto text = render_definition(Platform::kTaskScheduler, launch, sample_paths());
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("<Command>/C/Program Files/ClipGen/bin/clipgend.exe</Command>"),
            std::string::npos);
  EXPECT_NE(text->find("<Arguments>--models &quot;/C/My Models&quot;</Arguments>"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("<UserId>STUDIO\\ana</UserId>"), std::string::npos);
  EXPECT_NE(text->find("<LogonTrigger>"), std::string::npos);
}

TEST(RenderDefinition, RefusesARelativeDaemonPath) {
  DaemonLaunch launch;
  launch.clipgend = "bin/clipgend";
  EXPECT_FALSE(render_definition(Platform::kSystemd, launch, sample_paths()).ok());
}

TEST(Utf16, EncodesBomAsciiAndSurrogatePairs) {
  std::string out = utf8_to_utf16le_with_bom("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  std::string expected(
      "\xFF\xFE"
      "A\0"
      "\xE9\0"
      "\xAC\x20"
      "\x3D\xD8\x00\xDE",
      12);
  EXPECT_EQ(out, expected);
}

TEST(Utf16, ReplacesBrokenSequences) {
  std::string out = utf8_to_utf16le_with_bom("\xC3(");
  EXPECT_EQ(out, std::string("\xFF\xFE\xFD\xFF(\0", 6));
}

}  // namespace
}  // namespace clipgen::service
