// In-process timing of the answer path (RecommendationEngine) on a served model, without gRPC or
// a cache: what a cache miss costs the handler. Measures wall and thread CPU time per call
// (CPU time moves little when other processes share the cores, wall time does), so two builds of
// the answer path can be compared on a busy machine.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "blacklist/blacklist_manager.h"
#include "blacklist/in_memory_blacklist_store.h"
#include "cache/null_cache.h"
#include "fmt/format.h"
#include "server/model_manager.h"
#include "server/recommendation_engine.h"
#include "cache/redis_endpoint.h"
#include "sessions/failover_session_store.h"
#include "sessions/in_process_session_store.h"
#include "sessions/next_title_model.h"
#include "sessions/session_model.h"
#include "sessions/next_title_service.h"
#include "trainer/model_file.h"

namespace {

using vitrina::server::ServedModel;

double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

struct Timings {
  std::vector<double> wall;
  std::vector<double> cpu;
};

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

template <class Call>
Timings Time(int calls, Call&& call) {
  Timings timings;
  for (int i = 0; i < calls; ++i) {
    const double cpu = ThreadCpuMicros();
    const auto wall = std::chrono::steady_clock::now();
    call(i);
    timings.wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall).count());
    timings.cpu.push_back(ThreadCpuMicros() - cpu);
  }
  return timings;
}

void Print(const std::string& name, const Timings& t) {
  fmt::print("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |\n", name, t.wall.size(), Percentile(t.wall, 0.5),
             Percentile(t.wall, 0.99), Mean(t.wall), Percentile(t.cpu, 0.5), Mean(t.cpu));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Times RecommendationEngine calls (cache misses) in-process on a model file");
  std::string model_path;
  int calls = 3000;
  int users = 1000;
  app.add_option("--model", model_path, "model file (.vtm) with its .popular.tsv and .cold-consumed.tsv")->required();
  app.add_option("--calls", calls, "calls per scenario");
  app.add_option("--users", users, "distinct users (and titles) asked, in turn");
  std::string redis_url;
  app.add_option("--redis-url", redis_url, "session memory in this Redis (redis://127.0.0.1:6379/0) instead of in-process");
  CLI11_PARSE(app, argc, argv);

  auto model = vitrina::trainer::LoadModel(model_path);
  auto popular = vitrina::server::PopularTitles::Load(vitrina::server::ModelManager::PopularityPath(model_path));
  auto cold = vitrina::server::ColdConsumption::Load(vitrina::server::ModelManager::ColdConsumptionPath(model_path));
  if (!model.ok() || !popular.ok() || !cold.ok()) {
    std::fprintf(stderr, "cannot load %s\n", model_path.c_str());
    return 1;
  }
  auto served = std::make_shared<ServedModel>();
  served->model_id = 1;
  served->model = std::make_shared<const vitrina::trainer::Model>(*std::move(model));
  served->popular = *popular;
  served->cold_consumed = *cold;
  vitrina::server::ModelHolder holder;
  holder.Swap(served);
  vitrina::cache::NullCache cache;
  auto blacklist = *vitrina::blacklist::BlacklistManager::Create(std::make_unique<vitrina::blacklist::InMemoryBlacklistStore>());
  vitrina::server::RecentConsumption recent;
  vitrina::server::RecommendationEngine engine(holder, cache, *blacklist, recent, {});

  const auto& model_ref = *served->model;
  users = std::min(users, static_cast<int>(std::min(model_ref.n_users(), model_ref.n_items())));
  std::vector<int64_t> user_ids, title_ids;
  for (int i = 0; i < users; ++i) {
    user_ids.push_back(*model_ref.UserId(i));
    title_ids.push_back(*model_ref.ItemId(i));
  }
  size_t answered = 0;
  auto for_user = [&](int i) {
    vitrina::v1::GetUserRecommendationsRequest request;
    request.set_user_id(user_ids[static_cast<size_t>(i % users)]);
    request.set_k(10);
    answered += engine.RecommendForUser(request)->items_size();
  };
  auto similar = [&](int i) {
    vitrina::v1::GetTitleRelevantRequest request;
    request.set_title_id(title_ids[static_cast<size_t>(i % users)]);
    request.set_k(10);
    answered += engine.SimilarTitles(request)->items_size();
  };
  auto cold_start = [&](int i) {
    vitrina::v1::GetUserRecommendationsRequest request;
    request.set_user_id(1'000'000'000 + i);
    request.set_k(10);
    answered += engine.RecommendForUser(request)->items_size();
  };
  Time(calls / 10, for_user);  // warm-up
  fmt::print("{} users x {} titles, d {}\n\n", model_ref.n_users(), model_ref.n_items(),
             model_ref.hyperparameters().no_components);
  fmt::print("| call (k 10, cache miss) | calls | wall p50 us | wall p99 us | wall mean us | CPU p50 us | CPU mean us |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  Print("GetUserRecommendations", Time(calls, for_user));
  Print("GetTitleRelevant", Time(calls, similar));
  Print("GetUserRecommendations, cold start", Time(calls, cold_start));

  // Next-title calls of each shipped policy, sessions of 20 calls with the in-process store (or
  // Redis): what GetNextTitle runs. The per-model parts are built once, timed apart.
  const auto index_start = std::chrono::steady_clock::now();
  const vitrina::sessions::SessionModel session_model(served->model);  // what ModelManager builds per model
  // The next-title stand-in as the server builds it per call (server/call_next_titles.h); this
  // bench loads no ANN index, so it is the exact pass.
  const vitrina::sessions::EmbeddingNextTitles next_titles(model_ref);
  const double index_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - index_start).count();
  const auto blacklist_snapshot = blacklist->Snapshot();
  const vitrina::sessions::PolicyInputs inputs{model_ref,
                                               session_model.creators(),
                                               served->popular->ranking(),
                                               next_titles,
                                               blacklist_snapshot.get(),
                                               &session_model.personal_lists()};
  std::unique_ptr<vitrina::cache::RedisConnectionPool> redis_pool;
  if (!redis_url.empty()) {
    auto endpoint = vitrina::cache::ParseRedisUrl(redis_url);
    if (!endpoint.ok()) {
      std::fprintf(stderr, "bad --redis-url\n");
      return 1;
    }
    redis_pool = std::make_unique<vitrina::cache::RedisConnectionPool>(*endpoint, vitrina::cache::RedisTimeouts{}, 1);
  }
  const vitrina::sessions::SessionsConfig& config = vitrina::sessions::DefaultSessionsConfig();
  auto policies = *vitrina::sessions::PolicySet::FromConfig(config);
  fmt::print("\nsession model (creator index) built in {:.2f} s; session memory: {}\n\n", index_seconds,
             redis_pool ? "Redis" : "in-process");
  fmt::print("| next title, policy (k 1) | calls | wall p50 us | wall p99 us | wall mean us | CPU p50 us | CPU mean us |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  const double consumed[] = {0.9, 0.5, 0.1, 0.75, 0.2};
  for (const auto& [name, spec] : config.policies) {
    std::unique_ptr<vitrina::sessions::SessionStore> store;
    if (redis_pool) {
      store = std::make_unique<vitrina::sessions::FailoverSessionStore>(
          std::make_unique<vitrina::sessions::RedisSessionStore>(*redis_pool, fmt::format("bench{}", getpid()),
                                                                 config.ttls),
          config.ttls, std::chrono::milliseconds(1000));
    } else {
      store = std::make_unique<vitrina::sessions::InProcessSessionStore>(config.ttls);
    }
    vitrina::sessions::NextTitleService service(policies, *store);
    std::optional<int64_t> previous;
    auto next = [&](int i) {
      vitrina::sessions::NextTitleRequest request;
      request.user_id = user_ids[static_cast<size_t>((i / 20) % users)];
      request.session_id = fmt::format("bench-{}", i / 20);
      if (i % 20 == 0) previous.reset();
      request.previous_title_id = previous;
      if (previous) request.consumed = consumed[i % 5];
      auto result = service.Next(request, name, inputs);
      if (result.ok() && !result->answer.items.empty()) {
        previous = result->answer.items[0].title_id;
        ++answered;
      }
    };
    Print(name, Time(calls, next));
  }
  if (answered == 0) return 1;
  return 0;
}
