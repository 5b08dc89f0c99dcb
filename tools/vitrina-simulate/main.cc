// vitrina-simulate: plays listening sessions of simulated users against a running server over the
// classic next-track routes (POST /next/{user}, POST /last/{user}) and reports, per policy, the
// consumed time per session with its 95% interval and the /next latency.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "simulation/catalog.h"
#include "simulation/loopback_target.h"
#include "simulation/report.h"
#include "simulation/simulation_runner.h"

namespace {

using vitrina::simulation::Catalog;
using vitrina::simulation::RunOptions;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "vitrina-simulate: %s\n", std::string(status.message()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Plays listening sessions of simulated users against a running Vitrina server (it needs the\n"
      "/next and /last routes) and reports, per policy, the consumed time per session with its\n"
      "95% t-interval (one value per session), titles per session and /next latency.\n"
      "Listeners follow tools/vitrina-simulate/README.md: interests are genres of --catalog, a\n"
      "session starts at a title of one, consumption falls with the answer's distance from it.\n"
      "Exit status: 0, 1 when a call failed or --max-seconds cut the run, 2 for bad options."};
  RunOptions options;
  std::string http = "127.0.0.1:8080";
  std::string catalog_path = "data/catalog.db";
  std::vector<std::string> policies;
  bool json = false;
  app.add_option("--http", http, "The server's HTTP listener (loopback only: 127.x.y.z, localhost, [::1])")
      ->capture_default_str();
  app.add_option("--catalog", catalog_path, "The embedded SQLite catalog the server serves")
      ->capture_default_str();
  app.add_option("--policies", policies,
                 "Policies to compare, each sent as ?policy=NAME (default: the server's default)")
      ->delimiter(',');
  app.add_option("--sessions", options.sessions_per_policy, "Sessions per policy")
      ->capture_default_str();
  CLI::Option* users_option =
      app.add_option("--users", options.users,
                     "Sessions are played by the catalog's first N users (default: 100, or all the "
                     "catalog's users when it has fewer)");
  app.add_option("--seed", options.seed, "Seed of the users' interests, sessions and noise")
      ->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "Parallel keep-alive connections")
      ->capture_default_str();
  app.add_option("--max-session-length", options.model.max_session_length,
                 "Most answered titles in one session")
      ->capture_default_str();
  app.add_option("--max-seconds", options.max_seconds,
                 "No call starts after this many seconds (the rest counts as not run)")
      ->capture_default_str();
  app.add_option("--call-timeout", options.call_timeout_seconds, "Seconds to wait for one reply")
      ->capture_default_str();
  app.add_flag("--json", json, "Print the report as JSON");
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<vitrina::simulation::LoopbackTarget> target =
      vitrina::simulation::ParseLoopbackTarget(http);
  if (!target.ok()) return Fail(target.status());
  options.target = *target;
  options.policies = policies.empty() ? std::vector<std::string>{""} : policies;
  absl::StatusOr<Catalog> catalog = Catalog::Load(catalog_path);
  if (!catalog.ok()) {
    return Fail(absl::Status(catalog.status().code(),
                             fmt::format("--catalog {}: {}", catalog_path,
                                         std::string(catalog.status().message()))));
  }
  if (users_option->count() == 0) options.users = std::min(options.users, catalog->users().size());
  if (absl::Status status = options.Validate(*catalog); !status.ok()) return Fail(status);

  const vitrina::simulation::RunReport report = RunSimulation(*catalog, options);
  const std::string text = json ? FormatReportJson(report, options)
                                : FormatReportTable(report, options);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  int status = 0;
  if (report.FailedCalls() > 0) {
    std::fprintf(stderr, "vitrina-simulate: %lld call(s) failed; the first: %s\n",
                 static_cast<long long>(report.FailedCalls()), report.FirstError().c_str());
    status = 1;
  }
  if (report.time_limit_reached) {
    std::fprintf(stderr,
                 "vitrina-simulate: --max-seconds %g reached before every session was played\n",
                 options.max_seconds);
    status = 1;
  }
  return status;
}
