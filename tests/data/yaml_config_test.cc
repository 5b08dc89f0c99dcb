#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/data_source_config.h"
#include "data/preparation_config.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::data {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const absl::Status& status) { return std::string(status.message()); }

TEST(PreparationConfigYamlTest, ParsesEveryKey) {
  absl::StatusOr<PreparationConfig> config = PreparationConfig::FromYaml(YAML::Load(R"(
interaction_types:
  rating: {weight: 0.25, min_value: 3.5, scale_by_value: true}
  purchase:
max_pair_weight: 4
max_age_days: 180
min_user_interactions: 3
min_title_interactions: 2
popularity_window_days: 14
)"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->interaction_rules.size(), 2u);
  const InteractionRule& rating = config->interaction_rules.at("rating");
  EXPECT_EQ(rating.weight, 0.25);
  EXPECT_EQ(rating.min_value, 3.5);
  EXPECT_TRUE(rating.scale_by_value);
  const InteractionRule& purchase = config->interaction_rules.at("purchase");
  EXPECT_FALSE(purchase.weight.has_value());
  EXPECT_FALSE(purchase.min_value.has_value());
  EXPECT_EQ(config->max_pair_weight, 4);
  EXPECT_EQ(config->max_age_days, 180);
  EXPECT_EQ(config->min_user_interactions, 3);
  EXPECT_EQ(config->min_title_interactions, 2);
  EXPECT_EQ(config->popularity_window_days, 14);
}

TEST(PreparationConfigYamlTest, AnEmptySectionMeansTheDefaults) {
  absl::StatusOr<PreparationConfig> config = PreparationConfig::FromYaml(YAML::Node());
  ASSERT_TRUE(config.ok()) << config.status();
  PreparationConfig defaults = PreparationConfig::Defaults();
  EXPECT_EQ(config->interaction_rules.size(), defaults.interaction_rules.size());
  EXPECT_EQ(config->interaction_rules.at("rating").min_value, 4);
  EXPECT_EQ(config->max_pair_weight, defaults.max_pair_weight);
}

struct BadYaml {
  const char* yaml;
  const char* expected_in_message;
};

class PreparationConfigErrorTest : public ::testing::TestWithParam<BadYaml> {};

TEST_P(PreparationConfigErrorTest, NamesTheKey) {
  absl::StatusOr<PreparationConfig> config =
      PreparationConfig::FromYaml(YAML::Load(GetParam().yaml));
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().yaml;
  EXPECT_THAT(ErrorOf(config.status()), HasSubstr(GetParam().expected_in_message));
}

INSTANTIATE_TEST_SUITE_P(
    Keys, PreparationConfigErrorTest,
    ::testing::Values(
        BadYaml{"[1, 2]", "preparation: expected a map"},
        BadYaml{"max_age_dayz: 3", "preparation.max_age_dayz: unknown key"},
        BadYaml{"max_age_days: soon", "preparation.max_age_days: expected an integer, got 'soon'"},
        BadYaml{"max_age_days: -1", "preparation.max_age_days: -1 is outside"},
        BadYaml{"min_user_interactions: 0", "preparation.min_user_interactions: 0 is outside"},
        BadYaml{"max_pair_weight: -2", "preparation.max_pair_weight: must be"},
        BadYaml{"max_pair_weight: [1]", "preparation.max_pair_weight: expected a single value"},
        BadYaml{"interaction_types: {view: {weight: 0}}",
                "preparation.interaction_types.view.weight: must be a positive number"},
        BadYaml{"interaction_types: {view: {weight: heavy}}",
                "preparation.interaction_types.view.weight: expected a number"},
        BadYaml{"interaction_types: {view: {min: 1}}",
                "preparation.interaction_types.view.min: unknown key"},
        BadYaml{"interaction_types: {view: {scale_by_value: maybe}}",
                "preparation.interaction_types.view.scale_by_value: expected true or false"},
        BadYaml{"interaction_types: {view: 3}",
                "preparation.interaction_types.view: expected a map"}));

TEST(DataSourceConfigYamlTest, DefaultsToTheEmbeddedCatalog) {
  absl::StatusOr<DataSourceConfig> config = DataSourceConfig::FromYaml(YAML::Node());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kind, DataSourceConfig::Kind::kEmbedded);
  EXPECT_EQ(config->embedded_path, "data/catalog.db");
}

TEST(DataSourceConfigYamlTest, ParsesMysqlSettingsAndQueries) {
  absl::StatusOr<DataSourceConfig> config = DataSourceConfig::FromYaml(YAML::Load(R"(
kind: mysql
mysql:
  url: mysql://vitrina_ro:pw@127.0.0.1:3306/shop
  connect_timeout_seconds: 2
  read_timeout_seconds: 20
  max_statement_time_seconds: 300
  retries: 5
  retry_backoff_ms: 50
  queries:
    interactions: SELECT uid, item, kind, score, UNIX_TIMESTAMP(at) FROM events WHERE at > FROM_UNIXTIME(:since)
)"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kind, DataSourceConfig::Kind::kMysql);
  const MysqlSettings& mysql = config->mysql;
  EXPECT_EQ(mysql.url, "mysql://vitrina_ro:pw@127.0.0.1:3306/shop");
  EXPECT_EQ(mysql.connect_timeout_seconds, 2);
  EXPECT_EQ(mysql.read_timeout_seconds, 20);
  EXPECT_EQ(mysql.max_statement_time_seconds, 300);
  EXPECT_EQ(mysql.retries, 5);
  EXPECT_EQ(mysql.retry_backoff_ms, 50);
  EXPECT_THAT(mysql.queries.interactions, HasSubstr("FROM events"));
  EXPECT_EQ(mysql.queries.titles, MysqlQueries().titles);
}

class DataSourceConfigErrorTest : public ::testing::TestWithParam<BadYaml> {};

TEST_P(DataSourceConfigErrorTest, NamesTheKey) {
  absl::StatusOr<DataSourceConfig> config = DataSourceConfig::FromYaml(YAML::Load(GetParam().yaml));
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().yaml;
  EXPECT_THAT(ErrorOf(config.status()), HasSubstr(GetParam().expected_in_message));
}

INSTANTIATE_TEST_SUITE_P(
    Keys, DataSourceConfigErrorTest,
    ::testing::Values(
        BadYaml{"kind: postgres", "data_source.kind: must be 'embedded' or 'mysql'"},
        BadYaml{"embedded: {path: ''}", "data_source.embedded.path: must not be empty"},
        BadYaml{"embedded: {file: x.db}", "data_source.embedded.file: unknown key"},
        BadYaml{"mysql: {url: 'http://x/y'}", "data_source.mysql.url: MySQL URL must look like"},
        BadYaml{"mysql: {read_timeout_seconds: 0}",
                "data_source.mysql.read_timeout_seconds: 0 is outside"},
        BadYaml{"mysql: {retries: many}", "data_source.mysql.retries: expected an integer"},
        BadYaml{"mysql: {queries: {titels: 'SELECT 1'}}",
                "data_source.mysql.queries.titels: unknown key"},
        BadYaml{"mysql: {queries: {interactions: 'SELECT a, b, c, d, e FROM events'}}",
                "data_source.mysql.queries.interactions: must filter on :since"}));

// The example of data/README.md is what the lead copies into the server's config: it must parse.
TEST(YamlDocumentationTest, TheReadmeExampleParses) {
  std::ifstream in(std::string(VITRINA_SOURCE_DIR) + "/data/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  const std::string text = readme.str();
  const size_t begin = text.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = text.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  YAML::Node example = YAML::Load(text.substr(begin + 8, end - begin - 8));
  absl::StatusOr<DataSourceConfig> source = DataSourceConfig::FromYaml(example["data_source"]);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(source->kind, DataSourceConfig::Kind::kEmbedded);
  EXPECT_THAT(source->mysql.queries.interactions, HasSubstr(":since"));
  absl::StatusOr<PreparationConfig> preparation =
      PreparationConfig::FromYaml(example["preparation"]);
  ASSERT_TRUE(preparation.ok()) << preparation.status();
  EXPECT_EQ(preparation->interaction_rules.size(), 5u);  // rating, view, bookmark, play, purchase
}

}  // namespace
}  // namespace vitrina::data
