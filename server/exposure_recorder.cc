#include "server/exposure_recorder.h"

#include <chrono>
#include <random>

#include "fmt/format.h"

namespace vitrina::server {
namespace {

int64_t NowUnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomPrefix() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

}  // namespace

ExposureRecorder::ExposureRecorder(experiments::ExposureLog& log) : log_(log), prefix_(RandomPrefix()) {}

std::string ExposureRecorder::NextRequestId() {
  return fmt::format("{}-{}", prefix_, counter_.fetch_add(1, std::memory_order_relaxed) + 1);
}

void ExposureRecorder::Answer(v1::Exposure exposure, const CallArms& arms) {
  v1::ExposureLogRecord record;
  record.set_time_unix_micros(NowUnixMicros());
  for (const v1::ArmAssignment& assignment : arms.assignments) *exposure.add_assignments() = assignment;
  *record.mutable_exposure() = std::move(exposure);
  log_.Append(std::move(record));
}

void ExposureRecorder::Outcome(v1::Outcome::Source source, int64_t user_id, std::string_view session_id,
                               int64_t title_id, double consumed_share, std::string_view interaction_type) {
  v1::ExposureLogRecord record;
  record.set_time_unix_micros(NowUnixMicros());
  v1::Outcome* outcome = record.mutable_outcome();
  outcome->set_source(source);
  outcome->set_user_id(user_id);
  outcome->set_session_id(std::string(session_id));
  outcome->set_title_id(title_id);
  outcome->set_consumed_share(consumed_share);
  outcome->set_interaction_type(std::string(interaction_type));
  log_.Append(std::move(record));
}

}  // namespace vitrina::server
