#include "server/replica_follower.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/time/clock.h"
#include "fmt/format.h"
#include "server/metric_families.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff(100);
constexpr std::chrono::milliseconds kMaxBackoff(5000);
constexpr std::chrono::seconds kModelRetry(3);

std::optional<int64_t> OptionalUser(bool has_user, int64_t user_id) {
  return has_user ? std::optional<int64_t>(user_id) : std::nullopt;
}

}  // namespace

ReplicaFollower::ReplicaFollower(Parts parts, v1::Replication::StubInterface& primary)
    : p_(std::move(parts)), stub_(primary) {
  status_.last_message_at = absl::InfinitePast();
  status_.disconnected_since = absl::Now();
}

void ReplicaFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ReplicaFollower::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->TryCancel();
  }
  p_.models.Cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ReplicaFollower::Status ReplicaFollower::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::string ReplicaFollower::HealthDetail() const {
  const Status s = status();
  if (s.connected && s.last_error.empty()) return "";
  if (s.connected) return fmt::format("replica of {}: following (version {}), last error: {}", p_.primary, s.version, s.last_error);
  return fmt::format("replica of {}: the primary is unreachable since {} ({}); serving what this replica has",
                     p_.primary, absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", s.disconnected_since, absl::UTCTimeZone()),
                     s.last_error.empty() ? "connecting" : s.last_error);
}

std::vector<prometheus::MetricFamily> ReplicaFollower::Collect() const {
  const Status s = status();
  const double age = s.last_message_at == absl::InfinitePast()
                         ? -1.0
                         : absl::ToDoubleSeconds(absl::Now() - s.last_message_at);
  return {
      GaugeFamily("vitrina_replication_connected", "1 while this replica's Watch stream to its primary is open.",
                  {{{{"primary", p_.primary}}, s.connected ? 1.0 : 0.0}}),
      GaugeFamily("vitrina_replication_last_message_age_seconds",
                  "Time since the primary last sent anything (a heartbeat comes every second; -1: never).",
                  {{{}, age}}),
      GaugeFamily("vitrina_replication_version", "The last version of the primary's event log applied here.",
                  {{{}, static_cast<double>(s.version)}}),
      CounterFamily("vitrina_replication_snapshots_total", "Full resyncs taken (start, primary restarted, fell behind).",
                    {{{}, static_cast<double>(s.snapshots)}}),
      CounterFamily("vitrina_replication_apply_errors_total", "Events this replica failed to apply (retried).",
                    {{{}, static_cast<double>(s.apply_errors)}}),
  };
}

void ReplicaFollower::RecordError(const absl::Status& error) {
  std::lock_guard lock(mutex_);
  ++status_.apply_errors;
  status_.last_error = std::string(error.message());
}

void ReplicaFollower::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    const absl::Status ended = FollowOnce();
    bool was_following;
    {
      std::lock_guard lock(mutex_);
      was_following = status_.connected;
      if (status_.connected) status_.disconnected_since = absl::Now();
      status_.connected = false;
      if (stopping_) return;
      status_.last_error = fmt::format("{}: {}", absl::StatusCodeToString(ended.code()), std::string(ended.message()));
    }
    if (was_following) backoff = kFirstBackoff;
    reconnect_warnings_.Report(fmt::format("the Watch stream to the primary at {} ended ({}): reconnecting in {} ms",
                                           p_.primary, std::string(ended.message()), backoff.count()));
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

absl::Status ReplicaFollower::FollowOnce() {
  grpc::ClientContext context;
  AddAdminToken(context, p_.admin_token);
  v1::WatchRequest request;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return absl::CancelledError("stopping");
    stream_ = &context;
    request.set_log_id(status_.log_id);
    request.set_since_version(status_.version);
  }
  std::unique_ptr<grpc::ClientReaderInterface<v1::ReplicationEvent>> reader = stub_.Watch(&context, request);
  v1::ReplicationEvent event;
  while (reader->Read(&event)) {
    {
      std::lock_guard lock(mutex_);
      if (!status_.connected) {
        spdlog::info("replica: following the primary at {} from version {}", p_.primary, event.version());
        status_.last_error.clear();
      }
      status_.connected = true;
      status_.last_message_at = absl::Now();
    }
    Apply(event);
    ServeWantedModels();
    ServeWantedExperiments();
  }
  const grpc::Status finished = reader->Finish();
  std::lock_guard lock(mutex_);
  stream_ = nullptr;
  if (finished.ok()) return absl::UnavailableError("the primary ended the stream (shutting down?)");
  return FromPrimary(finished, p_.primary);
}

void ReplicaFollower::Apply(const v1::ReplicationEvent& event) {
  switch (event.change_case()) {
    case v1::ReplicationEvent::kSnapshot:
      ApplySnapshot(event.snapshot());
      break;
    case v1::ReplicationEvent::kModelsActivated:
      WantModels(event.models_activated());
      break;
    case v1::ReplicationEvent::kBlacklistChanged:
      ApplyBlacklist(event.blacklist_changed());
      break;
    case v1::ReplicationEvent::kCacheInvalidated:
      if (event.cache_invalidated().has_user_id()) {
        p_.cache.InvalidateUser(event.cache_invalidated().user_id());
      } else {
        p_.cache.InvalidateAll();
      }
      break;
    case v1::ReplicationEvent::kInteractionRecorded: {
      const v1::InteractionRecorded& interaction = event.interaction_recorded();
      p_.interactions.Recorded(interaction.user_id(), interaction.title_id(), interaction.at_unix(),
                               interaction.type(), interaction.value());
      break;
    }
    case v1::ReplicationEvent::kInteractionsDeleted:
      p_.interactions.Deleted(OptionalUser(event.interactions_deleted().has_user_id(),
                                           event.interactions_deleted().user_id()));
      break;
    case v1::ReplicationEvent::kExperimentsChanged:
      WantExperiments(event.experiments_changed().running());
      break;
    case v1::ReplicationEvent::kHeartbeat:
    case v1::ReplicationEvent::CHANGE_NOT_SET:
      break;
  }
  std::lock_guard lock(mutex_);
  if (event.change_case() == v1::ReplicationEvent::kSnapshot) ++status_.snapshots;
  status_.log_id = event.log_id();
  status_.version = event.version();
}

void ReplicaFollower::WantModels(const v1::ModelsActivated& models) {
  wanted_models_ = {models.personal_model_id(), models.next_title_model_id()};
  retry_models_at_ = {};  // a new activation is tried at once
}

void ReplicaFollower::ServeWantedModels() {
  if (wanted_models_.empty() || std::chrono::steady_clock::now() < retry_models_at_) return;
  std::vector<int64_t> failed;
  for (int64_t model_id : wanted_models_) {
    if (absl::Status served = p_.models.Serve(model_id); !served.ok()) {
      spdlog::error("replica: cannot serve model {} of the primary (tried again in {} s): {}", model_id,
                    kModelRetry.count(), std::string(served.message()));
      RecordError(served);
      failed.push_back(model_id);
    }
  }
  if (failed.empty() && !wanted_models_.empty()) {
    std::lock_guard lock(mutex_);
    status_.last_error.clear();  // the model that failed before serves now
  }
  wanted_models_ = std::move(failed);
  retry_models_at_ = std::chrono::steady_clock::now() + kModelRetry;
}

void ReplicaFollower::WantExperiments(const google::protobuf::RepeatedPtrField<v1::Experiment>& running) {
  wanted_experiments_.emplace(running.begin(), running.end());
  retry_experiments_at_ = {};
}

void ReplicaFollower::ServeWantedExperiments() {
  if (!wanted_experiments_ || std::chrono::steady_clock::now() < retry_experiments_at_) return;
  absl::Status served = absl::OkStatus();
  for (const v1::Experiment& experiment : *wanted_experiments_) {
    for (const v1::Arm& arm : experiment.arms()) {
      if (absl::Status held = p_.models.Hold(arm.model_id()); !held.ok() && served.ok()) {
        served = absl::Status(held.code(), fmt::format("model {} of experiment '{}' (arm '{}'): {}", arm.model_id(),
                                                       experiment.name(), arm.name(), std::string(held.message())));
      }
    }
  }
  // The experiments whose models are here serve now; the rest are retried.
  if (absl::Status mirrored = p_.experiments.Mirror(*wanted_experiments_); !mirrored.ok() && served.ok()) {
    served = mirrored;
  }
  if (served.ok()) {
    wanted_experiments_.reset();
    return;
  }
  spdlog::error("replica: the primary's experiments do not all serve here (tried again in {} s): {}",
                kModelRetry.count(), std::string(served.message()));
  RecordError(served);
  retry_experiments_at_ = std::chrono::steady_clock::now() + kModelRetry;
}

void ReplicaFollower::ApplyBlacklist(const v1::BlacklistChanged& change) {
  const std::optional<int64_t> user = OptionalUser(change.has_user_id(), change.user_id());
  const absl::Span<const int64_t> titles(change.title_ids().data(), change.title_ids().size());
  if (change.added()) {
    if (absl::StatusOr<int> added = p_.blacklist.Add(user, titles, change.reason()); !added.ok()) {
      RecordError(added.status());
    }
    return;
  }
  absl::StatusOr<int> removed = p_.blacklist.Remove(user, titles);
  if (!removed.ok()) {
    RecordError(removed.status());
  } else if (*removed > 0) {  // cached answers were computed without the titles
    if (user) {
      p_.cache.InvalidateUser(*user);
    } else {
      p_.cache.InvalidateAll();
    }
  }
}

void ReplicaFollower::ApplySnapshot(const v1::ReplicationSnapshot& snapshot) {
  // The blacklist becomes the primary's: entries it lacks are added (grouped by list and reason),
  // entries it no longer has removed.
  using Key = std::pair<std::optional<int64_t>, int64_t>;  // (user or global, title)
  std::set<Key> wanted;
  std::map<std::pair<std::optional<int64_t>, std::string>, std::vector<int64_t>> additions;
  const std::shared_ptr<const blacklist::BlacklistSnapshot> current = p_.blacklist.Snapshot();
  for (const v1::BlacklistEntry& entry : snapshot.blacklist()) {
    const std::optional<int64_t> user = OptionalUser(entry.has_user_id(), entry.user_id());
    wanted.insert({user, entry.title_id()});
    if (!current->Contains(user, entry.title_id())) additions[{user, entry.reason()}].push_back(entry.title_id());
  }
  std::map<std::optional<int64_t>, std::vector<int64_t>> removals;
  for (const blacklist::BlacklistEntry& entry : current->entries()) {
    if (!wanted.contains({entry.user_id, entry.title_id})) removals[entry.user_id].push_back(entry.title_id);
  }
  for (const auto& [list, titles] : additions) {
    v1::BlacklistChanged change;
    change.set_added(true);
    if (list.first) change.set_user_id(*list.first);
    change.set_reason(list.second);
    change.mutable_title_ids()->Add(titles.begin(), titles.end());
    ApplyBlacklist(change);
  }
  for (const auto& [user, titles] : removals) {
    v1::BlacklistChanged change;
    if (user) change.set_user_id(*user);
    change.mutable_title_ids()->Add(titles.begin(), titles.end());
    ApplyBlacklist(change);
  }
  // What the replica missed may have changed any answer.
  p_.cache.InvalidateAll();
  WantModels(snapshot.models());
  WantExperiments(snapshot.running_experiments());
  spdlog::info("replica: snapshot from the primary: models {} / {}, {} blacklist entries ({} added, {} lists trimmed), "
               "{} running experiments",
               snapshot.models().personal_model_id(), snapshot.models().next_title_model_id(),
               snapshot.blacklist_size(), additions.size(), removals.size(), snapshot.running_experiments_size());
}

}  // namespace vitrina::server
