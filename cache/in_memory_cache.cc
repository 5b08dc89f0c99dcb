#include "cache/in_memory_cache.h"

#include <algorithm>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "fmt/format.h"

namespace vitrina::cache {
namespace {

using Clock = std::chrono::steady_clock;

// Enough to keep 2-16 serving threads from queueing on one mutex.
constexpr std::size_t kMaxShards = 16;

// The splitmix64 finalizer: with a plain `id % shards`, ids sharing a stride (all multiples of 16,
// say) would crowd into one shard.
uint64_t MixBits(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

class InMemoryCache::Shard {
 public:
  explicit Shard(std::size_t capacity) : capacity_(capacity) {}

  std::optional<std::string> Get(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto found = by_key_.find(key);
    if (found == by_key_.end()) return std::nullopt;
    const auto entry = found->second;
    if (entry->expires_at <= now) {
      Erase(entry);
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, entry);
    return entry->payload;
  }

  void Put(std::string key, std::optional<int64_t> user_id, std::string_view payload,
           Clock::time_point expires_at) {
    std::lock_guard lock(mutex_);
    if (const auto found = by_key_.find(key); found != by_key_.end()) {
      const auto entry = found->second;
      entry->payload.assign(payload);
      entry->expires_at = expires_at;
      lru_.splice(lru_.begin(), lru_, entry);
      return;
    }
    lru_.push_front(Entry{std::move(key), std::string(payload), expires_at, user_id});
    const auto entry = lru_.begin();
    by_key_.emplace(entry->key, entry);
    if (user_id.has_value()) keys_by_user_[*user_id].insert(entry->key);
    if (lru_.size() > capacity_) Erase(std::prev(lru_.end()));
  }

  void EraseUser(int64_t user_id) {
    std::lock_guard lock(mutex_);
    const auto user = keys_by_user_.find(user_id);
    if (user == keys_by_user_.end()) return;
    // Erasing the entries empties (and finally erases) this very set: iterate over a copy.
    const std::unordered_set<std::string_view> keys = user->second;
    for (const std::string_view key : keys) Erase(by_key_.at(key));
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    by_key_.clear();
    keys_by_user_.clear();
    lru_.clear();
  }

 private:
  struct Entry {
    std::string key;  // the indexes below hold views of it
    std::string payload;
    Clock::time_point expires_at;
    std::optional<int64_t> user_id;  // set for user answers
  };
  using EntryList = std::list<Entry>;

  void Erase(EntryList::iterator entry) {
    if (entry->user_id.has_value()) {
      const auto user = keys_by_user_.find(*entry->user_id);
      user->second.erase(entry->key);
      if (user->second.empty()) keys_by_user_.erase(user);
    }
    by_key_.erase(entry->key);
    lru_.erase(entry);
  }

  const std::size_t capacity_;
  std::mutex mutex_;
  EntryList lru_;  // most recently used first
  std::unordered_map<std::string_view, EntryList::iterator> by_key_;
  std::unordered_map<int64_t, std::unordered_set<std::string_view>> keys_by_user_;
};

absl::StatusOr<std::unique_ptr<InMemoryCache>> InMemoryCache::Create(Options options) {
  if (options.ttl.count() <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("in-memory cache: ttl must be positive, got {} s", options.ttl.count()));
  }
  if (options.max_entries == 0) {
    return absl::InvalidArgumentError("in-memory cache: max_entries must be at least 1");
  }
  return std::unique_ptr<InMemoryCache>(new InMemoryCache(options));
}

InMemoryCache::InMemoryCache(Options options) : ttl_(options.ttl) {
  const std::size_t shard_count = std::min(kMaxShards, options.max_entries);
  for (std::size_t i = 0; i < shard_count; ++i) {
    // The first max_entries % shard_count shards take one more, so capacities sum to max_entries.
    const std::size_t capacity =
        options.max_entries / shard_count + (i < options.max_entries % shard_count ? 1 : 0);
    shards_.push_back(std::make_unique<Shard>(capacity));
  }
}

InMemoryCache::~InMemoryCache() = default;

InMemoryCache::Shard& InMemoryCache::ShardFor(int64_t subject_id) {
  return *shards_[MixBits(static_cast<uint64_t>(subject_id)) % shards_.size()];
}

std::optional<std::string> InMemoryCache::Get(const CacheKey& key) {
  auto payload = ShardFor(key.subject_id).Get(FormatCacheKey(key), Clock::now());
  if (payload.has_value()) {
    counters_.CountHit();
  } else {
    counters_.CountMiss();
  }
  return payload;
}

void InMemoryCache::Put(const CacheKey& key, std::string_view payload) {
  const std::optional<int64_t> user_id =
      IsUserAnswer(key) ? std::optional<int64_t>(key.subject_id) : std::nullopt;
  ShardFor(key.subject_id).Put(FormatCacheKey(key), user_id, payload, Clock::now() + ttl_);
}

void InMemoryCache::InvalidateUser(int64_t user_id) { ShardFor(user_id).EraseUser(user_id); }

void InMemoryCache::InvalidateAll() {
  for (const auto& shard : shards_) shard->Clear();
}

}  // namespace vitrina::cache
