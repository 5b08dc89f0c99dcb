#include "tuning/refit_deadline.h"

#include <gtest/gtest.h>

namespace vitrina::tuning {
namespace {

class ManualClock final : public SearchClock {
 public:
  double Seconds() const override { return now_; }
  void Advance(double seconds) { now_ += seconds; }

 private:
  double now_ = 100;
};

TEST(RefitDeadlineTest, ContinuesWhileTheNextEpochIsExpectedToEndInTime) {
  ManualClock clock;
  const RefitDeadline deadline(clock, 110);  // 10 s from now
  clock.Advance(2);                          // epoch 1: 2 s, the next expected at 104
  EXPECT_TRUE(deadline.MayContinue(1));
  clock.Advance(2 * 3);  // epochs 2-4 at 2 s: 108 now, the next expected to end at 110
  EXPECT_TRUE(deadline.MayContinue(4));
  clock.Advance(1.5);  // epoch 5 was quick, but at 109.5 the mean (1.9 s) ends past 110
  EXPECT_FALSE(deadline.MayContinue(5));
}

// Epochs that cost more than the first ones raise the estimate at once.
TEST(RefitDeadlineTest, ASlowEpochRaisesTheEstimate) {
  ManualClock clock;
  const RefitDeadline deadline(clock, 120);
  clock.Advance(1);
  EXPECT_TRUE(deadline.MayContinue(1));
  clock.Advance(9);  // epoch 2 took 9 s: the mean is 5 s, 110 + 5 fits
  EXPECT_TRUE(deadline.MayContinue(2));
  clock.Advance(9);  // 119: the mean (6.3 s) does not
  EXPECT_FALSE(deadline.MayContinue(3));
}

}  // namespace
}  // namespace vitrina::tuning
