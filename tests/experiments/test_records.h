#pragma once

#include <cstdint>
#include <string>

#include "vitrina/v1/exposure.pb.h"

namespace vitrina::experiments::testing {

inline v1::ExposureLogRecord AnswerRecord(int64_t time, int64_t user, const std::string& session,
                                          const std::string& experiment, const std::string& arm,
                                          int titles = 3, bool control = false, int64_t latency_micros = 1000) {
  v1::ExposureLogRecord record;
  record.set_time_unix_micros(time);
  auto* exposure = record.mutable_exposure();
  exposure->set_request_id(std::to_string(time) + "-" + std::to_string(user));
  exposure->set_route("next");
  exposure->set_user_id(user);
  exposure->set_session_id(session);
  if (!experiment.empty()) {
    auto* assignment = exposure->add_assignments();
    assignment->set_experiment(experiment);
    assignment->set_arm(arm);
    assignment->set_arm_weight(1);
    assignment->set_control(control);
  }
  for (int i = 0; i < titles; ++i) {
    auto* title = exposure->add_titles();
    title->set_title_id(100 + i);
    title->set_position(i);
  }
  exposure->set_latency_micros(latency_micros);
  return record;
}

inline v1::ExposureLogRecord OutcomeRecord(int64_t time, int64_t user, const std::string& session, double share) {
  v1::ExposureLogRecord record;
  record.set_time_unix_micros(time);
  auto* outcome = record.mutable_outcome();
  outcome->set_source(v1::Outcome::NEXT_CALL);
  outcome->set_user_id(user);
  outcome->set_session_id(session);
  outcome->set_title_id(100);
  outcome->set_consumed_share(share);
  return record;
}

}  // namespace vitrina::experiments::testing
