// The dashboard's files as the gateway serves them: the page without the admin token (it holds no
// data), every file it loads embedded and served with its type, strict security headers, JSON 404s.
#include <regex>
#include <set>
#include <string>

#include "server/http/dashboard_files.h"
#include "server/http/dashboard_routes.h"
#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using DashboardRoutesTest = GatewayTest;  // the admin token is set

std::string EmbeddedBytes(std::string_view name) {
  for (const EmbeddedFile& file : DashboardFiles()) {
    if (file.name == name) return std::string(file.bytes);
  }
  ADD_FAILURE() << name << " is not embedded (server/http/CMakeLists.txt)";
  return "";
}

// The names a text refers to with `pattern`'s first group.
std::set<std::string> References(const std::string& text, const std::regex& pattern) {
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

TEST_F(DashboardRoutesTest, ThePageIsServedWithoutTheTokenUnderAStrictSecurityPolicy) {
  auto page = client_->Get("/dashboard");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body, EmbeddedBytes(kDashboardPage));
  EXPECT_THAT(page->body, HasSubstr("<title>Vitrina dashboard</title>"));
  const std::string policy = page->get_header_value("Content-Security-Policy");
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("script-src 'self';"));
  EXPECT_THAT(policy, HasSubstr("connect-src 'self';"));
  EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");

  // The data it shows stays behind the token.
  auto models = client_->Get("/admin/models");
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 401);
}

TEST_F(DashboardRoutesTest, EveryFileThePageAndItsScriptsLoadIsEmbeddedAndServedWithItsType) {
  const std::string page = EmbeddedBytes(kDashboardPage);
  std::set<std::string> loaded = References(page, std::regex(R"re((?:src|href)="dashboard/([^"]+)")re"));
  EXPECT_TRUE(loaded.contains("main.js") && loaded.contains("uPlot.iife.min.js") && loaded.contains("uPlot.min.css"))
      << "the page no longer loads what this test expects";
  // Modules import each other relative to /dashboard/.
  std::set<std::string> to_scan = loaded;
  while (!to_scan.empty()) {
    std::string name = *to_scan.begin();
    to_scan.erase(to_scan.begin());
    if (!name.ends_with(".js") || name.starts_with("uPlot")) continue;
    for (const std::string& imported :
         References(EmbeddedBytes(name), std::regex(R"re(from "\./([^"]+)")re"))) {
      if (loaded.insert(imported).second) to_scan.insert(imported);
    }
  }
  EXPECT_TRUE(loaded.contains("experiments_view.js") && loaded.contains("prometheus_text.js"));

  for (const std::string& name : loaded) {
    SCOPED_TRACE(name);
    auto file = client_->Get("/dashboard/" + name);
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200);
    EXPECT_EQ(file->body, EmbeddedBytes(name));
    const std::string expected_type = name.ends_with(".js")    ? "text/javascript; charset=utf-8"
                                      : name.ends_with(".css") ? "text/css; charset=utf-8"
                                                               : "text/plain; charset=utf-8";
    EXPECT_EQ(file->get_header_value("Content-Type"), expected_type);
    EXPECT_THAT(file->get_header_value("Content-Security-Policy"), StartsWith("default-src 'none'"));
  }
  EXPECT_THAT(EmbeddedBytes("uPlot.LICENSE.txt"), HasSubstr("The MIT License"));
  EXPECT_THAT(EmbeddedBytes("uPlot.iife.min.js"), StartsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */"));
}

TEST_F(DashboardRoutesTest, AnUnknownFileIsAJson404AndThePageHasOneAddress) {
  for (const char* target : {"/dashboard/nothing.js", "/dashboard/index.html", "/dashboard/%2E%2E"}) {
    SCOPED_TRACE(target);
    auto missing = client_->Get(target);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->get_header_value("Content-Type"), "application/json");
    EXPECT_THAT(missing->body, HasSubstr(R"("code":"NOT_FOUND")"));
    EXPECT_THAT(missing->body, HasSubstr("the dashboard has no file"));
  }
  auto trailing_slash = client_->Get("/dashboard/");
  ASSERT_TRUE(trailing_slash);
  EXPECT_EQ(trailing_slash->status, 404);
}

TEST_F(DashboardRoutesTest, HeadAnswersWithoutABody) {
  auto head = client_->Head("/dashboard/main.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
}

}  // namespace
}  // namespace vitrina::server::http
