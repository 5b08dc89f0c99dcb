#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "experiments/exposure_log.h"
#include "server/experiment_manager.h"
#include "vitrina/v1/exposure.pb.h"

namespace vitrina::server {

// Turns answers and outcomes into exposure-log records (experiments/exposure_log.h). Append only
// queues the record in memory (FileExposureLog's writer thread does the disk work), so an answer
// waits for a short lock, never for the disk.
class ExposureRecorder {
 public:
  explicit ExposureRecorder(experiments::ExposureLog& log);

  // A process-unique id for one answer: a random per-process prefix and a counter.
  std::string NextRequestId();

  // `exposure` carries route, ids, titles and latency; the assignments come from `arms`.
  void Answer(v1::Exposure exposure, const CallArms& arms);
  void Outcome(v1::Outcome::Source source, int64_t user_id, std::string_view session_id, int64_t title_id,
               double consumed_share, std::string_view interaction_type = "");

 private:
  experiments::ExposureLog& log_;
  const std::string prefix_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace vitrina::server
