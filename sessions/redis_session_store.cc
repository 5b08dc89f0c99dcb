#include "sessions/redis_session_store.h"

#include <deque>
#include <vector>

#include "common/parse_number.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace vitrina::sessions {
namespace {

using cache::RedisCommand;
using cache::RedisReply;
using cache::ReplyText;

std::string Seconds(absl::Duration ttl) { return std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(ttl))); }

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(fmt::format("session memory in Redis: malformed {}", what));
}

absl::StatusOr<int64_t> Integer(std::string_view text, std::string_view what) {
  std::optional<int64_t> value = common::ParseNumber<int64_t>(text);
  if (!value) return Malformed(what);
  return *value;
}

// "title consumed"
absl::StatusOr<Feedback> ParseFeedback(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) return Malformed("feedback");
  Feedback feedback;
  ASSIGN_OR_RETURN(feedback.title_id, Integer(text.substr(0, space), "feedback"));
  std::optional<double> consumed = common::ParseNumber<double>(text.substr(space + 1));
  if (!consumed) return Malformed("feedback");
  feedback.consumed = *consumed;
  return feedback;
}

absl::StatusOr<std::deque<int64_t>> ParseIds(std::string_view text) {
  std::deque<int64_t> ids;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    ASSIGN_OR_RETURN(int64_t id, Integer(text.substr(0, comma), "tired titles"));
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

}  // namespace

std::string RedisSessionStore::SessionKeyName(const SessionKey& key) const {
  return fmt::format("{}:sess:u{}:{}", prefix_, key.user_id, key.implicit() ? "~" : key.session_id);
}

std::string RedisSessionStore::OffsetKeyName(int64_t user_id) const { return fmt::format("{}:off:u{}", prefix_, user_id); }

absl::StatusOr<SessionState> RedisSessionStore::Load(const SessionKey& key) {
  const std::string session = SessionKeyName(key);
  const std::string shown = session + ":shown", feedback = session + ":fb", tired = session + ":tired",
                    counts = session + ":cc", offset = OffsetKeyName(key.user_id);
  const RedisCommand commands[] = {{"HGETALL", session},       {"LRANGE", shown, "0", "-1"},
                                   {"LRANGE", feedback, "0", "-1"}, {"LRANGE", tired, "0", "-1"},
                                   {"HGETALL", counts},        {"GET", offset}};
  ASSIGN_OR_RETURN(cache::RedisConnectionPool::Lease connection, pool_.Acquire());
  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, connection->Pipeline(commands));
  for (const RedisReply& reply : replies) {
    if (reply->type != REDIS_REPLY_ARRAY && reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_NIL) {
      return Malformed("reply");
    }
  }
  SessionDelta saved;
  const redisReply& hash = *replies[0];
  for (size_t i = 0; i + 1 < hash.elements; i += 2) {
    const std::string_view field = ReplyText(*hash.element[i]);
    const std::string_view value = ReplyText(*hash.element[i + 1]);
    if (field == "steps") {
      ASSIGN_OR_RETURN(int64_t steps, Integer(value, "steps"));
      saved.steps = static_cast<int>(steps);
    } else if (field == "started") {
      ASSIGN_OR_RETURN(saved.started_unix_micros, Integer(value, "started"));
    } else if (field == "tired_titles") {
      ASSIGN_OR_RETURN(saved.tired_titles, ParseIds(value));
    }
  }
  for (size_t i = 0; i < replies[1]->elements; ++i) {
    ASSIGN_OR_RETURN(int64_t id, Integer(ReplyText(*replies[1]->element[i]), "shown titles"));
    saved.shown.push_back(id);
  }
  for (size_t i = 0; i < replies[2]->elements; ++i) {
    ASSIGN_OR_RETURN(Feedback entry, ParseFeedback(ReplyText(*replies[2]->element[i])));
    saved.feedback.push_back(entry);
  }
  if (replies[3]->elements > 0) {
    saved.tired_creators.emplace();
    for (size_t i = 0; i < replies[3]->elements; ++i) saved.tired_creators->emplace_back(ReplyText(*replies[3]->element[i]));
  }
  const redisReply& creator_counts = *replies[4];
  for (size_t i = 0; i + 1 < creator_counts.elements; i += 2) {
    ASSIGN_OR_RETURN(int64_t count, Integer(ReplyText(*creator_counts.element[i + 1]), "creator counts"));
    saved.creator_counts[std::string(ReplyText(*creator_counts.element[i]))] = static_cast<int>(count);
  }
  if (replies[5]->type == REDIS_REPLY_STRING) {
    ASSIGN_OR_RETURN(int64_t value, Integer(ReplyText(*replies[5]), "list offset"));
    saved.list_offset = static_cast<int>(value);
  }
  SessionState state;
  state.Apply(saved);
  state.ClearDelta();
  return state;
}

absl::Status RedisSessionStore::Save(const SessionKey& key, const SessionDelta& delta) {
  const std::string session = SessionKeyName(key);
  const std::string shown = session + ":shown", feedback = session + ":fb", tired = session + ":tired",
                    counts = session + ":cc", offset = OffsetKeyName(key.user_id);
  const std::string session_ttl = Seconds(ttls_.SessionTtl(key));
  const std::string counts_ttl = Seconds(ttls_.creator_counts);
  const std::string offset_ttl = Seconds(ttls_.list_offset);
  // Every argument the commands point into lives here until the round trip is over.
  // (a deque: growing it moves no string, so the views stay valid)
  std::deque<std::string> texts;
  std::vector<RedisCommand> commands;

  if (!delta.shown.empty()) {
    RedisCommand push{"RPUSH", shown};
    for (int64_t id : delta.shown) push.push_back(texts.emplace_back(std::to_string(id)));
    commands.push_back(std::move(push));
  }
  if (!delta.feedback.empty()) {
    RedisCommand push{"RPUSH", feedback};
    for (const Feedback& entry : delta.feedback) {
      push.push_back(texts.emplace_back(fmt::format("{} {}", entry.title_id, entry.consumed)));
    }
    commands.push_back(std::move(push));
  }
  if (delta.tired_creators) {
    commands.push_back({"UNLINK", tired});
    if (!delta.tired_creators->empty()) {
      RedisCommand push{"RPUSH", tired};
      for (const std::string& creator : *delta.tired_creators) push.push_back(creator);
      commands.push_back(std::move(push));
    }
  }
  if (delta.tired_titles) {
    commands.push_back({"HSET", session, "tired_titles", texts.emplace_back(fmt::format("{}", fmt::join(*delta.tired_titles, ",")))});
  }
  if (delta.started_unix_micros) {  // HSETNX: of two first calls racing, the first start stays
    commands.push_back({"HSETNX", session, "started", texts.emplace_back(std::to_string(*delta.started_unix_micros))});
  }
  commands.push_back({"HINCRBY", session, "steps", texts.emplace_back(std::to_string(delta.steps))});
  for (const std::string_view name : {std::string_view(session), std::string_view(shown), std::string_view(feedback),
                                      std::string_view(tired)}) {
    commands.push_back({"EXPIRE", name, session_ttl});
  }
  if (!delta.creator_counts.empty()) {
    for (const auto& [creator, count] : delta.creator_counts) {
      commands.push_back({"HINCRBY", counts, creator, texts.emplace_back(std::to_string(count))});
    }
    commands.push_back({"EXPIRE", counts, counts_ttl});
  }
  if (delta.list_offset) {
    commands.push_back({"SET", offset, texts.emplace_back(std::to_string(*delta.list_offset)), "EX", offset_ttl});
  }
  ASSIGN_OR_RETURN(cache::RedisConnectionPool::Lease connection, pool_.Acquire());
  return connection->Pipeline(commands).status();
}

absl::Status RedisSessionStore::End(const SessionKey& key) {
  const std::string session = SessionKeyName(key);
  const std::string shown = session + ":shown", feedback = session + ":fb", tired = session + ":tired",
                    counts = session + ":cc";
  const RedisCommand command{"UNLINK", session, shown, feedback, tired, counts};
  ASSIGN_OR_RETURN(cache::RedisConnectionPool::Lease connection, pool_.Acquire());
  return connection->Run(command).status();
}

}  // namespace vitrina::sessions
