// Runs the real vitrina-import binary on the shipped examples and on bad files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "SQLiteCpp/Database.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::data {
namespace {

using ::testing::HasSubstr;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ImportCliTest : public ::testing::Test {
 protected:
  RunResult Run(const std::string& arguments) {
    const std::string err_path = dir_.File("stderr.txt");
    const std::string command = std::string(VITRINA_BINARY_DIR) + "/vitrina-import " +
                                arguments + " 2>" + err_path;
    RunResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    return result;
  }

  static std::string Example(const std::string& name) {
    return std::string(VITRINA_SOURCE_DIR) + "/data/examples/" + name;
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
    return dir_.File(name);
  }

  int64_t Count(const std::string& table) {
    SQLite::Database db(catalog_, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
  }

  ::vitrina::testing::TempDir dir_;
  std::string catalog_ = dir_.File("catalog.db");
};

TEST_F(ImportCliTest, HelpNamesTheColumnsAndExitStatuses) {
  RunResult result = Run("--help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("user_id*, title_id*, type*, value*, time*"));
  EXPECT_THAT(result.out, HasSubstr("Exit status: 0 imported, 1 bad rows"));
}

TEST_F(ImportCliTest, ImportsTheCsvExamples) {
  RunResult result = Run("--catalog " + catalog_ + " --interaction-types " +
                         Example("interaction_types.csv") + " --titles " + Example("titles.csv") +
                         " --users " + Example("users.csv") + " --interactions " +
                         Example("interactions.csv"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("created " + catalog_ +
                                    ": 3 interaction types, 5 titles, 3 users, 7 interactions"));
  EXPECT_EQ(Count("interactions WHERE user_id = 0"), 3);
}

TEST_F(ImportCliTest, ImportsTheJsonLinesExamplesAndReportsCreatedTypes) {
  RunResult result = Run("--catalog " + catalog_ + " --titles " + Example("titles.jsonl") +
                         " --interactions " + Example("interactions.jsonl"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("added interaction type 'rating' with weight 1"));
  EXPECT_EQ(Count("titles"), 5);
}

TEST_F(ImportCliTest, BadRowsArePrintedWithFileAndLineAndNothingIsWritten) {
  ASSERT_EQ(Run("--catalog " + catalog_ + " --titles " + Example("titles.csv")).exit_code, 0);
  RunResult result =
      Run("--catalog " + catalog_ + " --interactions " + Example("bad_interactions.csv"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("bad_interactions.csv:3:1: user_id: -1 is negative"));
  EXPECT_THAT(result.err, HasSubstr("bad_interactions.csv:4:3: title_id: title 42 is in neither"));
  EXPECT_THAT(result.err, HasSubstr("bad_interactions.csv:5:10: value: 'NaN' is not a finite"));
  EXPECT_THAT(result.err, HasSubstr("3 bad row(s); nothing was written"));
  EXPECT_EQ(Count("interactions"), 0);
}

TEST_F(ImportCliTest, MaxErrorsStopsTheCheck) {
  std::string rows = "id,name\n";
  for (int i = 0; i < 10; ++i) rows += "x,Bad\n";
  RunResult result = Run("--catalog " + catalog_ + " --max-errors 3 --titles " +
                         Write("titles.csv", rows));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("titles.csv:4:1"));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("titles.csv:5:1")));
  EXPECT_THAT(result.err, HasSubstr("checking stopped at --max-errors 3"));
  EXPECT_FALSE(std::filesystem::exists(catalog_));
}

TEST_F(ImportCliTest, FormatOptionOverridesTheExtension) {
  const std::string file = Write("titles.txt", "{\"id\": 0, \"name\": \"Zero\"}\n");
  RunResult by_extension = Run("--catalog " + catalog_ + " --titles " + file);
  EXPECT_EQ(by_extension.exit_code, 2);
  EXPECT_THAT(by_extension.err, HasSubstr("cannot tell the format from the extension '.txt'"));
  EXPECT_EQ(Run("--catalog " + catalog_ + " --format jsonl --titles " + file).exit_code, 0);
}

TEST_F(ImportCliTest, UsageErrors) {
  EXPECT_EQ(Run("--catalog " + catalog_).exit_code, 2);
  EXPECT_THAT(Run("--catalog " + catalog_).err, HasSubstr("nothing to import"));
  EXPECT_EQ(Run("--titles " + Example("titles.csv")).exit_code, 2);  // no --catalog
  RunResult missing = Run("--catalog " + catalog_ + " --titles " + dir_.File("none.csv"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read " + dir_.File("none.csv")));
  EXPECT_EQ(Run("--catalog " + catalog_ + " --format xml --titles a.csv").exit_code, 2);
}

TEST_F(ImportCliTest, NotACatalogIsAFailureOfItsOwn) {
  const std::string not_catalog = Write("not.db", "hello");
  RunResult result = Run("--catalog " + not_catalog + " --titles " + Example("titles.csv"));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr(not_catalog));
}

}  // namespace
}  // namespace vitrina::data
