#include "data/mysql_catalog_writer.h"

#include "common/status_macros.h"
#include "data/mysql_session.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::data {
namespace {

// A MySQL string literal: the characters the server's own escaping (mysql_real_escape_string)
// escapes, for the default sql_mode (backslash escapes on).
std::string Quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    switch (c) {
      case '\0':
        quoted += "\\0";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\x1a':
        quoted += "\\Z";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\'':
        quoted += "\\'";
        break;
      case '"':
        quoted += "\\\"";
        break;
      default:
        quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

// Accumulates rows of one table and hands a statement to the sink every `capacity` rows.
class InsertBatch {
 public:
  InsertBatch(std::string head, int capacity, const SqlStatementSink& sink)
      : head_(std::move(head)), capacity_(capacity), sink_(sink) {}

  absl::Status Add(const std::string& row) {
    statement_ += rows_ == 0 ? head_ + " VALUES\n" : ",\n";
    statement_ += row;
    return ++rows_ == capacity_ ? Flush() : absl::OkStatus();
  }

  absl::Status Flush() {
    if (rows_ == 0) return absl::OkStatus();
    absl::Status status = sink_(statement_);
    statement_.clear();
    rows_ = 0;
    return status;
  }

 private:
  std::string head_;
  int capacity_;
  const SqlStatementSink& sink_;
  std::string statement_;
  int rows_ = 0;
};

}  // namespace

absl::Status WriteMysqlInserts(DataSource& source, int rows_per_statement,
                               const SqlStatementSink& sink) {
  if (rows_per_statement < 1) {
    return absl::InvalidArgumentError("rows_per_statement must be at least 1");
  }
  InsertBatch types("INSERT INTO interaction_types (name, weight)", rows_per_statement, sink);
  RETURN_IF_ERROR(source.ReadInteractionTypes([&](const InteractionTypeRecord& type) {
    return types.Add(fmt::format("({},{})", Quote(type.name), type.weight));
  }));
  RETURN_IF_ERROR(types.Flush());

  InsertBatch titles("INSERT INTO titles (id, name, available)", rows_per_statement, sink);
  InsertBatch genres("INSERT INTO title_genres (title_id, genre)", rows_per_statement, sink);
  InsertBatch creators("INSERT INTO title_creators (title_id, creator)", rows_per_statement, sink);
  RETURN_IF_ERROR(source.ReadTitles([&](const TitleRecord& title) {
    RETURN_IF_ERROR(titles.Add(
        fmt::format("({},{},{})", title.id, Quote(title.name), title.available ? 1 : 0)));
    for (const std::string& genre : title.genres) {
      RETURN_IF_ERROR(genres.Add(fmt::format("({},{})", title.id, Quote(genre))));
    }
    for (const std::string& creator : title.creators) {
      RETURN_IF_ERROR(creators.Add(fmt::format("({},{})", title.id, Quote(creator))));
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(titles.Flush());
  RETURN_IF_ERROR(genres.Flush());
  RETURN_IF_ERROR(creators.Flush());

  InsertBatch users("INSERT INTO users (id)", rows_per_statement, sink);
  InsertBatch features("INSERT INTO user_features (user_id, feature)", rows_per_statement, sink);
  RETURN_IF_ERROR(source.ReadUsers([&](const UserRecord& user) {
    RETURN_IF_ERROR(users.Add(fmt::format("({})", user.id)));
    for (const std::string& feature : user.features) {
      RETURN_IF_ERROR(features.Add(fmt::format("({},{})", user.id, Quote(feature))));
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(users.Flush());
  RETURN_IF_ERROR(features.Flush());

  InsertBatch interactions("INSERT INTO interactions (user_id, title_id, type, value, created_at)",
                           rows_per_statement, sink);
  RETURN_IF_ERROR(source.ReadInteractions(0, [&](const InteractionRecord& interaction) {
    return interactions.Add(fmt::format("({},{},{},{},{})", interaction.user_id,
                                        interaction.title_id, Quote(interaction.type),
                                        interaction.value, interaction.timestamp));
  }));
  return interactions.Flush();
}

absl::Status FillMysqlDatabase(DataSource& source, const MysqlSettings& settings) {
  ASSIGN_OR_RETURN(MysqlEndpoint endpoint, ParseMysqlUrl(settings.url));
  ASSIGN_OR_RETURN(MysqlSession session,
                   MysqlSession::Connect(endpoint, settings, /*read_only=*/false));
  RETURN_IF_ERROR(session.Execute("starting the fill",
                                  "SET SESSION foreign_key_checks = 0, unique_checks = 0"));
  RETURN_IF_ERROR(session.Execute("starting the fill", "START TRANSACTION"));
  int64_t statements = 0;
  RETURN_IF_ERROR(WriteMysqlInserts(source, 5000, [&](const std::string& statement) {
    ++statements;
    return session.Execute(fmt::format("filling {}", endpoint.Redacted()), statement);
  }));
  RETURN_IF_ERROR(session.Execute("committing the fill", "COMMIT"));
  spdlog::info("filled {} from {} ({} INSERT statements)", endpoint.Redacted(), source.Name(),
               statements);
  return absl::OkStatus();
}

}  // namespace vitrina::data
