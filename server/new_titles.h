#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "data/data_source_config.h"
#include "server/served_model.h"
#include "serving/feature_titles.h"

namespace vitrina::server {

// Catalog titles added after the served model's training, placed by their features
// (serving::FeatureTitles), for one model: answers of another model never see them.
class NewTitlesHolder {
 public:
  // The titles placed for `model_id`; null when the last refresh placed them for another model.
  std::shared_ptr<const serving::FeatureTitles> For(int64_t model_id) const {
    std::shared_ptr<const Entry> entry = current_.load(std::memory_order_acquire);
    return entry && entry->model_id == model_id ? entry->titles : nullptr;
  }
  void Set(int64_t model_id, std::shared_ptr<const serving::FeatureTitles> titles) {
    current_.store(std::make_shared<const Entry>(Entry{model_id, std::move(titles)}), std::memory_order_release);
  }

 private:
  struct Entry {
    int64_t model_id = 0;
    std::shared_ptr<const serving::FeatureTitles> titles;
  };
  std::atomic<std::shared_ptr<const Entry>> current_;
};

// How the serving side learns of titles added to the catalog after a training: the primary reads
// the catalog's titles (the data source trainings read; a replica never reads the catalog) every
// `interval` and right after a model is published, and places the available ones the served
// model does not hold by their genres and creators. Only those titles are kept, so a refresh
// holds no copy of the catalog.
class NewTitlesRefresher {
 public:
  NewTitlesRefresher(data::DataSourceConfig source, const ModelHolder& models, NewTitlesHolder& out,
                     absl::Duration interval)
      : source_(std::move(source)), models_(models), out_(out), interval_(interval) {}
  ~NewTitlesRefresher() { Stop(); }

  // Refreshes in a thread of its own: every interval, and when asked (RequestRefresh).
  void Start();
  void Stop();
  // After a model was published: its new titles are placed on the next pass of the thread.
  void RequestRefresh();
  // Reads the catalog and places the new titles for the model serving now (one refresh at a time).
  absl::Status RefreshNow();

 private:
  void Run();

  const data::DataSourceConfig source_;
  const ModelHolder& models_;
  NewTitlesHolder& out_;
  const absl::Duration interval_;

  std::mutex refresh_mutex_;  // one catalog read at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vitrina::server
