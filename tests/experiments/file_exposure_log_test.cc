#include "experiments/file_exposure_log.h"

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "experiments/exposure_log_reader.h"
#include "experiments/log_file_name.h"
#include "gtest/gtest.h"
#include "tests/experiments/test_records.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::experiments {
namespace {

using testing::AnswerRecord;
using testing::OutcomeRecord;

std::vector<v1::ExposureLogRecord> ReadAll(const std::string& dir, LogReadStats* stats_out = nullptr) {
  std::vector<v1::ExposureLogRecord> records;
  LogReadStats stats;
  const absl::Status status = ReadLogFolder(dir, [&](const auto& record) { records.push_back(record); }, stats);
  EXPECT_TRUE(status.ok()) << status;
  if (stats_out) *stats_out = stats;
  return records;
}

FileExposureLogOptions OptionsFor(const vitrina::testing::TempDir& dir) {
  FileExposureLogOptions options;
  options.dir = dir.File("log");
  options.flush_interval = std::chrono::milliseconds(10);
  return options;
}

TEST(FileExposureLogTest, AppendedRecordsAreReadBackInOrderWithTheirSequences) {
  vitrina::testing::TempDir dir;
  auto log = FileExposureLog::Open(OptionsFor(dir));
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->Append(AnswerRecord(10, 1, "s1", "exp", "control", 3, true)), 1u);
  EXPECT_EQ((*log)->Append(OutcomeRecord(20, 1, "s1", 0.5)), 2u);
  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_EQ((*log)->stats().durable_sequence, 2u);
  const auto records = ReadAll(dir.File("log"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].sequence(), 1u);
  EXPECT_EQ(records[0].exposure().assignments(0).arm(), "control");
  EXPECT_EQ(records[0].exposure().titles_size(), 3);
  EXPECT_EQ(records[1].outcome().consumed_share(), 0.5);
}

TEST(FileExposureLogTest, TheBackgroundThreadFlushesWithinTheIntervalWithoutBeingAsked) {
  vitrina::testing::TempDir dir;
  auto log = FileExposureLog::Open(OptionsFor(dir));
  ASSERT_TRUE(log.ok());
  (*log)->Append(AnswerRecord(10, 1, "s1", "exp", "a"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((*log)->stats().durable_sequence < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ((*log)->stats().durable_sequence, 1u);
  EXPECT_EQ(ReadAll(dir.File("log")).size(), 1u);
}

TEST(FileExposureLogTest, AnUnsetTimeIsFilledWithNow) {
  vitrina::testing::TempDir dir;
  auto log = FileExposureLog::Open(OptionsFor(dir));
  ASSERT_TRUE(log.ok());
  (*log)->Append(AnswerRecord(0, 1, "s1", "exp", "a"));
  ASSERT_TRUE((*log)->Flush().ok());
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const auto records = ReadAll(dir.File("log"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NEAR(static_cast<double>(records[0].time_unix_micros()), static_cast<double>(now), 60e6);
}

TEST(FileExposureLogTest, FilesRotateBySizeAndAreNamedInTimeOrder) {
  vitrina::testing::TempDir dir;
  auto options = OptionsFor(dir);
  options.max_file_bytes = 200;
  auto log = FileExposureLog::Open(options);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 6; ++i) {
    (*log)->Append(AnswerRecord(10 + i, i, "s", "exp", "a"));
    ASSERT_TRUE((*log)->Flush().ok());  // one batch per record, so each batch may close a file
  }
  const auto files = ListLogFiles(dir.File("log"));
  ASSERT_TRUE(files.ok());
  EXPECT_GE(files->size(), 2u);
  EXPECT_EQ((*log)->stats().files_started, files->size());
  for (const auto& file : *files) EXPECT_LE(std::filesystem::file_size(file), 200u + 200u);
  const auto records = ReadAll(dir.File("log"));
  ASSERT_EQ(records.size(), 6u);
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].sequence(), i + 1);
}

TEST(FileExposureLogTest, FilesRotateByAge) {
  vitrina::testing::TempDir dir;
  auto options = OptionsFor(dir);
  options.max_file_age = std::chrono::seconds(1);
  auto log = FileExposureLog::Open(options);
  ASSERT_TRUE(log.ok());
  (*log)->Append(AnswerRecord(1, 1, "s", "exp", "a"));
  ASSERT_TRUE((*log)->Flush().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  (*log)->Append(AnswerRecord(2, 1, "s", "exp", "a"));
  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_EQ(ListLogFiles(dir.File("log"))->size(), 2u);
}

TEST(FileExposureLogTest, ARestartedWriterStartsANewFileAndNeverRewritesOldOnes) {
  vitrina::testing::TempDir dir;
  {
    auto log = FileExposureLog::Open(OptionsFor(dir));
    ASSERT_TRUE(log.ok());
    (*log)->Append(AnswerRecord(1, 1, "s", "exp", "a"));
  }  // the destructor writes what is pending
  const auto first_files = ListLogFiles(dir.File("log"));
  ASSERT_EQ(first_files->size(), 1u);
  const auto first_size = std::filesystem::file_size(first_files->front());
  {
    auto log = FileExposureLog::Open(OptionsFor(dir));
    ASSERT_TRUE(log.ok());
    (*log)->Append(AnswerRecord(2, 1, "s", "exp", "a"));
  }
  const auto files = ListLogFiles(dir.File("log"));
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(files->front(), first_files->front());
  EXPECT_EQ(std::filesystem::file_size(files->front()), first_size);
  const auto records = ReadAll(dir.File("log"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].time_unix_micros(), 1);
  EXPECT_EQ(records[1].time_unix_micros(), 2);
}

TEST(FileExposureLogTest, AFullQueueDropsAndCountsInsteadOfBlocking) {
  vitrina::testing::TempDir dir;
  auto options = OptionsFor(dir);
  options.flush_interval = std::chrono::hours(1);  // nothing leaves the queue during the test
  options.max_pending_records = 3;
  auto log = FileExposureLog::Open(options);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 3; ++i) EXPECT_NE((*log)->Append(AnswerRecord(1, 1, "s", "exp", "a")), 0u);
  EXPECT_EQ((*log)->Append(AnswerRecord(1, 1, "s", "exp", "a")), 0u);
  EXPECT_EQ((*log)->stats().dropped, 1u);
  EXPECT_EQ((*log)->stats().appended, 3u);
}

TEST(FileExposureLogTest, AFailedWriteLosesItsBatchCountsItAndTheNextBatchGoesToANewFile) {
  vitrina::testing::TempDir dir;
  auto options = OptionsFor(dir);
  options.max_file_bytes = 1;  // every batch closes its file, so the next one must create a file
  auto log = FileExposureLog::Open(options);
  ASSERT_TRUE(log.ok());
  (*log)->Append(AnswerRecord(1, 1, "s", "exp", "a"));
  ASSERT_TRUE((*log)->Flush().ok());
  std::filesystem::remove_all(options.dir);  // the folder vanishes under the writer
  (*log)->Append(AnswerRecord(2, 1, "s", "exp", "a"));
  const absl::Status failed = (*log)->Flush();
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*log)->stats().write_errors, 1u);
  EXPECT_EQ((*log)->stats().dropped, 1u);
  EXPECT_EQ((*log)->stats().durable_sequence, 1u);
  std::filesystem::create_directories(options.dir);
  (*log)->Append(AnswerRecord(3, 1, "s", "exp", "a"));
  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_EQ((*log)->stats().durable_sequence, 3u);
  const auto records = ReadAll(options.dir);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].time_unix_micros(), 3);
}

TEST(FileExposureLogTest, BadOptionsAreRefusedNamingTheOption) {
  vitrina::testing::TempDir dir;
  auto options = OptionsFor(dir);
  options.flush_interval = std::chrono::milliseconds(0);
  auto log = FileExposureLog::Open(options);
  ASSERT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(log.status().message()).find("flush_interval"), std::string::npos);
  options = OptionsFor(dir);
  options.dir = "";
  EXPECT_EQ(FileExposureLog::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FileExposureLogTest, AnUncreatableFolderIsUnavailable) {
  vitrina::testing::TempDir dir;
  std::FILE* blocker = std::fopen(dir.File("file").c_str(), "w");
  std::fclose(blocker);
  FileExposureLogOptions options;
  options.dir = dir.File("file") + "/log";  // under a regular file
  EXPECT_EQ(FileExposureLog::Open(options).status().code(), absl::StatusCode::kUnavailable);
}

TEST(NullExposureLogTest, AcceptsAndForgets) {
  NullExposureLog log;
  EXPECT_EQ(log.Append(AnswerRecord(1, 1, "s", "exp", "a")), 0u);
}

}  // namespace
}  // namespace vitrina::experiments
