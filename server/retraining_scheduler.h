#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "registry/job.h"
#include "server/cron_schedule.h"

namespace vitrina::server {

// Queues the nightly full retraining (and, when configured, incremental ones) at the times of
// their cron expressions. A failed job does not stop the schedule: the next time tries again.
class RetrainingScheduler {
 public:
  using Submit = std::function<void(const registry::JobSpec&)>;

  // `next_title_after_nightly`: each nightly run also queues a next-title training, right after
  // the full one (the single worker runs them in that order).
  RetrainingScheduler(std::optional<CronSchedule> nightly, std::optional<CronSchedule> incremental, Submit submit,
                      bool next_title_after_nightly = false)
      : nightly_(std::move(nightly)), incremental_(std::move(incremental)), submit_(std::move(submit)),
        next_title_after_nightly_(next_title_after_nightly) {}
  ~RetrainingScheduler() { Stop(); }

  void Start();
  void Stop();

 private:
  void Loop();

  std::optional<CronSchedule> nightly_;
  std::optional<CronSchedule> incremental_;
  Submit submit_;
  bool next_title_after_nightly_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vitrina::server
