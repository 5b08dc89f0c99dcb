#include "experiments/log_frame.h"

#include <string>

#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

TEST(LogFrameTest, RoundTripsAPayload) {
  std::string bytes;
  AppendFrame("hello", bytes);
  AppendFrame("", bytes);
  std::string_view payload;
  size_t frame_bytes = 0;
  ASSERT_EQ(CheckFrame(bytes, &payload, &frame_bytes), FrameCheck::kOk);
  EXPECT_EQ(payload, "hello");
  EXPECT_EQ(frame_bytes, kFrameOverhead + 5);
  ASSERT_EQ(CheckFrame(std::string_view(bytes).substr(frame_bytes), &payload, &frame_bytes), FrameCheck::kOk);
  EXPECT_EQ(payload, "");
}

TEST(LogFrameTest, EveryCutOfAFrameIsTruncatedNeverOk) {
  std::string bytes;
  AppendFrame("a payload of some length", bytes);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::string_view payload;
    size_t frame_bytes = 0;
    EXPECT_EQ(CheckFrame(std::string_view(bytes).substr(0, cut), &payload, &frame_bytes), FrameCheck::kTruncated)
        << "cut at " << cut;
  }
}

TEST(LogFrameTest, EveryFlippedBitIsDetected) {
  std::string frame;
  AppendFrame("payload", frame);
  for (size_t byte = 0; byte < frame.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = frame;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      std::string_view payload;
      size_t frame_bytes = 0;
      // A damaged length may announce more bytes than there are (truncated) or fewer (CRC fails):
      // never a frame that decodes.
      EXPECT_NE(CheckFrame(damaged, &payload, &frame_bytes), FrameCheck::kOk) << byte << ":" << bit;
    }
  }
}

TEST(LogFrameTest, AnImpossibleLengthIsDamageNotAWait) {
  std::string frame(kFrameMarker);
  frame += std::string("\xff\xff\xff\x7f", 4) + std::string(4, '\0');
  std::string_view payload;
  size_t frame_bytes = 0;
  EXPECT_EQ(CheckFrame(frame, &payload, &frame_bytes), FrameCheck::kDamaged);
}

}  // namespace
}  // namespace vitrina::experiments
