#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/redis_connection.h"
#include "cache/redis_endpoint.h"

namespace vitrina::cache {

// A fixed set of Redis connections (hiredis contexts are not thread-safe), opened lazily and
// re-opened when found broken.
class RedisConnectionPool {
 public:
  // Exclusive use of one connection; gives it back to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    RedisConnection& operator*() const;
    RedisConnection* operator->() const { return &**this; }

   private:
    friend class RedisConnectionPool;
    Lease(RedisConnectionPool* pool, std::size_t slot) : pool_(pool), slot_(slot) {}

    RedisConnectionPool* pool_;  // null once moved from
    std::size_t slot_;
  };

  // `size` >= 1.
  RedisConnectionPool(RedisEndpoint endpoint, RedisTimeouts timeouts, std::size_t size);

  // A connected connection, (re)opened first when it is missing, broken or older than the last
  // DropAll(). DeadlineExceeded when no connection frees up within the command timeout; the
  // RedisConnection::Open error when connecting fails.
  absl::StatusOr<Lease> Acquire();

  // Has every connection re-opened before its next use: when one connection failed, the others
  // most likely lead to the same dead server, and each would otherwise fail once more.
  void DropAll() { generation_.fetch_add(1, std::memory_order_relaxed); }

  // Connections opened after an earlier connection or attempt on the same slot.
  uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::optional<RedisConnection> connection;
    uint64_t generation = 0;  // generation_ when the connection was opened
    bool opened_before = false;
  };

  void Release(std::size_t slot);

  const RedisEndpoint endpoint_;
  const RedisTimeouts timeouts_;
  // Each slot is touched only by the holder of its lease; the free list is under the mutex.
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<std::size_t> free_slots_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> reconnects_{0};
};

}  // namespace vitrina::cache
