// Runs the real vitrina-train binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

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
