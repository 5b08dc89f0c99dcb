// Session feedback a replica owes its primary: delivered in order once the primary answers,
// never lost while it is away (up to the bound), dropped when the primary refuses it for good.
#include "server/replica_interaction_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace vitrina::server {
namespace {

registry::HotInteraction Interaction(int64_t title_id) {
  registry::HotInteraction interaction;
  interaction.user_id = 1;
  interaction.title_id = title_id;
  interaction.type = "play";
  interaction.value = 0.5;
  interaction.timestamp = 1000 + title_id;
  return interaction;
}

// A primary that is away (UNAVAILABLE) until `up`, and refuses title 13 for good.
struct FakePrimary {
  std::mutex mutex;
  std::vector<int64_t> recorded;
  std::atomic<bool> up{false};
  std::atomic<int> refusals_while_down{0};

  absl::Status Send(const registry::HotInteraction& interaction) {
    if (!up) {
      ++refusals_while_down;
      return absl::UnavailableError("the primary at 127.0.0.1:1 did not answer");
    }
    if (interaction.title_id == 13) return absl::InvalidArgumentError("type 'play' is not configured");
    std::lock_guard lock(mutex);
    recorded.push_back(interaction.title_id);
    return absl::OkStatus();
  }
  std::vector<int64_t> Recorded() {
    std::lock_guard lock(mutex);
    return recorded;
  }
};

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {  // at most 10 s
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ReplicaInteractionQueueTest, KeepsInteractionsWhileThePrimaryIsAwayAndDeliversThemInOrder) {
  FakePrimary primary;
  ReplicaInteractionQueue queue([&](const registry::HotInteraction& i) { return primary.Send(i); }, 100);
  queue.Start();
  for (int64_t title = 1; title <= 5; ++title) queue.Push(Interaction(title));
  ASSERT_TRUE(WaitFor([&] { return primary.refusals_while_down >= 2; }));  // retried, not dropped
  EXPECT_EQ(queue.pending(), 5u);
  primary.up = true;
  ASSERT_TRUE(WaitFor([&] { return queue.pending() == 0; }));
  EXPECT_EQ(primary.Recorded(), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(queue.dropped(), 0u);
  queue.Stop();
}

TEST(ReplicaInteractionQueueTest, ARefusalForGoodIsDroppedAndTheRestStillGoes) {
  FakePrimary primary;
  primary.up = true;
  ReplicaInteractionQueue queue([&](const registry::HotInteraction& i) { return primary.Send(i); }, 100);
  queue.Start();
  for (int64_t title : {12, 13, 14}) queue.Push(Interaction(title));
  ASSERT_TRUE(WaitFor([&] { return queue.pending() == 0; }));
  EXPECT_EQ(primary.Recorded(), (std::vector<int64_t>{12, 14}));
  EXPECT_EQ(queue.dropped(), 1u);
}

TEST(ReplicaInteractionQueueTest, BeyondTheBoundTheOldestIsDroppedAndCounted) {
  FakePrimary primary;
  ReplicaInteractionQueue queue([&](const registry::HotInteraction& i) { return primary.Send(i); }, 3);
  for (int64_t title = 1; title <= 5; ++title) queue.Push(Interaction(title));  // not started: nothing sent
  EXPECT_EQ(queue.pending(), 3u);
  EXPECT_EQ(queue.dropped(), 2u);
  primary.up = true;
  queue.Start();
  ASSERT_TRUE(WaitFor([&] { return queue.pending() == 0; }));
  EXPECT_EQ(primary.Recorded(), (std::vector<int64_t>{3, 4, 5}));
}

}  // namespace
}  // namespace vitrina::server
