#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "trainer/embedding_table.h"

namespace vitrina::trainer {

// LightFM's lazy L2 regularisation. Instead of shrinking every parameter on every step, each
// update scales the rows it touched up by (1 + alpha * rate) and multiplies a per-side scale by
// (1 + alpha * mean rate of the step); all weights are divided by the scale when it passes
// kMaxScale and at the end of every epoch. Representations are computed with weights * scale:
// that is what LightFM does (a strict lazy L2 would divide), and it is kept so that an alpha tuned
// with LightFM behaves the same here.
//
// Threads: LightFM has every thread multiply one shared double per sample, a cache line that then
// bounces between cores. Here each worker multiplies a private growth factor (WorkerScales) and
// folds it into the shared scale every kMergeInterval updates, at once when its view passes
// kMaxScale, and whenever another worker has renormalised (generation changed). With one thread
// the scale seen by every sample is LightFM's running product.
class RegularizationScales {
 public:
  static constexpr double kMaxScale = 1e6;  // LightFM's MAX_REG_SCALE
  static constexpr int kMergeInterval = 64;

  struct Snapshot {
    double user_scale;
    double item_scale;
    uint64_t generation;
  };

  RegularizationScales(EmbeddingTable& users, EmbeddingTable& items)
      : users_(users), items_(items) {}

  // Multiplies the shared scales by a worker's growth, renormalises the tables if either passed
  // kMaxScale, and returns the scales now in force.
  Snapshot Merge(double user_growth, double item_growth);
  Snapshot Current() { return Merge(1.0, 1.0); }
  // Divides all weights by the scales and resets them to 1 (LightFM's end-of-epoch `regularize`).
  void Renormalize();
  uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }

 private:
  void RenormalizeLocked();

  EmbeddingTable& users_;
  EmbeddingTable& items_;
  std::mutex mutex_;
  double user_scale_ = 1.0;
  double item_scale_ = 1.0;
  std::atomic<uint64_t> generation_{0};
};

// A worker's view of the scales: the shared value when last merged times its own growth since.
class WorkerScales {
 public:
  void Reset(const RegularizationScales::Snapshot& snapshot) {
    snapshot_ = snapshot;
    user_growth_ = item_growth_ = 1.0;
    updates_since_merge_ = 0;
  }
  double user() const { return snapshot_.user_scale * user_growth_; }
  double item() const { return snapshot_.item_scale * item_growth_; }

  // Records one update's growth factors and merges when due.
  void Grow(double user_factor, double item_factor, RegularizationScales& shared) {
    user_growth_ *= user_factor;
    item_growth_ *= item_factor;
    if (++updates_since_merge_ >= RegularizationScales::kMergeInterval ||
        user() > RegularizationScales::kMaxScale || item() > RegularizationScales::kMaxScale ||
        shared.generation() != snapshot_.generation) {
      Merge(shared);
    }
  }
  void Merge(RegularizationScales& shared) { Reset(shared.Merge(user_growth_, item_growth_)); }

 private:
  RegularizationScales::Snapshot snapshot_{1.0, 1.0, 0};
  double user_growth_ = 1.0;
  double item_growth_ = 1.0;
  int updates_since_merge_ = 0;
};

}  // namespace vitrina::trainer
