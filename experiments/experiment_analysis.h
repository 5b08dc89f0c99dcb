#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/exposure_log_reader.h"
#include "vitrina/v1/exposure.pb.h"
#include "vitrina/v1/experiment_report.pb.h"

namespace vitrina::experiments {

struct AnalysisOptions {
  std::string experiment;                // empty: the only experiment in the log
  std::string control;                   // empty: the arm the log marks as control
  std::map<std::string, double> weights; // overrides the weights the log carries
  int lift_points = 20;                  // cumulative lift computed at this many times
  // A title shown by GetUserRecommendations counts as consumed when the user consumed some of it
  // within this long after the answer.
  int64_t consumption_window_micros = 24ll * 3600 * 1'000'000;
  double confidence = 0.95;
};

// Collects what the analysis needs from the log's records (fed one by one by the reader), then
// computes an experiment's report. The definitions (docs/EXPERIMENTS.md), user as the unit:
// - a user belongs to the arm their answers of the experiment carry (users seen in several arms
//   are excluded and counted); the experiment starts at its first answer;
// - a session is a session id (an answer outside a session is a session of its own);
// - per user, over the user's answers of the experiment and the outcomes from the user's first
//   such answer on: titles per session = titles shown / sessions, consumed per session = sum of
//   consumed shares / sessions (seconds likewise, when outcomes carry them);
// - for users with GetUserRecommendations answers in the experiment: the share of the titles
//   those answers showed that the user consumed (an outcome with a share > 0 for the title) within
//   the consumption window after the answer;
// - CUPED's covariate: the same consumed-per-session value from the user's answers and outcomes
//   before the experiment started.
class ExperimentAnalysis {
 public:
  void Add(const v1::ExposureLogRecord& record);

  // The experiments the log names, sorted.
  std::vector<std::string> Experiments() const;

  absl::StatusOr<v1::ExperimentReport> Report(const AnalysisOptions& options, const LogReadStats& read) const;

 private:
  struct Answer {
    int64_t time = 0;
    std::string session_key;
    int64_t titles = 0;
    int64_t latency_micros = 0;
    std::vector<std::pair<std::string, std::string>> arms;  // experiment, arm
    std::vector<int64_t> recommended_titles;  // GetUserRecommendations answers only
  };
  struct Consumption {
    int64_t time = 0;
    double share = 0;
    double seconds = 0;
    int64_t title_id = 0;
  };
  struct UserLog {
    std::vector<Answer> answers;
    std::vector<Consumption> outcomes;
  };
  struct ArmConfig {
    std::string name;
    double weight = 0;
    bool control = false;
  };

  std::unordered_map<int64_t, UserLog> users_;
  std::map<std::string, std::vector<ArmConfig>> arms_;  // experiment -> arms in first-seen order
};

}  // namespace vitrina::experiments
