#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/periodic_task.h"
#include "data/data_source_config.h"
#include "server/served_model.h"
#include "serving/excluded_titles_filter.h"
#include "serving/feature_titles.h"
#include "serving/feature_users.h"

namespace vitrina::server {

// The served model's titles that the catalog marked unavailable after its snapshot: left out of
// every answer until a training leaves them out of the model.
struct WithdrawnTitles {
  explicit WithdrawnTitles(std::vector<int64_t> title_ids);

  serving::ExcludedTitlesFilter filter;
  uint64_t digest = 0;  // of the sorted ids, for cache keys; 0 when there are none
};

// Catalog titles added after a model's training and catalog users it was not trained on, placed
// by their features (serving::FeatureTitles, serving::FeatureUsers), and the model's titles
// withdrawn since: what one refresh found for one model. Immutable; never null members.
struct Newcomers {
  int64_t model_id = 0;
  std::shared_ptr<const serving::FeatureTitles> titles;
  std::shared_ptr<const serving::FeatureUsers> users;
  std::shared_ptr<const WithdrawnTitles> withdrawn;
};

// The last refresh's Newcomers, swapped atomically: a request takes one snapshot, and answers of
// another model never see them.
class NewcomersHolder {
 public:
  // What the last refresh placed for `model_id`; null when it placed them for another model (or
  // none were placed yet).
  std::shared_ptr<const Newcomers> For(int64_t model_id) const {
    std::shared_ptr<const Newcomers> current = current_.load(std::memory_order_acquire);
    return current && current->model_id == model_id ? current : nullptr;
  }
  void Set(Newcomers newcomers) {
    current_.store(std::make_shared<const Newcomers>(std::move(newcomers)), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Newcomers>> current_;
};

// How the serving side learns of titles and users added to the catalog after a training: the
// primary reads the catalog's titles and users (the data source trainings read; a replica only
// when it shares the primary's MySQL catalog) every `interval` and right after a model is
// published, and places the available titles the served model does not hold by their genres and
// creators, and the users it does not hold by their features; the model's titles the catalog now
// marks unavailable are withdrawn from its answers. Only those are kept, so a refresh holds no
// copy of the catalog.
class NewcomersRefresher {
 public:
  NewcomersRefresher(data::DataSourceConfig source, const ModelHolder& models, NewcomersHolder& out,
                     absl::Duration interval)
      : source_(std::move(source)),
        models_(models),
        out_(out),
        task_([this] { RefreshOrWarn(); }, absl::ToChronoMilliseconds(interval)) {}
  ~NewcomersRefresher() { Stop(); }

  // Refreshes in a thread of its own: at once, every interval, and when asked (RequestRefresh).
  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  // After a model was published: its newcomers are placed on the next pass of the thread.
  void RequestRefresh() { task_.RunSoon(); }
  // Reads the catalog and places the newcomers for the model serving now (one refresh at a time).
  absl::Status RefreshNow();

 private:
  void RefreshOrWarn();

  const data::DataSourceConfig source_;
  const ModelHolder& models_;
  NewcomersHolder& out_;
  std::mutex refresh_mutex_;  // one catalog read at a time
  PeriodicTask task_;         // last: its thread stops before the members it uses go
};

}  // namespace vitrina::server
