// vitrina-bench-mysql-training: the server's first training from a MySQL catalog, timed phase by
// phase. Fills a MariaDB with a generated catalog, starts the real server (Application) reading it
// with the SELECT-only account, lets it train its first model as it does at every empty start, and
// prints load + prepare, each epoch, evaluate + save + activate and the total, wall clock and CPU,
// with the command that reproduces them.
#include <grpcpp/grpcpp.h>
#include <spdlog/sinks/base_sink.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/status_macros.h"
#include "data/demo_data_source.h"
#include "data/mysql_catalog_writer.h"
#include "fmt/format.h"
#include "server/application.h"
#include "spdlog/spdlog.h"
#include "tests/testing/mariadb_server.h"
#include "vitrina/v1/admin.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = vitrina::v1;

double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

// When each server log line was written, in wall and process CPU time. The server reports its
// training's phases only in its log (job started, data prepared, each epoch, job ended), so the
// phases are timed by the lines that end them, taken as they are written.
class LogTimeline final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  struct Line {
    std::chrono::system_clock::time_point wall;
    double cpu_seconds;
    std::string text;
  };

  std::vector<Line> Lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.push_back({message.time, ProcessCpuSeconds(), std::string(message.payload.data(), message.payload.size())});
  }
  void flush_() override {}

 private:
  std::vector<Line> lines_;
};

// A span of the job, between two of its log lines.
struct Span {
  double wall_seconds = 0;
  double cpu_seconds = 0;
};

Span Between(const LogTimeline::Line& from, const LogTimeline::Line& to) {
  return {std::chrono::duration<double>(to.wall - from.wall).count(), to.cpu_seconds - from.cpu_seconds};
}

struct JobPhases {
  Span load_and_prepare;  // read MySQL, apply the preparation rules, build the matrices, split
  std::vector<Span> epochs;
  Span evaluate_save_activate;
  Span total;
};

// The phases of job `job_id` from the server's lines: "job N started", "job N: ... prepared in",
// one "epoch i/E:" line per epoch, "job N succeeded". NotFound when a line is missing.
absl::StatusOr<JobPhases> PhasesFromLog(const std::vector<LogTimeline::Line>& lines, int64_t job_id, int epochs) {
  auto next = [&](auto from, const std::string& prefix, std::string_view also = "") {
    auto found = std::find_if(from, lines.end(), [&](const LogTimeline::Line& line) {
      return line.text.starts_with(prefix) && line.text.find(also) != std::string::npos;
    });
    if (found == lines.end()) {
      return absl::StatusOr<decltype(from)>(absl::NotFoundError(
          fmt::format("no log line '{}...{}' of the server: its wording changed, update PhasesFromLog", prefix, also)));
    }
    return absl::StatusOr<decltype(from)>(found);
  };
  JobPhases phases;
  ASSIGN_OR_RETURN(auto started, next(lines.begin(), fmt::format("job {} started", job_id)));
  ASSIGN_OR_RETURN(auto previous, next(started, fmt::format("job {}: ", job_id), "prepared in"));
  phases.load_and_prepare = Between(*started, *previous);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    ASSIGN_OR_RETURN(auto ended, next(previous, fmt::format("epoch {}/{}:", epoch, epochs)));
    phases.epochs.push_back(Between(*previous, *ended));
    previous = ended;
  }
  ASSIGN_OR_RETURN(auto succeeded, next(previous, fmt::format("job {} succeeded", job_id)));
  phases.evaluate_save_activate = Between(*previous, *succeeded);
  phases.total = Between(*started, *succeeded);
  return phases;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct TrainingKnobs {
  int epochs = 0;
  int components = 0;
  int threads = 0;
};

struct FirstTraining {
  v1::Model model;
  JobPhases phases;
};

// Starts the server on an empty data dir reading `catalog_url`, waits for the first training it
// queues at start; the server stops once it has answered.
absl::StatusOr<FirstTraining> RunFirstTraining(const std::string& catalog_url, const TrainingKnobs& knobs) {
  ASSIGN_OR_RETURN(vitrina::server::ServerConfig config,
                   vitrina::server::ServerConfig::Parse("", [](const char*) -> const char* { return nullptr; }));
  std::string dir = (std::filesystem::temp_directory_path() / "vitrina-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return absl::InternalError(fmt::format("mkdtemp: {}", std::strerror(errno)));
  config.listen = "127.0.0.1:0";
  config.http_listen = "";
  config.data_dir = dir;
  config.schedule.nightly = "";
  config.data_source.kind = vitrina::data::DataSourceConfig::Kind::kMysql;
  config.data_source.mysql.url = catalog_url;
  config.training.defaults.set_epochs(knobs.epochs);
  config.training.defaults.set_no_components(knobs.components);
  config.training.defaults.set_threads(knobs.threads);

  auto timeline = std::make_shared<LogTimeline>();
  spdlog::default_logger()->sinks().push_back(timeline);
  absl::StatusOr<v1::Model> model = [&]() -> absl::StatusOr<v1::Model> {
    ASSIGN_OR_RETURN(std::unique_ptr<vitrina::server::Application> server,
                     vitrina::server::Application::Create(config));
    RETURN_IF_ERROR(server->Start());
    auto admin = v1::Admin::NewStub(
        grpc::CreateChannel(fmt::format("127.0.0.1:{}", server->grpc_port()), grpc::InsecureChannelCredentials()));
    // The job the server queued at start; the only one.
    v1::Job job;
    while (job.status() != v1::SUCCEEDED && job.status() != v1::FAILED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      grpc::ClientContext context;
      v1::ListJobsResponse jobs;
      grpc::Status listed = admin->ListJobs(&context, v1::ListJobsRequest(), &jobs);
      if (!listed.ok()) return absl::UnavailableError(fmt::format("ListJobs: {}", listed.error_message()));
      if (jobs.jobs_size() > 0) job = jobs.jobs(0);
    }
    if (job.status() == v1::FAILED) return absl::AbortedError(fmt::format("job {} failed: {}", job.id(), job.error()));
    grpc::ClientContext context;
    v1::GetModelRequest request;
    request.set_model_id(job.model_id());
    v1::Model trained;
    grpc::Status got = admin->GetModel(&context, request, &trained);
    if (!got.ok()) return absl::UnavailableError(fmt::format("GetModel: {}", got.error_message()));
    return trained;
  }();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  RETURN_IF_ERROR(model.status());
  ASSIGN_OR_RETURN(JobPhases phases, PhasesFromLog(timeline->Lines(), model->job_id(), knobs.epochs));
  return FirstTraining{*std::move(model), std::move(phases)};
}

void PrintRow(std::string_view phase, const Span& span) {
  std::printf("%-44s %9.3f %9.3f\n", std::string(phase).c_str(), span.wall_seconds, span.cpu_seconds);
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times the server's first (full) training from a generated MySQL catalog, phase by phase."};
  vitrina::data::DemoCatalogSpec spec;
  spec.users = 50000;
  spec.titles = 20000;
  spec.interactions = 1000000;
  spec.clusters = 16;
  const v1::TrainingParams defaults = vitrina::server::DefaultTrainingParams();
  TrainingKnobs knobs{defaults.epochs(), defaults.no_components(), defaults.threads()};
  app.add_option("--interactions", spec.interactions, "Interactions to generate")->capture_default_str();
  app.add_option("--users", spec.users, "Users")->capture_default_str();
  app.add_option("--titles", spec.titles, "Titles")->capture_default_str();
  app.add_option("--seed", spec.seed, "Generator seed")->capture_default_str();
  app.add_option("--epochs", knobs.epochs, "Epochs (server default)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--components", knobs.components, "Latent dimension (server default)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--threads", knobs.threads, "Training threads (server default)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  auto demo = vitrina::data::DemoDataSource::Create(spec);
  if (!demo.ok()) return Fail("catalog spec", demo.status());
  auto database = vitrina::testing::MariadbServer::Start();
  if (!database.ok()) return Fail("starting mariadbd", database.status());
  auto schema = (*database)->RunSqlFile(VITRINA_SOURCE_DIR "/data/mysql/schema.sql");
  if (!schema.ok()) return Fail("loading data/mysql/schema.sql", schema.status());
  // What `vitrina-datagen --mysql-url <root url> ...` does.
  vitrina::data::MysqlSettings writer;
  writer.url = (*database)->RootUrl("vitrina");
  const auto fill_start = Clock::now();
  if (absl::Status filled = vitrina::data::FillMysqlDatabase(**demo, writer); !filled.ok()) {
    return Fail("filling the catalog", filled);
  }
  const double fill_seconds = std::chrono::duration<double>(Clock::now() - fill_start).count();

  // The server reads with the SELECT-only account of schema.sql.
  auto training = RunFirstTraining((*database)->Url("vitrina_ro", "vitrina_ro", "vitrina"), knobs);
  if (!training.ok()) return Fail("the first training", training.status());
  const v1::Model& model = training->model;
  if (model.dataset().interactions_read() != spec.interactions) {
    return Fail("the first training",
                absl::DataLossError(
                    fmt::format("read {} of {} interactions", model.dataset().interactions_read(), spec.interactions)));
  }

  std::printf(
      "\ncatalog: %d users x %d titles x %ld interactions (seed %lu) in MariaDB on 127.0.0.1, filled in %.1f s\n",
      spec.users, spec.titles, spec.interactions, spec.seed, fill_seconds);
  std::printf(
      "model %ld: %ld positive pairs (%ld train), %ld users, %ld titles; %s d %d, %d threads, "
      "precision@%d %.4f, AUC %.4f\n",
      model.id(), model.dataset().n_pairs(), model.dataset().n_train(), model.n_users(), model.n_titles(),
      v1::Loss_Name(model.params().loss()).c_str(), knobs.components, knobs.threads, model.metrics().k(),
      model.metrics().precision_at_k(), model.metrics().auc());
  const JobPhases& phases = training->phases;
  std::printf("%-44s %9s %9s\n", "phase of the job", "wall s", "CPU s");
  PrintRow("load + prepare (read MySQL, rules, split)", phases.load_and_prepare);
  std::vector<double> wall, cpu;
  for (size_t i = 0; i < phases.epochs.size(); ++i) {
    PrintRow(fmt::format("fit epoch {}", i + 1), phases.epochs[i]);
    wall.push_back(phases.epochs[i].wall_seconds);
    cpu.push_back(phases.epochs[i].cpu_seconds);
  }
  PrintRow("evaluate + save + activate", phases.evaluate_save_activate);
  PrintRow("total", phases.total);
  std::printf("fit per epoch: median %.3f s wall (min %.3f, max %.3f), median %.3f s CPU\n", Median(wall),
              *std::min_element(wall.begin(), wall.end()), *std::max_element(wall.begin(), wall.end()), Median(cpu));
  std::printf("peak RSS %.0f MB (fill, server and training in this process)\n", PeakRssMegabytes());
  std::printf(
      "reproduce: build/bin/vitrina-bench-mysql-training --interactions %ld --users %d --titles %d --seed %lu "
      "--epochs %d --components %d --threads %d\n",
      spec.interactions, spec.users, spec.titles, spec.seed, knobs.epochs, knobs.components, knobs.threads);
  return 0;
}
