// vitrina-bench-import: writes seeded CSV and JSON Lines catalogs (50k titles, 1M interactions by
// default) and times vitrina-import's library importing each into a new embedded catalog,
// printing rows/s, peak RSS and the command that reproduces the figures.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "CLI/CLI.hpp"
#include "data/catalog_import.h"
#include "fmt/format.h"

namespace {

using Clock = std::chrono::steady_clock;
using vitrina::data::ImportFormat;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// User + system CPU seconds of this process so far: on a shared machine the wall time depends on
// the other load, the CPU time on the work.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

struct Spec {
  int64_t titles = 50000;
  int64_t users = 100000;
  int64_t interactions = 1000000;
  uint64_t seed = 42;
};

constexpr const char* kGenres[] = {"drama", "comedy", "thriller", "documentary", "animation",
                                   "romance", "sci-fi", "horror"};
constexpr const char* kTypes[] = {"rating", "view", "bookmark"};

// Ids from 0, like the catalogs the import is made for; 1 title in 20 unavailable.
void WriteFiles(const Spec& spec, ImportFormat format, const std::filesystem::path& dir) {
  std::mt19937_64 random(spec.seed);
  const bool csv = format == ImportFormat::kCsv;
  const std::string extension = csv ? ".csv" : ".jsonl";
  std::ofstream titles(dir / ("titles" + extension));
  if (csv) titles << "id,name,genres,creators,available\n";
  for (int64_t id = 0; id < spec.titles; ++id) {
    const char* first = kGenres[random() % 8];
    const char* second = kGenres[random() % 8];
    const uint64_t creator = random() % 5000;
    const bool available = id % 20 != 0;
    if (csv) {
      titles << fmt::format("{},\"Title {}, part {}\",{}|{},creator{},{}\n", id, id, id % 7,
                            first, second, creator, available ? "true" : "false");
    } else {
      titles << fmt::format(
          "{{\"id\":{},\"name\":\"Title {}, part {}\",\"genres\":[\"{}\",\"{}\"],"
          "\"creators\":[\"creator{}\"],\"available\":{}}}\n",
          id, id, id % 7, first, second, creator, available ? "true" : "false");
    }
  }
  std::ofstream users(dir / ("users" + extension));
  if (csv) users << "id,features\n";
  for (int64_t id = 0; id < spec.users; ++id) {
    const uint64_t country = random() % 30;
    if (csv) {
      users << fmt::format("{},country:{}|age:{}\n", id, country, 18 + random() % 60);
    } else {
      users << fmt::format("{{\"id\":{},\"features\":[\"country:{}\",\"age:{}\"]}}\n", id, country,
                           18 + random() % 60);
    }
  }
  std::ofstream interactions(dir / ("interactions" + extension));
  if (csv) interactions << "user_id,title_id,type,value,time\n";
  // Popularity skewed towards low title ids (a squared uniform draw).
  std::uniform_real_distribution<double> unit(0, 1);
  for (int64_t i = 0; i < spec.interactions; ++i) {
    const int64_t user = static_cast<int64_t>(random() % spec.users);
    const double u = unit(random);
    const int64_t title = static_cast<int64_t>(u * u * static_cast<double>(spec.titles));
    const char* type = kTypes[random() % 3];
    const double value = type[0] == 'r' ? static_cast<double>(1 + random() % 5)
                         : type[0] == 'v' ? unit(random)
                                          : 1.0;
    const int64_t time = 1600000000 + static_cast<int64_t>(random() % 100000000);
    if (csv) {
      interactions << fmt::format("{},{},{},{},{}\n", user, title, type, value, time);
    } else {
      interactions << fmt::format(
          "{{\"user_id\":{},\"title_id\":{},\"type\":\"{}\",\"value\":{},\"time\":{}}}\n", user,
          title, type, value, time);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes seeded CSV and JSON Lines catalogs and times importing each into a new embedded\n"
      "catalog (the files and catalogs go to --dir and are removed afterwards)."};
  Spec spec;
  std::string dir_option;
  std::string formats = "csv,jsonl";
  app.add_option("--titles", spec.titles, "Titles (ids 0..N-1)")->capture_default_str();
  app.add_option("--users", spec.users, "Users with features (ids 0..N-1)")->capture_default_str();
  app.add_option("--interactions", spec.interactions, "Interactions")->capture_default_str();
  app.add_option("--seed", spec.seed, "Generator seed")->capture_default_str();
  app.add_option("--formats", formats, "csv, jsonl or csv,jsonl")->capture_default_str();
  app.add_option("--dir", dir_option, "Working folder (default: a new one under the temp dir)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::path dir = dir_option;
  if (dir.empty()) {
    dir = std::filesystem::temp_directory_path() /
          fmt::format("vitrina-bench-import-{}", ::getpid());
  }
  std::filesystem::create_directories(dir);
  std::printf("# vitrina-bench-import --titles %lld --users %lld --interactions %lld --seed %llu\n",
              static_cast<long long>(spec.titles), static_cast<long long>(spec.users),
              static_cast<long long>(spec.interactions),
              static_cast<unsigned long long>(spec.seed));
  std::printf(
      "| format | files MB | read s | import s (wall) | import s (CPU) | interactions/s (wall) | "
      "peak RSS MB |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  int failures = 0;
  for (ImportFormat format : {ImportFormat::kCsv, ImportFormat::kJsonLines}) {
    const bool csv = format == ImportFormat::kCsv;
    if (formats.find(csv ? "csv" : "jsonl") == std::string::npos) continue;
    WriteFiles(spec, format, dir);
    const std::string extension = csv ? ".csv" : ".jsonl";
    const std::string catalog = (dir / ("catalog-" + extension.substr(1) + ".db")).string();
    std::filesystem::remove(catalog);

    const Clock::time_point read_start = Clock::now();
    vitrina::data::ImportInput input;
    double megabytes = 0;
    for (auto [slot, name] : {std::pair{&input.titles, "titles"}, {&input.users, "users"},
                              {&input.interactions, "interactions"}}) {
      auto file = vitrina::data::ReadImportFile((dir / (name + extension)).string(), format);
      if (!file.ok()) {
        std::fprintf(stderr, "%s\n", std::string(file.status().message()).c_str());
        return 1;
      }
      megabytes += static_cast<double>(file->text.size()) / 1e6;
      *slot = std::move(file).value();
    }
    const double read_seconds = SecondsSince(read_start);

    vitrina::data::ImportErrors errors(10);
    const Clock::time_point import_start = Clock::now();
    const double cpu_start = CpuSeconds();
    auto summary = vitrina::data::ImportCatalog(catalog, input, {}, errors);
    const double import_seconds = SecondsSince(import_start);
    const double import_cpu_seconds = CpuSeconds() - cpu_start;
    if (!summary.ok() || summary->interactions != spec.interactions ||
        summary->titles != spec.titles) {
      for (const std::string& message : errors.messages()) std::fprintf(stderr, "%s\n", message.c_str());
      std::fprintf(stderr, "import failed: %s\n", std::string(summary.status().message()).c_str());
      ++failures;
      continue;
    }
    std::printf("| %s | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", csv ? "csv" : "jsonl",
                megabytes, read_seconds, import_seconds, import_cpu_seconds,
                static_cast<double>(spec.interactions) / import_seconds, PeakRssMegabytes());
    std::fflush(stdout);
  }
  if (dir_option.empty()) std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
