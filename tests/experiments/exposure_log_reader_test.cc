#include "experiments/exposure_log_reader.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "experiments/log_frame.h"
#include "gtest/gtest.h"
#include "tests/experiments/test_records.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::experiments {
namespace {

using testing::AnswerRecord;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string LogOf(int records, std::vector<size_t>* frame_starts = nullptr) {
  std::string bytes(kFileHeader);
  for (int i = 1; i <= records; ++i) {
    if (frame_starts) frame_starts->push_back(bytes.size());
    auto record = AnswerRecord(1000 + i, i, "s", "exp", "a");
    record.set_sequence(static_cast<uint64_t>(i));
    AppendFrame(record.SerializeAsString(), bytes);
  }
  return bytes;
}

std::vector<uint64_t> Sequences(const std::string& path, LogReadStats& stats) {
  std::vector<uint64_t> sequences;
  const absl::Status status =
      ReadLogFile(path, [&](const v1::ExposureLogRecord& record) { sequences.push_back(record.sequence()); }, stats);
  EXPECT_TRUE(status.ok()) << status;
  return sequences;
}

TEST(ExposureLogReaderTest, ATornLastFrameIsSkippedAtEveryCut) {
  vitrina::testing::TempDir dir;
  std::vector<size_t> starts;
  const std::string whole = LogOf(3, &starts);
  for (size_t cut = starts[2]; cut < whole.size(); ++cut) {
    WriteBytes(dir.File("exposures-1.vxl"), whole.substr(0, cut));
    LogReadStats stats;
    EXPECT_EQ(Sequences(dir.File("exposures-1.vxl"), stats), (std::vector<uint64_t>{1, 2})) << "cut " << cut;
    EXPECT_EQ(stats.torn_tail_bytes, static_cast<int64_t>(cut - starts[2]));
    EXPECT_EQ(stats.corrupt_bytes, 0);
  }
}

TEST(ExposureLogReaderTest, ADamagedFrameInTheMiddleIsSkippedAndTheRestRead) {
  vitrina::testing::TempDir dir;
  std::vector<size_t> starts;
  std::string bytes = LogOf(4, &starts);
  bytes[starts[1] + kFrameOverhead + 3] ^= 0x40;  // a payload byte of record 2
  WriteBytes(dir.File("exposures-1.vxl"), bytes);
  LogReadStats stats;
  EXPECT_EQ(Sequences(dir.File("exposures-1.vxl"), stats), (std::vector<uint64_t>{1, 3, 4}));
  EXPECT_EQ(stats.corrupt_bytes, static_cast<int64_t>(starts[2] - starts[1]));
  EXPECT_EQ(stats.torn_tail_bytes, 0);
}

TEST(ExposureLogReaderTest, ADamagedLengthDoesNotDerailTheReader) {
  vitrina::testing::TempDir dir;
  std::vector<size_t> starts;
  std::string bytes = LogOf(3, &starts);
  bytes[starts[0] + 4] = static_cast<char>(0x7f);  // record 1's length now points into record 2
  WriteBytes(dir.File("exposures-1.vxl"), bytes);
  LogReadStats stats;
  EXPECT_EQ(Sequences(dir.File("exposures-1.vxl"), stats), (std::vector<uint64_t>{2, 3}));
}

TEST(ExposureLogReaderTest, AFileCutInsideItsHeaderIsATornTail) {
  vitrina::testing::TempDir dir;
  WriteBytes(dir.File("exposures-1.vxl"), std::string(kFileHeader.substr(0, 3)));
  LogReadStats stats;
  EXPECT_TRUE(Sequences(dir.File("exposures-1.vxl"), stats).empty());
  EXPECT_EQ(stats.torn_tail_bytes, 3);
}

TEST(ExposureLogReaderTest, AFileThatIsNotALogIsDataLossNamingIt) {
  vitrina::testing::TempDir dir;
  WriteBytes(dir.File("exposures-1.vxl"), "something else entirely");
  LogReadStats stats;
  const absl::Status status = ReadLogFile(dir.File("exposures-1.vxl"), [](const auto&) {}, stats);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(status.message()).find("exposures-1.vxl"), std::string::npos);
}

TEST(ExposureLogReaderTest, AFolderIsReadInNameOrderIgnoringOtherFiles) {
  vitrina::testing::TempDir dir;
  std::string second(kFileHeader), first(kFileHeader);
  auto record = AnswerRecord(1, 1, "s", "", "");
  record.set_sequence(2);
  AppendFrame(record.SerializeAsString(), second);
  record.set_sequence(1);
  AppendFrame(record.SerializeAsString(), first);
  WriteBytes(dir.File("exposures-20261204T100000.000000Z-p2.vxl"), second);
  WriteBytes(dir.File("exposures-20261204T090000.000000Z-p1.vxl"), first);
  WriteBytes(dir.File("notes.txt"), "not a log");
  std::vector<uint64_t> sequences;
  LogReadStats stats;
  ASSERT_TRUE(ReadLogFolder(dir.path().string(), [&](const auto& r) { sequences.push_back(r.sequence()); }, stats).ok());
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(stats.files, 2);
}

TEST(ExposureLogReaderTest, AMissingFolderIsNotFound) {
  LogReadStats stats;
  EXPECT_EQ(ReadLogFolder("/nonexistent/vitrina-exposures", [](const auto&) {}, stats).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace vitrina::experiments
