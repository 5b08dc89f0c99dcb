// The server's YAML configuration (server/server_config, with the data source, preparation, http and
// cache sections it delegates). Input: a config file; comment lines `# VITRINA_NAME=value` are
// served as that environment variable, so the override paths are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/cron_schedule.h"
#include "server/server_config.h"
#include "server/training_params.h"

namespace {

std::map<std::string, std::string, std::less<>> EnvironmentFromComments(std::string_view text) {
  constexpr std::string_view kMarker = "# VITRINA_";
  std::map<std::string, std::string, std::less<>> environment;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.starts_with(kMarker)) continue;
    line.remove_prefix(2);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    environment[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return environment;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto environment = EnvironmentFromComments(text);
  const auto lookup = [&](const char* name) -> const char* {
    const auto it = environment.find(std::string_view(name));
    return it == environment.end() ? nullptr : it->second.c_str();
  };
  absl::StatusOr<vitrina::server::ServerConfig> config = vitrina::server::ServerConfig::Parse(text, lookup);
  if (!config.ok()) {
    FUZZ_CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  // What Parse accepts is what the server then relies on without checking again.
  FUZZ_CHECK(vitrina::server::ValidateTrainingParams(config->training.defaults, config->training.limits).ok());
  FUZZ_CHECK(config->training.test_fraction > 0 && config->training.test_fraction < 1);
  FUZZ_CHECK(config->max_k >= 1 && config->default_k >= 1);
  // The HTTP gateway keeps one thread free of waiting trainings.
  FUZZ_CHECK(config->http.threads >= 2 && config->http.max_body_bytes >= 1024);
  if (config->http.max_waiting_trainings) {
    FUZZ_CHECK(*config->http.max_waiting_trainings >= 0 &&
               *config->http.max_waiting_trainings < config->http.threads);
  }
  for (const std::string* cron : {&config->schedule.nightly, &config->schedule.incremental}) {
    if (!cron->empty()) FUZZ_CHECK(vitrina::server::CronSchedule::Parse(*cron, config->schedule.time_zone).ok());
  }
  if (config->Finalize().ok()) {
    FUZZ_CHECK(config->default_k <= config->max_k);
    FUZZ_CHECK(!config->registry_path.empty() && !config->models_dir.empty());
    FUZZ_CHECK(!config->data_source.embedded_path.empty());
  }
  return 0;
}
