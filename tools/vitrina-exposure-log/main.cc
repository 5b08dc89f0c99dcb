// vitrina-exposure-log: the exposure log from the command line. `append` writes records given as
// JSON lines (the ExposureLogRecord message of protos/vitrina/v1/exposure.proto, proto3 JSON) through
// the same writer the server uses (imports, fixtures); `cat` prints a log folder as JSON lines.
#include <cstdio>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "experiments/exposure_log_reader.h"
#include "experiments/file_exposure_log.h"
#include "fmt/format.h"
#include "google/protobuf/util/json_util.h"

namespace {

int Append(const std::string& dir, int flush_interval_ms, uint64_t max_file_bytes) {
  vitrina::experiments::FileExposureLogOptions options;
  options.dir = dir;
  options.flush_interval = std::chrono::milliseconds(flush_interval_ms);
  options.max_file_bytes = max_file_bytes;
  auto log = vitrina::experiments::FileExposureLog::Open(options);
  if (!log.ok()) {
    fmt::print(stderr, "vitrina-exposure-log: {}\n", std::string(log.status().message()));
    return 1;
  }
  std::string line;
  int64_t line_number = 0;
  int64_t appended = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    vitrina::v1::ExposureLogRecord record;
    const auto parsed = google::protobuf::util::JsonStringToMessage(line, &record);
    if (!parsed.ok()) {
      fmt::print(stderr, "vitrina-exposure-log: stdin line {}: not an ExposureLogRecord: {}\n", line_number,
                 parsed.message().as_string());
      return 1;
    }
    if ((*log)->Append(std::move(record)) == 0) {
      fmt::print(stderr, "vitrina-exposure-log: line {} dropped (writer queue full)\n", line_number);
      return 1;
    }
    ++appended;
  }
  if (const auto flushed = (*log)->Flush(); !flushed.ok()) {
    fmt::print(stderr, "vitrina-exposure-log: {}\n", std::string(flushed.message()));
    return 1;
  }
  fmt::print(stderr, "vitrina-exposure-log: appended {} records to {}\n", appended, dir);
  return 0;
}

int Cat(const std::string& dir) {
  vitrina::experiments::LogReadStats stats;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  std::string out;
  const auto status = vitrina::experiments::ReadLogFolder(
      dir,
      [&](const vitrina::v1::ExposureLogRecord& record) {
        out.clear();
        (void)google::protobuf::util::MessageToJsonString(record, &out, json);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fputc('\n', stdout);
      },
      stats);
  if (!status.ok()) {
    fmt::print(stderr, "vitrina-exposure-log: {}\n", std::string(status.message()));
    return 1;
  }
  fmt::print(stderr, "vitrina-exposure-log: {} files, {} records, {} torn tail bytes, {} corrupt bytes skipped\n",
             stats.files, stats.records, stats.torn_tail_bytes, stats.corrupt_bytes);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The exposure log (docs/EXPERIMENTS.md): append JSON-lines records, or print a log folder."};
  app.require_subcommand(1);
  std::string dir;
  int flush_interval_ms = 100;
  uint64_t max_file_bytes = 256ull << 20;
  auto* append = app.add_subcommand(
      "append", "Append ExposureLogRecord JSON lines read from stdin (sequence is assigned by the log)");
  append->add_option("--dir", dir, "Log folder (created when missing)")->required();
  append->add_option("--flush-interval-ms", flush_interval_ms, "Batch window")->check(CLI::Range(1, 60'000));
  append->add_option("--max-file-bytes", max_file_bytes, "Rotate files at this size")->check(CLI::PositiveNumber);
  auto* cat = app.add_subcommand("cat", "Print every record of a log folder as JSON lines, in file order");
  cat->add_option("--dir", dir, "Log folder")->required()->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  if (append->parsed()) return Append(dir, flush_interval_ms, max_file_bytes);
  return Cat(dir);
}
