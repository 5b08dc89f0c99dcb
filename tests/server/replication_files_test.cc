// Model files between a primary and a replica: the manifest, the chunked read, and the download
// that resumes after a broken stream and refuses bytes whose checksum differs.
#include "server/replication_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::server {
namespace {

using ::vitrina::testing::TempDir;

std::string Bytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 251);
  return bytes;
}

DownloadOptions Attempts(int attempts) {
  DownloadOptions options;
  options.max_attempts = attempts;
  options.retry_pause = std::chrono::milliseconds(1);
  return options;
}

v1::ModelFileDescription Describe(const std::string& path) {
  v1::ModelFileDescription file;
  file.set_size_bytes(static_cast<int64_t>(std::filesystem::file_size(path)));
  file.set_crc32_hex(*FileCrc32Hex(path));
  return file;
}

// Serves `bytes` from the asked offset in chunks of `chunk`; when `break_after` chunks were sent
// in one call, the stream breaks (UNAVAILABLE), as a dropped connection does.
struct FakePrimary {
  explicit FakePrimary(std::string served, size_t chunk_bytes = 1000, int break_after_chunks = -1)
      : bytes(std::move(served)), chunk(chunk_bytes), break_after(break_after_chunks) {}

  std::string bytes;
  size_t chunk;
  int break_after;
  std::vector<int64_t> asked_offsets;

  ChunkSource Source() {
    return [this](int64_t offset, const std::function<absl::Status(std::string_view)>& sink) -> absl::Status {
      asked_offsets.push_back(offset);
      int sent = 0;
      for (size_t at = static_cast<size_t>(offset); at < bytes.size(); at += chunk) {
        if (sent++ == break_after) return absl::UnavailableError("connection reset");
        if (absl::Status status = sink(std::string_view(bytes).substr(at, chunk)); !status.ok()) return status;
      }
      return absl::OkStatus();
    };
  }
};

TEST(ReplicationFilesTest, ManifestListsTheModelFileAndWhatSitsBesideIt) {
  TempDir dir;
  const std::string model = dir.File("model-job1-5.vtm");
  ASSERT_TRUE(common::WriteFileAtomically(model, Bytes(5000)).ok());
  ASSERT_TRUE(common::WriteFileAtomically(model + ".popular.tsv", "1\t2\n").ok());
  ASSERT_TRUE(common::WriteFileAtomically(model + ".hnsw", Bytes(300)).ok());
  ASSERT_TRUE(common::WriteFileAtomically(model + ".tmp.123", "torn").ok());  // an atomic write under way
  ASSERT_TRUE(common::WriteFileAtomically(dir.File("model-job1-50.vtm"), "another model").ok());
  // The ANN index folder travels as its files; one being written (ModelAnnIndex::Save) does not.
  std::filesystem::create_directories(model + ".ann");
  ASSERT_TRUE(common::WriteFileAtomically(model + ".ann/personal.hnsw", Bytes(700)).ok());
  ASSERT_TRUE(common::WriteFileAtomically(model + ".ann/MANIFEST", "m").ok());
  std::filesystem::create_directories(model + ".ann.partial.77");
  ASSERT_TRUE(common::WriteFileAtomically(model + ".ann.partial.77/personal.hnsw", "torn").ok());
  registry::ModelRecord record;
  record.id = 4;
  record.artifact.file_path = model;
  record.artifact.checksum = "0badf00d";
  absl::StatusOr<v1::ModelManifest> manifest = DescribeModelFiles(record);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->model().model_id(), 4);
  EXPECT_EQ(manifest->model().checksum(), "0badf00d");
  std::vector<std::string> suffixes;
  for (const v1::ModelFileDescription& file : manifest->files()) suffixes.push_back(file.suffix());
  EXPECT_EQ(suffixes,
            (std::vector<std::string>{"", ".ann/MANIFEST", ".ann/personal.hnsw", ".hnsw", ".popular.tsv"}));
  EXPECT_EQ(manifest->files(0).size_bytes(), 5000);
  EXPECT_EQ(manifest->files(0).crc32_hex(), *FileCrc32Hex(model));
}

TEST(ReplicationFilesTest, MissingModelFileIsNotFound) {
  TempDir dir;
  registry::ModelRecord record;
  record.id = 4;
  record.artifact.file_path = dir.File("gone.vtm");
  EXPECT_EQ(DescribeModelFiles(record).status().code(), absl::StatusCode::kNotFound);
}

TEST(ReplicationFilesTest, SuffixesThatLeaveTheModelsFolderAreRefused) {
  EXPECT_EQ(*ModelFilePath("/m/a.vtm", ".popular.tsv"), "/m/a.vtm.popular.tsv");
  EXPECT_EQ(*ModelFilePath("/m/a.vtm", ""), "/m/a.vtm");
  EXPECT_EQ(*ModelFilePath("/m/a.vtm", ".ann/personal.hnsw"), "/m/a.vtm.ann/personal.hnsw");
  EXPECT_EQ(*FolderOfSuffix(".ann/personal.hnsw"), ".ann");
  EXPECT_FALSE(FolderOfSuffix(".popular.tsv").has_value());
  for (const char* bad : {"/../../etc/passwd", "x", "./../b", ".part", ".tmp.1", ".ann/../../etc/passwd", ".ann/..",
                          ".ann/", ".ann/a/b", ".ann.partial.7/personal.hnsw", ".ann.download/personal.hnsw",
                          ".ann/personal.hnsw.part", "/personal.hnsw"}) {
    absl::StatusOr<std::string> path = ModelFilePath("/m/a.vtm", bad);
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(path.status().message().find("suffix"), std::string::npos);
  }
}

TEST(ReplicationFilesTest, ReadsChunksFromAnOffset) {
  TempDir dir;
  const std::string path = dir.File("f");
  const std::string bytes = Bytes(2500);
  ASSERT_TRUE(common::WriteFileAtomically(path, bytes).ok());
  std::string read;
  std::vector<int64_t> offsets;
  ASSERT_TRUE(ReadFileChunks(path, 500, 1000, [&](int64_t offset, std::string_view data) {
                offsets.push_back(offset);
                read += data;
                return true;
              }).ok());
  EXPECT_EQ(offsets, (std::vector<int64_t>{500, 1500}));
  EXPECT_EQ(read, bytes.substr(500));
  EXPECT_EQ(ReadFileChunks(path, 2501, 1000, [](int64_t, std::string_view) { return true; }).code(),
            absl::StatusCode::kOutOfRange);
}

TEST(ReplicationFilesTest, DownloadResumesWhereTheBrokenStreamStopped) {
  TempDir dir;
  const std::string original = dir.File("original");
  FakePrimary primary(Bytes(10'500), 1000, 4);
  ASSERT_TRUE(common::WriteFileAtomically(original, primary.bytes).ok());
  const std::string copy = dir.File("copy");
  absl::Status downloaded = DownloadModelFile(Describe(original), copy, primary.Source(),
                                              Attempts(5));
  ASSERT_TRUE(downloaded.ok()) << downloaded;
  // Each attempt asks from the bytes already held, not from the start.
  EXPECT_EQ(primary.asked_offsets, (std::vector<int64_t>{0, 4000, 8000}));
  EXPECT_EQ(*common::ReadFile(copy), primary.bytes);
  EXPECT_FALSE(std::filesystem::exists(copy + ".part"));
}

TEST(ReplicationFilesTest, APartialFileLeftByAnEarlierRunIsContinued) {
  TempDir dir;
  const std::string original = dir.File("original");
  FakePrimary primary(Bytes(3000));
  ASSERT_TRUE(common::WriteFileAtomically(original, primary.bytes).ok());
  const std::string copy = dir.File("copy");
  ASSERT_TRUE(common::WriteFileAtomically(copy + ".part", primary.bytes.substr(0, 2000)).ok());
  ASSERT_TRUE(DownloadModelFile(Describe(original), copy, primary.Source()).ok());
  EXPECT_EQ(primary.asked_offsets, (std::vector<int64_t>{2000}));
  EXPECT_EQ(*common::ReadFile(copy), primary.bytes);
}

TEST(ReplicationFilesTest, BytesWithAnotherChecksumAreRefusedAndNothingIsInstalled) {
  TempDir dir;
  const std::string original = dir.File("original");
  FakePrimary primary(Bytes(3000));
  ASSERT_TRUE(common::WriteFileAtomically(original, primary.bytes).ok());
  const v1::ModelFileDescription file = Describe(original);
  primary.bytes[1234] ^= 0x01;  // corrupted in flight
  const std::string copy = dir.File("copy");
  absl::Status downloaded = DownloadModelFile(file, copy, primary.Source());
  EXPECT_EQ(downloaded.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(downloaded.message().find(file.crc32_hex()), std::string::npos) << downloaded;
  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_FALSE(std::filesystem::exists(copy + ".part"));  // the next try starts over
}

TEST(ReplicationFilesTest, AStreamThatKeepsBreakingFailsAfterTheAttemptsAndKeepsThePart) {
  TempDir dir;
  const std::string original = dir.File("original");
  FakePrimary primary(Bytes(10'000), 1000, 1);
  ASSERT_TRUE(common::WriteFileAtomically(original, primary.bytes).ok());
  const std::string copy = dir.File("copy");
  absl::Status downloaded = DownloadModelFile(Describe(original), copy, primary.Source(),
                                              Attempts(3));
  EXPECT_EQ(downloaded.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_EQ(std::filesystem::file_size(copy + ".part"), 3000u);  // resumed by the next download
}

TEST(ReplicationFilesTest, APrimarySendingMoreThanTheFileIsRefused) {
  TempDir dir;
  const std::string original = dir.File("original");
  ASSERT_TRUE(common::WriteFileAtomically(original, Bytes(1000)).ok());
  FakePrimary primary(Bytes(2000));
  EXPECT_EQ(DownloadModelFile(Describe(original), dir.File("copy"), primary.Source(), Attempts(1)).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace vitrina::server
