// vitrina-bench-mysql-load: fills a MariaDB with a generated catalog, then times streaming the
// interactions and preparing the full dataset through the MySQL source (the server's training
// read path), printing rows/s, peak RSS and the command that reproduces the figures.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "data/demo_data_source.h"
#include "data/mysql_catalog_writer.h"
#include "data/mysql_data_source.h"
#include "data/prepare_dataset.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "tests/testing/mariadb_server.h"

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Fills MariaDB with a generated catalog, then times reading and preparing it "
      "through the MySQL source."};
  vitrina::data::DemoCatalogSpec spec;
  spec.users = 50000;
  spec.titles = 20000;
  spec.interactions = 1000000;
  spec.clusters = 16;
  app.add_option("--interactions", spec.interactions, "Interactions to generate")
      ->capture_default_str();
  app.add_option("--users", spec.users, "Users")->capture_default_str();
  app.add_option("--titles", spec.titles, "Titles")->capture_default_str();
  app.add_option("--seed", spec.seed, "Generator seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto demo = vitrina::data::DemoDataSource::Create(spec);
  if (!demo.ok()) return Fail("spec", demo.status());
  auto server = vitrina::testing::MariadbServer::Start();
  if (!server.ok()) return Fail("starting mariadbd", server.status());
  auto schema = (*server)->RunSqlFile(VITRINA_SOURCE_DIR "/data/mysql/schema.sql");
  if (!schema.ok()) return Fail("loading data/mysql/schema.sql", schema.status());

  vitrina::data::MysqlSettings writer;
  writer.url = (*server)->RootUrl("vitrina");
  auto fill_start = Clock::now();
  absl::Status filled = vitrina::data::FillMysqlDatabase(**demo, writer);
  if (!filled.ok()) return Fail("filling", filled);
  const double fill_seconds = SecondsSince(fill_start);
  const double rss_after_fill = PeakRssMegabytes();

  // The server reads with the SELECT-only account of schema.sql.
  vitrina::data::MysqlSettings reader;
  reader.url = (*server)->Url("vitrina_ro", "vitrina_ro", "vitrina");
  auto source = vitrina::data::MysqlDataSource::Open(reader);
  if (!source.ok()) return Fail("opening the source", source.status());

  auto read_start = Clock::now();
  int64_t rows = 0;
  absl::Status read = (*source)->ReadInteractions(0, [&](const vitrina::data::InteractionRecord&) {
    ++rows;
    return absl::OkStatus();
  });
  if (!read.ok()) return Fail("streaming interactions", read);
  const double read_seconds = SecondsSince(read_start);
  const double rss_after_read = PeakRssMegabytes();

  auto prepare_start = Clock::now();
  auto dataset = vitrina::data::PrepareDataset(
      **source, {}, vitrina::data::PreparationConfig::Defaults(), nullptr);
  if (!dataset.ok()) return Fail("preparing", dataset.status());
  const double prepare_seconds = SecondsSince(prepare_start);
  if (rows != spec.interactions || dataset->stats.interactions_read != spec.interactions) {
    std::fprintf(stderr, "read %ld rows and prepared %ld, expected %ld\n", rows,
                 dataset->stats.interactions_read, spec.interactions);
    return 1;
  }

  std::printf("catalog: %d users x %d titles x %ld interactions (seed %lu), MariaDB on 127.0.0.1\n",
              spec.users, spec.titles, spec.interactions, spec.seed);
  std::printf("%-40s %8.2f s  %10.0f rows/s  peak RSS %6.1f MB\n",
              "fill (batched INSERTs, 5000 rows each)", fill_seconds, rows / fill_seconds,
              rss_after_fill);
  std::printf("%-40s %8.2f s  %10.0f rows/s  peak RSS %6.1f MB\n",
              "stream interactions (first read)", read_seconds, rows / read_seconds,
              rss_after_read);
  std::printf("%-40s %8.2f s  %10.0f rows/s  peak RSS %6.1f MB\n",
              "PrepareDataset (read, rules, filters)", prepare_seconds, rows / prepare_seconds,
              PeakRssMegabytes());
  std::printf("prepared: %ld positive pairs, %ld users, %ld titles, %zu consumed pairs\n",
              dataset->stats.pairs, dataset->stats.users, dataset->stats.titles,
              dataset->consumed.size());
  std::printf(
      "reproduce: build/bin/vitrina-bench-mysql-load --interactions %ld --users %d "
      "--titles %d --seed %lu\n",
      spec.interactions, spec.users, spec.titles, spec.seed);
  return 0;
}
