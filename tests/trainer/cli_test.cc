// Runs the real vitrina-train binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"
#include "tests/trainer/planted_data.h"

namespace vitrina::trainer {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const testing::PlantedData data = testing::MakePlantedData();
    std::ofstream train(dir_.path() / "train.tsv");
    train << "user\titem\trating\n";
    for (size_t e = 0; e < data.train.size(); ++e) {
      train << data.dataset.users().ids().IdAt(data.train.users[e]) << '\t'
            << data.dataset.items().ids().IdAt(data.train.items[e]) << "\t5\n";
    }
    std::ofstream test(dir_.path() / "test.tsv");
    for (size_t e = 0; e < data.test.size(); ++e) {
      test << data.dataset.users().ids().IdAt(data.test.users[e]) << '\t'
           << data.dataset.items().ids().IdAt(data.test.items[e]) << "\t4\n";
    }
  }

  RunResult Run(const std::string& arguments) {
    const std::string err_path = (dir_.path() / "stderr.txt").string();
    const std::string command =
        std::string(VITRINA_BINARY_DIR) + "/vitrina-train " + arguments + " 2>" + err_path;
    RunResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    return result;
  }

  std::string File(const std::string& name) const { return (dir_.path() / name).string(); }

  ::vitrina::testing::TempDir dir_;
};

TEST_F(CliTest, PrintsOneJsonObjectAndWritesTheModel) {
  const RunResult run =
      Run("--train " + File("train.tsv") + " --test " + File("test.tsv") +
          " --min-rating 4 --loss warp --epochs 3 --seed 3 --metrics-json --output " +
          File("model.bin"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.front(), '{');
  EXPECT_EQ(run.out.find('\n'), run.out.size() - 1);  // exactly one line
  for (const char* key :
       {"\"precision_at_k\"", "\"recall_at_k\"", "\"auc\"", "\"reciprocal_rank\"", "\"k\": 10",
        "\"epochs\": 3", "\"train_seconds\"", "\"seconds_per_epoch\"", "\"n_users\": 300",
        "\"n_items\": 200", "\"n_train\"", "\"n_test\""}) {
    EXPECT_NE(run.out.find(key), std::string::npos) << key << " in " << run.out;
  }
  EXPECT_TRUE(std::filesystem::exists(File("model.bin")));
}

TEST_F(CliTest, SplitsWithTestFraction) {
  const RunResult run =
      Run("--train " + File("train.tsv") + " --test-fraction 0.2 --epochs 2 --metrics-json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\"n_test\""), std::string::npos);
}

// Every trial line and the winner line, without the seconds (the one thing allowed to differ).
std::vector<std::string> SearchLinesWithoutTimes(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream stream(out);
  for (std::string line; std::getline(stream, line);) {
    if (line.rfind("trial ", 0) != 0 && line.rfind("winner: ", 0) != 0) continue;
    lines.push_back(std::regex_replace(line, std::regex(R"([0-9.]+ s\b)"), "_ s"));
  }
  return lines;
}

constexpr const char* kSmallSearch =
    " --min-rating 4 --search --search-trials 6 --search-epochs 1 9 --search-components 4 16"
    " --threads 2 --seed 5";

TEST_F(CliTest, SearchPrintsEveryTrialTheWinnerAndItsTestMetrics) {
  const RunResult run =
      Run("--train " + File("train.tsv") + " --test " + File("test.tsv") + kSmallSearch +
          " --output " + File("winner.bin"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = SearchLinesWithoutTimes(run.out);
  // Rungs of 1, 3 and 9 epochs: 6 trials, then the best 2, then both again (a rung keeps at
  // least as many trials as --threads; fewer when a trial's score fell and it stopped), then the
  // winner.
  ASSERT_GE(lines.size(), 6u + 1u + 1u) << run.out;
  ASSERT_LE(lines.size(), 6u + 2u + 2u + 1u) << run.out;
  EXPECT_NE(lines[0].find("rung 0 epochs   1  warp d="), std::string::npos) << lines[0];
  EXPECT_NE(lines[6].find("rung 1 epochs   3"), std::string::npos) << lines[6];
  EXPECT_NE(lines.back().find("winner: trial "), std::string::npos) << lines.back();
  EXPECT_NE(lines.back().find("  validation precision@10 "), std::string::npos) << lines.back();
  EXPECT_NE(run.out.find("test: P@10 "), std::string::npos) << run.out;
  EXPECT_TRUE(std::filesystem::exists(File("winner.bin")));
}

// The honest-evaluation guarantee: the search never reads the test data, so replacing the test
// file (other pairs, other ids) changes the winner's test figures and nothing before them.
TEST_F(CliTest, SearchChoicesDoNotDependOnTheTestFile) {
  {
    std::ofstream other(File("other_test.tsv"));
    // Items the training file does not have (so no test pair is a train pair), and a new user.
    for (int row = 0; row < 400; ++row) {
      other << 1000 + (row * 7) % 300 << '\t' << 70000 + (row * 13) % 50 << "\t5\n";
    }
    other << "999999\t70001\t5\n";
  }
  const RunResult first =
      Run("--train " + File("train.tsv") + " --test " + File("test.tsv") + kSmallSearch);
  const RunResult second =
      Run("--train " + File("train.tsv") + " --test " + File("other_test.tsv") + kSmallSearch);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Two threads print a rung's trials in the order they finish: compare them as sets.
  std::vector<std::string> lines = SearchLinesWithoutTimes(first.out);
  std::vector<std::string> other_lines = SearchLinesWithoutTimes(second.out);
  std::sort(lines.begin(), lines.end());
  std::sort(other_lines.begin(), other_lines.end());
  ASSERT_GE(lines.size(), 8u);
  EXPECT_EQ(lines, other_lines);
  auto test_line = [](const std::string& out) { return out.substr(out.find("test: P@10")); };
  EXPECT_NE(test_line(first.out), test_line(second.out));
}

TEST_F(CliTest, SearchMetricsJsonCarriesTheWinner) {
  const RunResult run = Run("--train " + File("train.tsv") + " --test-fraction 0.2" +
                            kSmallSearch + " --search-metric auc --metrics-json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find('\n'), run.out.size() - 1);  // one line: trials go to stderr
  for (const char* key : {"\"precision_at_k\"", "\"loss\": \"warp\"", "\"no_components\"",
                          "\"item_alpha\"", "\"epochs\": ", "\"measurements\": ",
                          "\"search_seconds\""}) {
    EXPECT_NE(run.out.find(key), std::string::npos) << key << " in " << run.out;
  }
  EXPECT_NE(run.err.find("validation auc "), std::string::npos) << run.err;
}

TEST_F(CliTest, BadInputGivesOneClearMessageAndAFailingExit) {
  struct Case {
    std::string arguments;
    std::string message;
  };
  std::ofstream(File("bad.tsv")) << "1\t2\t5\n3\tthree\t4\n";
  const Case cases[] = {
      {"--train " + File("missing.tsv"), "no such file"},
      {"--train " + File("bad.tsv"), "bad.tsv:2:"},
      {"--train " + File("train.tsv") + " --loss hinge", "unknown loss 'hinge'"},
      {"--train " + File("train.tsv") + " --test " + File("test.tsv") + " --k 0",
       "--k must be > 0"},
      {"--train " + File("train.tsv") + " --no-components 0", "no_components"},
      {"--train " + File("train.tsv") + " --metrics-json", "needs --test"},
      {"--train " + File("train.tsv") + " --search --search-metric ndcg", "unknown search metric"},
      {"--train " + File("train.tsv") + " --search --search-losses warp,hinge", "unknown loss"},
      {"--train " + File("train.tsv") + " --search --search-trials 0", "max_trials"},
      {"--train " + File("train.tsv") + " --search --search-epochs 9 3", "epochs"},
      {"--train " + File("train.tsv") + " --search --search-alpha 0 1", "alpha"},
      {"--train " + File("train.tsv") + " --search --search-validation-fraction 1",
       "validation_fraction"},
  };
  for (const Case& c : cases) {
    const RunResult run = Run(c.arguments);
    EXPECT_NE(run.exit_code, 0) << c.arguments;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.arguments << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

}  // namespace
}  // namespace vitrina::trainer
