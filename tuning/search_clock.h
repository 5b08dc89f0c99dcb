#pragma once

#include <chrono>
#include <memory>

namespace vitrina::tuning {

// The clock a search measures its trials and its time budget with. The search's decisions under a
// budget (which rung a trial may start) follow what this clock says an epoch costs: the default
// reads wall time, which is what a budget bounds; a test drives a clock that counts the epochs
// trained, so that the decisions it checks do not depend on the machine's load.
class SearchClock {
 public:
  virtual ~SearchClock() = default;
  // Seconds since an arbitrary start; never decreases.
  virtual double Seconds() const = 0;
  // Called after every epoch a trial trains (from the worker threads, concurrently).
  virtual void EpochTrained() {}
};

class SteadySearchClock final : public SearchClock {
 public:
  double Seconds() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace vitrina::tuning
