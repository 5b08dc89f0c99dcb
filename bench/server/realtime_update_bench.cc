// Cost of a real-time user update (UserOverlay::AddPositive: the refit of one user's vector on
// the served model after a recorded interaction), in-process on a synthetic model of the given
// size. The refit's cost does not grow with the catalog (it samples negatives), only with d,
// the passes, the negatives and the user's recent positives.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "server/user_overlay.h"
#include "trainer/random.h"

namespace {

double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Times real-time user updates (UserOverlay::AddPositive) on a synthetic model");
  int users = 20000;
  int titles = 100000;
  int dim = 64;
  int updates = 20000;
  int per_user = 20;
  vitrina::server::RealtimeConfig config;
  app.add_option("--users", users, "users in the model (half of the updated users are outside it)");
  app.add_option("--titles", titles, "titles in the model");
  app.add_option("--dim", dim, "no_components");
  app.add_option("--updates", updates, "updates timed");
  app.add_option("--per-user", per_user, "interactions recorded per user in a row (its positives grow to this)");
  app.add_option("--epochs", config.update.epochs, "interactions.realtime.epochs");
  app.add_option("--negatives", config.update.negatives, "interactions.realtime.negatives");
  app.add_option("--max-titles-per-user", config.max_titles_per_user, "interactions.realtime.max_titles_per_user");
  CLI11_PARSE(app, argc, argv);

  vitrina::trainer::ModelState state;
  state.hyperparameters.no_components = dim;
  for (int u = 0; u < users; ++u) state.dataset.users().AddEntity(u);
  for (int i = 0; i < titles; ++i) state.dataset.items().AddEntity(i);
  vitrina::trainer::Pcg32 rng(42, 1);
  state.users.Grow(users, dim, state.hyperparameters.learning_schedule, rng);
  state.items.Grow(titles, dim, state.hyperparameters.learning_schedule, rng);
  auto model = vitrina::trainer::Model::FromState(std::move(state));
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", std::string(model.status().message()).c_str());
    return 1;
  }
  vitrina::server::UserOverlay overlay(std::make_shared<const vitrina::trainer::Model>(*std::move(model)), config);

  std::vector<double> wall, cpu;
  wall.reserve(static_cast<size_t>(updates));
  cpu.reserve(static_cast<size_t>(updates));
  for (int n = 0; n < updates; ++n) {
    // Users take turns: per_user interactions each, alternately one the model knows and a new one.
    const int turn = n / per_user;
    const int64_t user = turn % 2 == 0 ? (turn / 2) % users : 1'000'000'000 + turn;
    const int64_t title = rng.Below(static_cast<uint32_t>(titles));
    const double cpu_start = ThreadCpuMicros();
    const auto start = std::chrono::steady_clock::now();
    if (!overlay.AddPositive(user, title)) return 1;
    wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    cpu.push_back(ThreadCpuMicros() - cpu_start);
  }
  fmt::print("{} users x {} titles, d {}; epochs {}, negatives {}, up to {} positives per user ({} in a row)\n\n", users,
             titles, dim, config.update.epochs, config.update.negatives, config.max_titles_per_user, per_user);
  fmt::print("| real-time update | updates | wall p50 us | wall p99 us | wall max us | CPU p50 us | CPU p99 us |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  fmt::print("| UserOverlay::AddPositive | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", updates,
             Percentile(wall, 0.5), Percentile(wall, 0.99), Percentile(wall, 1.0), Percentile(cpu, 0.5),
             Percentile(cpu, 0.99));
  return 0;
}
