#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulation/catalog.h"
#include "simulation/listener_model.h"
#include "simulation/loopback_target.h"
#include "simulation/statistics.h"

namespace vitrina::simulation {

struct RunOptions {
  LoopbackTarget target;
  // Each policy is played with ?policy=NAME; an empty name sends no parameter (the server's
  // default). Names are letters, digits and "_.-:" (checked by ValidatePolicyName).
  std::vector<std::string> policies;
  int64_t sessions_per_policy = 200;
  // Sessions are played by the first `users` users of the catalog.
  size_t users = 100;
  uint64_t seed = 1;
  // Parallel connections; a user's sessions always run on the same one, in order, so two sessions
  // of one user never overlap (the server keeps one implicit session per user).
  int concurrency = 1;
  ListenerModel model;
  // No call starts after this many seconds: the sessions cut short are counted as not run.
  double max_seconds = 600;
  double call_timeout_seconds = 5;

  // InvalidArgument naming the option out of range.
  absl::Status Validate(const Catalog& catalog) const;
};

absl::Status ValidatePolicyName(const std::string& name);

// The figures of a set of completed sessions: a whole policy, or the sessions the server put in one
// arm of an experiment (the arms of a session's first /next reply).
struct SessionGroup {
  std::string experiment;  // empty for the policy's own group
  std::string arm;
  // Consumed time per session (the sum of the consumed shares of the answered titles; the start
  // title is the listener's choice and not counted), 95% t-interval, one value per session.
  MeanInterval consumed;
  double titles_per_session = 0;
  int64_t next_calls = 0;
  double next_p50_ms = 0;
  double next_p99_ms = 0;
};

struct PolicyResult {
  std::string policy;  // empty: the server's default
  int64_t sessions_completed = 0;
  // A session stops at its first failed call: failed sessions = failed calls.
  int64_t sessions_failed = 0;
  int64_t sessions_not_run = 0;  // cut by --max-seconds
  // The error of the lowest-numbered failed session.
  std::string first_error;
  // The policy's own group first, then one per (experiment, arm) seen, by name.
  std::vector<SessionGroup> groups;
};

struct RunReport {
  std::vector<PolicyResult> policies;
  bool time_limit_reached = false;
  double seconds = 0;

  int64_t FailedCalls() const;
  // The first policy's first error; empty when no call failed.
  std::string FirstError() const;
};

// Plays options.sessions_per_policy sessions per policy, one policy after the other, against the
// server at options.target. Options must be valid (RunOptions::Validate).
RunReport RunSimulation(const Catalog& catalog, const RunOptions& options);

}  // namespace vitrina::simulation
