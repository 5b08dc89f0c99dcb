#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "registry/model_registry.h"
#include "server/recent_consumption.h"
#include "server/served_model.h"

namespace vitrina::server {

// Which models serve: loading a registered model, checking it against the registry, publishing it
// (activation and rollback), deleting models. Each role (personal, next-title) has its own holder
// and active model; activating one never touches the other. Activations are serialized; readers
// never wait.
class ModelManager {
 public:
  // `realtime` shapes the per-model user overlay every loaded model gets (none when disabled).
  ModelManager(registry::ModelRegistry& registry, ModelHolder& holder, RecentConsumption& recent,
               NextTitleHolder* next_titles = nullptr, RealtimeConfig realtime = {}, serving::AnnConfig ann = {})
      : registry_(registry), holder_(holder), recent_(recent), next_titles_(next_titles), realtime_(realtime), ann_(ann) {}

  // Serves the registry's active model, if there is one. When its file cannot be served (missing,
  // corrupted, not the file the registry recorded), serves the newest registered model that loads
  // instead and says so in the holder's note; the registry keeps marking the operator's choice
  // active, so ListModels shows both until a model is activated. With no model that loads, nothing
  // serves and the note says why. Fails only when the registry cannot be read. The active
  // next-title model is loaded too; one that fails to load is logged and left out (the session
  // policies use the embedding stand-in meanwhile).
  absl::Status LoadActive();

  // Loads a registered personal model fully: file checksum equal to the registry's, model file
  // valid, popularity snapshot present, and its ANN index when it has serving.ann.min_titles
  // titles or more. A missing or damaged index is logged and the model serves by the exact pass
  // (slower, never wrong): rebuilding 1M titles' graph would take minutes of the CPU that serves,
  // and the next training writes a new one. Nothing is published. FailedPrecondition for a next-title
  // model.
  absl::StatusOr<std::shared_ptr<const ServedModel>> Load(const registry::ModelRecord& record) const;
  // The same for a next-title model (file and checksum).
  absl::StatusOr<std::shared_ptr<const ServedNextTitleModel>> LoadNextTitle(const registry::ModelRecord& record) const;

  // Makes a model the served one of its role (also a rollback): load and check it first, then
  // mark it active in the registry, then swap. Returns the previously active model id of that
  // role (0 when none).
  absl::StatusOr<int64_t> Activate(int64_t model_id);
  // The same for a model the caller has just loaded (a finished training).
  absl::StatusOr<int64_t> Activate(const registry::ModelRecord& record, std::shared_ptr<const ServedModel> loaded);
  absl::StatusOr<int64_t> Activate(const registry::ModelRecord& record,
                                   std::shared_ptr<const ServedNextTitleModel> loaded);

  // Marks the model deleted and removes its files. FailedPrecondition for the active one and for
  // the one serving (they differ after a start-up fallback).
  absl::Status Delete(int64_t model_id);

  // What else keeps a model from deletion (an experiment arm serving it): a reason, or nullopt.
  // Asked under the activation lock; set before concurrent use.
  using InUseCheck = std::function<std::optional<std::string>(int64_t model_id)>;
  void set_in_use_check(InUseCheck check) { in_use_check_ = std::move(check); }
  // Runs `work` under the activation lock: a deletion cannot slip between what `work` checks
  // and what it publishes (an experiment starting to serve a model).
  absl::Status Exclusive(const std::function<absl::Status()>& work) {
    std::lock_guard lock(activation_mutex_);
    return work();
  }

  // Runs after every publication (health reporting); set before concurrent use.
  void set_on_published(std::function<void()> callback) { on_published_ = std::move(callback); }

  // Where a model's popularity snapshot lives, beside the model file.
  static std::string PopularityPath(const std::string& model_path) { return model_path + ".popular.tsv"; }
  static std::string ColdConsumptionPath(const std::string& model_path) { return model_path + ".cold-consumed.tsv"; }

 private:
  // Swaps `loaded` in with `note` (see ModelHolder) and forgets the recent interactions its data
  // already holds; the caller holds activation_mutex_.
  void Publish(const ServedModel& loaded, absl::Time activated_at, std::string note = "");

  registry::ModelRegistry& registry_;
  ModelHolder& holder_;
  RecentConsumption& recent_;
  NextTitleHolder* next_titles_;
  RealtimeConfig realtime_;
  serving::AnnConfig ann_;
  std::mutex activation_mutex_;
  std::function<void()> on_published_;
  InUseCheck in_use_check_;
};

}  // namespace vitrina::server
