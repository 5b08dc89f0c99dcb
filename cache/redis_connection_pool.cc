#include "cache/redis_connection_pool.h"

#include <utility>

#include "fmt/format.h"

namespace vitrina::cache {

RedisConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_) {}

RedisConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(slot_);
}

RedisConnection& RedisConnectionPool::Lease::operator*() const {
  return *pool_->slots_[slot_].connection;
}

RedisConnectionPool::RedisConnectionPool(RedisEndpoint endpoint, RedisTimeouts timeouts,
                                         std::size_t size)
    : endpoint_(std::move(endpoint)), timeouts_(timeouts), slots_(size) {
  free_slots_.reserve(size);
  for (std::size_t slot = 0; slot < size; ++slot) free_slots_.push_back(slot);
}

absl::StatusOr<RedisConnectionPool::Lease> RedisConnectionPool::Acquire() {
  std::size_t index = 0;
  {
    std::unique_lock lock(mutex_);
    if (!slot_freed_.wait_for(lock, timeouts_.command, [&] { return !free_slots_.empty(); })) {
      return absl::DeadlineExceededError(
          fmt::format("redis: all {} connections stayed busy for {} ms", slots_.size(),
                      timeouts_.command.count()));
    }
    index = free_slots_.back();
    free_slots_.pop_back();
  }
  Lease lease(this, index);
  Slot& slot = slots_[index];
  const uint64_t generation = generation_.load(std::memory_order_relaxed);
  if (slot.connection.has_value() && !slot.connection->broken() && slot.generation == generation) {
    return lease;
  }
  slot.connection.reset();
  const bool reopening = std::exchange(slot.opened_before, true);
  auto connection = RedisConnection::Open(endpoint_, timeouts_);
  if (!connection.ok()) return connection.status();
  slot.connection = *std::move(connection);
  slot.generation = generation;
  if (reopening) reconnects_.fetch_add(1, std::memory_order_relaxed);
  return lease;
}

void RedisConnectionPool::Release(std::size_t slot) {
  {
    std::lock_guard lock(mutex_);
    free_slots_.push_back(slot);
  }
  slot_freed_.notify_one();
}

}  // namespace vitrina::cache
