// vitrina-registry: the model registry from the command line. Lists the model files the registry
// does not know (what a lost or replaced registry file leaves behind) and registers them again, so
// that ActivateModel can serve them. Safe beside a running server (SQLite serializes the writers).
#include <cstdlib>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "registry/model_registry.h"
#include "registry/registry_database.h"
#include "server/orphan_models.h"
#include "server/server_config.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace {

struct Flags {
  std::string config_path;
  std::string data_dir;
  std::string registry_path;
  std::string models_dir;
  std::vector<std::string> files;
};

// The server's own config rules (file, VITRINA_* environment, defaults under data_dir), so that
// the tool finds what the server uses; the flags override.
absl::StatusOr<vitrina::server::ServerConfig> ResolveConfig(const Flags& flags) {
  auto environment = [](const char* name) -> const char* { return std::getenv(name); };
  auto config = flags.config_path.empty() ? vitrina::server::ServerConfig::Parse("", environment)
                                          : vitrina::server::ServerConfig::Load(flags.config_path, environment);
  if (!config.ok()) return config.status();
  if (!flags.data_dir.empty()) config->data_dir = flags.data_dir;
  if (!flags.registry_path.empty()) config->registry_path = flags.registry_path;
  if (!flags.models_dir.empty()) config->models_dir = flags.models_dir;
  if (absl::Status finalized = config->Finalize(); !finalized.ok()) return finalized;
  return config;
}

int ListOrphans(const vitrina::server::ServerConfig& config, vitrina::registry::ModelRegistry& registry) {
  auto orphans = vitrina::server::FindOrphanModelFiles(config.models_dir, registry);
  if (!orphans.ok()) {
    spdlog::error("{}", std::string(orphans.status().message()));
    return 1;
  }
  for (const std::string& file : *orphans) fmt::print("{}\n", file);
  if (orphans->empty()) spdlog::info("every model file in {} is registered", config.models_dir);
  return 0;
}

int Register(const vitrina::server::ServerConfig& config, vitrina::registry::ModelRegistry& registry,
             std::vector<std::string> files) {
  if (files.empty()) {
    auto orphans = vitrina::server::FindOrphanModelFiles(config.models_dir, registry);
    if (!orphans.ok()) {
      spdlog::error("{}", std::string(orphans.status().message()));
      return 1;
    }
    files = *std::move(orphans);
    if (files.empty()) spdlog::info("every model file in {} is registered: nothing to do", config.models_dir);
  }
  int failures = 0;
  for (const std::string& file : files) {
    auto model = vitrina::server::RegisterModelFile(registry, file);
    if (!model.ok()) {
      spdlog::error("{}: {}", file, std::string(model.status().message()));
      ++failures;
      continue;
    }
    fmt::print("registered {} as model {} ({} users, {} titles, checksum {})\n", model->artifact.file_path, model->id,
               model->artifact.n_users, model->artifact.n_titles, model->artifact.checksum);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Vitrina model registry tool. Finds the registry and the models folder as vitrina-server does (--config, "
      "VITRINA_* environment, defaults under --data-dir); --registry and --models-dir override them.\n"
      "Exit status: 0 done, 1 a file or the registry failed, 2 bad usage or config."};
  Flags flags;
  cli.add_option("--config", flags.config_path, "the server's YAML config file")->check(CLI::ExistingFile);
  cli.add_option("--data-dir", flags.data_dir, "data directory (overrides the config)");
  cli.add_option("--registry", flags.registry_path,
                 "registry file (default <data-dir>/registry.db; created when missing)");
  cli.add_option("--models-dir", flags.models_dir, "models folder (default <data-dir>/models)");
  cli.require_subcommand(1);
  CLI::App* orphans =
      cli.add_subcommand("orphans", "print the model files in the models folder the registry does not know");
  CLI::App* reg = cli.add_subcommand(
      "register",
      "record model files as ready, inactive models (each file's format and checksum are checked, and its "
      "popularity snapshot); then ActivateModel serves one. Without FILE: every unregistered file in the "
      "models folder");
  reg->add_option("FILE", flags.files, "model files (.vtm)");
  // Results go to stdout (one line per file, for scripts), diagnostics to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("vitrina-registry"));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error) == 0 ? 0 : 2;  // --help is a ParseError too
  }

  auto config = ResolveConfig(flags);
  if (!config.ok()) {
    spdlog::error("config: {}", std::string(config.status().message()));
    return 2;
  }
  auto database = vitrina::registry::RegistryDatabase::Open(config->registry_path);
  if (!database.ok()) {
    spdlog::error("{}", std::string(database.status().message()));
    return 1;
  }
  vitrina::registry::ModelRegistry registry(**database);
  if (orphans->parsed()) return ListOrphans(*config, registry);
  return Register(*config, registry, flags.files);
}
