#include "experiments/log_file_name.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "fmt/format.h"

namespace vitrina::experiments {
namespace {

constexpr std::string_view kPrefix = "exposures-";
constexpr std::string_view kSuffix = ".vxl";

}  // namespace

std::string LogFileName(std::chrono::system_clock::time_point start, int process_id) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(start.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}{:04}{:02}{:02}T{:02}{:02}{:02}.{:06}Z-p{}{}", kPrefix, utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     micros % 1'000'000, process_id, kSuffix);
}

absl::StatusOr<std::vector<std::string>> ListLogFiles(const std::string& dir) {
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error) {
    return absl::NotFoundError(fmt::format("exposure log folder '{}': {}", dir, error.message()));
  }
  std::vector<std::string> names;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kPrefix) && name.ends_with(kSuffix) && entry.is_regular_file()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> paths;
  paths.reserve(names.size());
  for (const auto& name : names) paths.push_back((std::filesystem::path(dir) / name).string());
  return paths;
}

}  // namespace vitrina::experiments
