#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <tuple>

#include "data/demo_data_source.h"
#include "data/mysql_catalog_writer.h"
#include "data/mysql_data_source.h"
#include "data/open_data_source.h"
#include "data/prepare_dataset.h"
#include "fmt/format.h"
#include "tests/data/read_all.h"
#include "tests/testing/mariadb_server.h"

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kSchemaFile[] = VITRINA_SOURCE_DIR "/data/mysql/schema.sql";
constexpr char kDemoFillFile[] = VITRINA_SOURCE_DIR "/data/mysql/demo-fill.sql";

// The spec data/mysql/demo-fill.sql was generated with (see its first lines).
DemoCatalogSpec DemoFillSpec() {
  DemoCatalogSpec spec;
  spec.users = 500;
  spec.titles = 300;
  spec.interactions = 20000;
  return spec;
}

// SQL lists and unordered SELECTs carry no order: compare catalogs in a canonical one.
void Canonicalize(InMemoryCatalog& catalog) {
  std::sort(catalog.interaction_types.begin(), catalog.interaction_types.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (TitleRecord& title : catalog.titles) {
    std::sort(title.genres.begin(), title.genres.end());
    std::sort(title.creators.begin(), title.creators.end());
  }
  std::sort(catalog.titles.begin(), catalog.titles.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (UserRecord& user : catalog.users) std::sort(user.features.begin(), user.features.end());
  std::sort(catalog.users.begin(), catalog.users.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  auto key = [](const InteractionRecord& r) {
    return std::tie(r.timestamp, r.user_id, r.title_id, r.type, r.value);
  };
  std::sort(catalog.interactions.begin(), catalog.interactions.end(),
            [&](const auto& a, const auto& b) { return key(a) < key(b); });
}

class MysqlSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::MariadbServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto loaded = server_->RunSqlFile(kSchemaFile);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }

  // The SELECT-only account of schema.sql, with short timeouts so that outages fail fast.
  MysqlSettings ReaderSettings() const {
    MysqlSettings settings;
    settings.url = server_->Url("vitrina_ro", "vitrina_ro", "vitrina");
    settings.connect_timeout_seconds = 1;
    settings.read_timeout_seconds = 2;
    settings.retries = 1;
    settings.retry_backoff_ms = 50;
    return settings;
  }

  std::unique_ptr<DataSource> OpenReader(const MysqlSettings& settings) const {
    DataSourceConfig config;
    config.kind = DataSourceConfig::Kind::kMysql;
    config.mysql = settings;
    auto source = OpenDataSource(config);
    EXPECT_TRUE(source.ok()) << source.status();
    return source.ok() ? *std::move(source) : nullptr;
  }

  void Sql(const std::string& sql) const {
    auto result = server_->RunSql(sql);
    ASSERT_TRUE(result.ok()) << result.status();
  }

  int64_t CountRows(const std::string& query) const {
    auto result = server_->RunSql(query);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? std::stoll(*result) : -1;
  }

  std::unique_ptr<testing::MariadbServer> server_;
};

TEST_F(MysqlSourceTest, ReadOnlyUserReadsTheDemoFillExactlyAsGenerated) {
  auto filled = server_->RunSqlFile(kDemoFillFile);
  ASSERT_TRUE(filled.ok()) << filled.status();
  std::unique_ptr<DataSource> mysql = OpenReader(ReaderSettings());
  ASSERT_NE(mysql, nullptr);
  EXPECT_THAT(mysql->Name(), HasSubstr("vitrina_ro@127.0.0.1"));

  absl::StatusOr<InMemoryCatalog> read = ReadAll(*mysql);
  ASSERT_TRUE(read.ok()) << read.status();
  auto demo = DemoDataSource::Create(DemoFillSpec());
  ASSERT_TRUE(demo.ok());
  absl::StatusOr<InMemoryCatalog> generated = ReadAll(**demo);
  ASSERT_TRUE(generated.ok());
  Canonicalize(*read);
  Canonicalize(*generated);
  EXPECT_EQ(read->interaction_types, generated->interaction_types);
  EXPECT_EQ(read->titles, generated->titles);
  EXPECT_EQ(read->users, generated->users);
  ASSERT_EQ(read->interactions.size(), 20000u);
  EXPECT_EQ(read->interactions, generated->interactions);

  // The same preparation through MySQL and straight from the generator.
  auto from_mysql = PrepareDataset(*mysql, {}, PreparationConfig::Defaults(), nullptr);
  auto from_demo = PrepareDataset(**demo, {}, PreparationConfig::Defaults(), nullptr);
  ASSERT_TRUE(from_mysql.ok() && from_demo.ok());
  EXPECT_EQ(from_mysql->positives.user_ids, from_demo->positives.user_ids);
  EXPECT_EQ(from_mysql->positives.title_ids, from_demo->positives.title_ids);
  EXPECT_EQ(from_mysql->positives.weights, from_demo->positives.weights);
  EXPECT_EQ(from_mysql->stats.dropped, from_demo->stats.dropped);
}

TEST_F(MysqlSourceTest, ReadOnlyUserCannotWrite) {
  MysqlSettings settings = ReaderSettings();
  auto demo = DemoDataSource::Create(
      {.seed = 1, .users = 5, .titles = 5, .interactions = 5, .clusters = 1});
  ASSERT_TRUE(demo.ok());
  absl::Status write = FillMysqlDatabase(**demo, settings);
  EXPECT_EQ(write.code(), absl::StatusCode::kPermissionDenied) << write;
  EXPECT_THAT(std::string(write.message()), HasSubstr("1142"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vitrina.titles"), 0);
}

TEST_F(MysqlSourceTest, IncrementalReadReturnsOnlyInteractionsAfterSince) {
  auto filled = server_->RunSqlFile(kDemoFillFile);
  ASSERT_TRUE(filled.ok()) << filled.status();
  std::unique_ptr<DataSource> mysql = OpenReader(ReaderSettings());
  ASSERT_NE(mysql, nullptr);
  const int64_t since = DemoFillSpec().end_timestamp - 20 * 86400;
  int64_t read = 0;
  int64_t older = 0;
  ASSERT_TRUE(mysql
                  ->ReadInteractions(since,
                                     [&](const InteractionRecord& r) {
                                       ++read;
                                       older += r.timestamp <= since;
                                       return absl::OkStatus();
                                     })
                  .ok());
  EXPECT_EQ(older, 0);
  EXPECT_EQ(read, CountRows(fmt::format(
                      "SELECT COUNT(*) FROM vitrina.interactions WHERE created_at > {}", since)));
  EXPECT_GT(read, 500);
  EXPECT_LT(read, 20000);
}

TEST_F(MysqlSourceTest, CatalogTypeWeightsAndFiltersApply) {
  ASSERT_NO_FATAL_FAILURE(Sql(R"sql(
USE vitrina;
INSERT INTO interaction_types VALUES ('rating', 0.2), ('purchase', 3), ('click', 0.1);
INSERT INTO titles VALUES (10, 'Stalker', 1), (11, 'Solaris', 1), (12, 'Mirror', 0);
INSERT INTO title_genres VALUES (10, 'sci-fi'), (10, 'drama'), (11, 'sci-fi');
INSERT INTO title_creators VALUES (10, 'Tarkovsky'), (11, 'Tarkovsky');
INSERT INTO users VALUES (1), (2);
INSERT INTO user_features VALUES (1, 'country:ru');
INSERT INTO interactions (user_id, title_id, type, value, created_at) VALUES
  (1, 10, 'rating', 5, 1000), (1, 11, 'purchase', 1, 1001), (1, 12, 'purchase', 1, 1002),
  (2, 10, 'rating', 2, 1003), (2, 11, 'purchase', 1, 1004);
)sql"));
  std::unique_ptr<DataSource> mysql = OpenReader(ReaderSettings());
  ASSERT_NE(mysql, nullptr);
  PreparationConfig config;
  config.interaction_rules["rating"] = {
      .weight = std::nullopt, .min_value = 4, .scale_by_value = true};
  // The schema's foreign key keeps unknown types out of the catalog; the server's hot
  // interactions may still bring one.
  const std::vector<InteractionRecord> hot = {
      {.user_id = 2, .title_id = 11, .type = "share", .value = 1, .timestamp = 1005}};
  auto dataset = PrepareDataset(*mysql, hot, config, nullptr);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  // rating 5 * catalog weight 0.2 = 1; purchase = catalog weight 3.
  EXPECT_THAT(dataset->positives.user_ids, ElementsAre(1, 1, 2));
  EXPECT_THAT(dataset->positives.title_ids, ElementsAre(10, 11, 11));
  EXPECT_THAT(dataset->positives.weights, ElementsAre(FloatEq(1), FloatEq(3), FloatEq(3)));
  EXPECT_THAT(dataset->stats.dropped,
              UnorderedElementsAre(Pair("unavailable_title", 1), Pair("not_positive", 1),
                                   Pair("unknown_type", 1)));
  EXPECT_THAT(dataset->stats.unknown_types, ElementsAre(Pair("share", 1)));
  EXPECT_EQ(dataset->stats.watermark, 1005);
  EXPECT_THAT(dataset->title_features.features,
              UnorderedElementsAre("genre:sci-fi", "genre:drama", "creator:Tarkovsky",
                                   "genre:sci-fi", "creator:Tarkovsky"));
  EXPECT_THAT(dataset->user_features.features, ElementsAre("country:ru"));
}

TEST_F(MysqlSourceTest, AForeignSchemaIsMappedThroughQueries) {
  ASSERT_NO_FATAL_FAILURE(Sql(R"sql(
CREATE DATABASE shop;
USE shop;
CREATE TABLE products (sku BIGINT PRIMARY KEY, label VARCHAR(64), discontinued TINYINT);
CREATE TABLE events (customer BIGINT, sku BIGINT, action VARCHAR(16), amount DOUBLE, at DATETIME);
INSERT INTO products VALUES (7, 'Lamp', 0), (8, 'Chair', 1);
INSERT INTO events VALUES (42, 7, 'buy', 2, '2024-01-01 00:00:00'),
                          (42, 8, 'buy', 1, '2024-02-01 00:00:00');
GRANT SELECT ON shop.* TO 'vitrina_ro'@'%';
)sql"));
  MysqlSettings settings = ReaderSettings();
  settings.url = server_->Url("vitrina_ro", "vitrina_ro", "shop");
  settings.queries.interaction_types = "SELECT 'buy', 1.5";
  settings.queries.titles = "SELECT sku, label, NOT discontinued, NULL, NULL FROM products";
  settings.queries.users = "SELECT DISTINCT customer, NULL FROM events";
  settings.queries.interactions =
      "SELECT customer, sku, action, amount, UNIX_TIMESTAMP(at) FROM events "
      "WHERE at > FROM_UNIXTIME(GREATEST(:since, 0))";
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  absl::StatusOr<InMemoryCatalog> catalog = ReadAll(*mysql);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ(catalog->titles.size(), 2u);
  EXPECT_TRUE(catalog->titles[0].available);
  EXPECT_FALSE(catalog->titles[1].available);
  ASSERT_EQ(catalog->interactions.size(), 2u);
  EXPECT_EQ(catalog->interactions[0].user_id, 42);
  EXPECT_EQ(catalog->interactions[0].type, "buy");
  EXPECT_GT(catalog->interactions[0].timestamp, 1'700'000'000);

  absl::StatusOr<InMemoryCatalog> recent = ReadAll(*mysql, catalog->interactions[0].timestamp);
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_EQ(recent->interactions.size(), 1u);
}

TEST_F(MysqlSourceTest, AWrongMappingIsAClearError) {
  MysqlSettings settings = ReaderSettings();
  settings.queries.titles = "SELECT id, name FROM titles";
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  absl::Status wrong_columns =
      mysql->ReadTitles([](const TitleRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(wrong_columns.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong_columns.message()), HasSubstr("returns 2 columns, expected 5"));

  settings.queries.users = "SELECT identifier, NULL FROM users";
  mysql = OpenReader(settings);
  absl::Status unknown_column =
      mysql->ReadUsers([](const UserRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(unknown_column.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(unknown_column.message()), HasSubstr("identifier"));
}

TEST_F(MysqlSourceTest, MaxStatementTimeStopsASlowQuery) {
  MysqlSettings settings = ReaderSettings();
  settings.read_timeout_seconds = 30;
  settings.max_statement_time_seconds = 1;
  // 10^10 rows (MariaDB's SEQUENCE engine): far longer than the limit. The server aborts the
  // stream after it started, which the connector alone would report as a normal end.
  settings.queries.interaction_types =
      "SELECT 'slow', a.seq FROM seq_1_to_100000 a, seq_1_to_100000 b";
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  const auto start = std::chrono::steady_clock::now();
  int64_t rows = 0;
  absl::Status status = mysql->ReadInteractionTypes([&](const InteractionTypeRecord&) {
    ++rows;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(fmt::format("the stream was cut after {} rows", rows)));
  EXPECT_GT(rows, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(MysqlSourceTest, ServerStalledMidStreamIsUnavailableNotATruncatedRead) {
  MysqlSettings settings = ReaderSettings();
  settings.max_statement_time_seconds = 0;
  // 10^8 rows: still streaming when the server stops answering.
  settings.queries.interactions =
      "SELECT 1, 1, 'view', 1, a.seq FROM seq_1_to_100000 a, seq_1_to_1000 b "
      "WHERE a.seq > :since";
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  const auto start = std::chrono::steady_clock::now();
  int64_t rows = 0;
  absl::Status status = mysql->ReadInteractions(0, [&](const InteractionRecord&) {
    if (++rows == 1000) return server_->Pause();
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(MysqlSourceTest, FillsTheDefaultSchemaThroughTheConnector) {
  MysqlSettings writer = ReaderSettings();
  writer.url = server_->RootUrl("vitrina");
  auto demo = DemoDataSource::Create(
      {.seed = 4, .users = 50, .titles = 30, .interactions = 12345, .clusters = 3});
  ASSERT_TRUE(demo.ok());
  absl::Status filled = FillMysqlDatabase(**demo, writer);
  ASSERT_TRUE(filled.ok()) << filled;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vitrina.interactions"), 12345);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vitrina.titles"), 30);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vitrina.users"), 50);
}

TEST_F(MysqlSourceTest, StoppedServerIsUnavailableAfterTheRetries) {
  MysqlSettings settings = ReaderSettings();
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  ASSERT_TRUE(server_->Stop().ok());
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = mysql->ReadTitles([](const TitleRecord&) { return absl::OkStatus(); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("gave up after 1 retries"));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(MysqlSourceTest, StalledServerIsUnavailableWithinTheTimeouts) {
  MysqlSettings settings = ReaderSettings();
  std::unique_ptr<DataSource> mysql = OpenReader(settings);
  ASSERT_NE(mysql, nullptr);
  ASSERT_TRUE(server_->Pause().ok());
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = mysql->ReadTitles([](const TitleRecord&) { return absl::OkStatus(); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  // Two attempts bounded by the 1 s connect / 2 s read timeouts, plus the 50 ms backoff.
  EXPECT_LT(elapsed, std::chrono::seconds(8));
  ASSERT_TRUE(server_->Resume().ok());
  // Back to normal once the server answers again.
  EXPECT_TRUE(mysql->ReadTitles([](const TitleRecord&) { return absl::OkStatus(); }).ok());
}

}  // namespace
}  // namespace vitrina::data
