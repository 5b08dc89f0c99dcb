#include "sessions/call_rng.h"

#include <gtest/gtest.h>

#include <vector>

namespace vitrina::sessions {
namespace {

std::vector<uint32_t> Draws(trainer::Pcg32 rng) {
  std::vector<uint32_t> draws;
  for (int i = 0; i < 4; ++i) draws.push_back(rng.Next());
  return draws;
}

TEST(CallRngTest, TheSameCallDrawsTheSameNumbers) {
  EXPECT_EQ(Draws(CallRng(1, 2, "s", 3)), Draws(CallRng(1, 2, "s", 3)));
}

TEST(CallRngTest, EveryPartOfTheCallChangesTheNumbers) {
  const std::vector<uint32_t> base = Draws(CallRng(1, 2, "s", 3));
  EXPECT_NE(Draws(CallRng(9, 2, "s", 3)), base);
  EXPECT_NE(Draws(CallRng(1, 9, "s", 3)), base);
  EXPECT_NE(Draws(CallRng(1, 2, "t", 3)), base);
  EXPECT_NE(Draws(CallRng(1, 2, "s", 4)), base);
  EXPECT_NE(Draws(CallRng(1, 0, "", 0)), Draws(CallRng(0, 0, "", 0)));
}

}  // namespace
}  // namespace vitrina::sessions
