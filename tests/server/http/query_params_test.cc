#include "server/http/query_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vitrina::server::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Params = std::multimap<std::string, std::string>;

TEST(QueryParamsTest, AbsentParametersAreNullopt) {
  Params params;
  QueryParams query(params);
  EXPECT_EQ(query.Int64("k").value(), std::nullopt);
  EXPECT_EQ(query.Bool("b").value(), std::nullopt);
  EXPECT_TRUE(query.Int64List("ids").value().empty());
  EXPECT_THAT(std::string(query.RequiredInt64("user_id").status().message()),
              HasSubstr("missing query parameter 'user_id'"));
}

TEST(QueryParamsTest, NumbersMustBeWholeAndInRange) {
  Params params = {{"a", "12"},  {"b", "-3"},  {"c", "12x"}, {"d", " 1"}, {"e", "2147483648"}, {"f", "0.25"},
                   {"g", "1e3"}, {"h", "inf"}, {"i", "nan"}, {"j", ""},   {"k", "1e39"},       {"l", "+1"}};
  QueryParams query(params);
  EXPECT_EQ(query.Int64("a").value(), 12);
  EXPECT_EQ(query.Int32("b").value(), -3);
  EXPECT_FALSE(query.Int64("c").ok());
  EXPECT_FALSE(query.Int64("d").ok());
  EXPECT_FALSE(query.Int32("e").ok());
  EXPECT_EQ(query.Int64("e").value(), 2147483648);
  EXPECT_EQ(query.Float("f").value(), 0.25f);
  EXPECT_EQ(query.Double("g").value(), 1000.0);
  EXPECT_FALSE(query.Double("h").ok());
  EXPECT_FALSE(query.Double("i").ok());
  EXPECT_FALSE(query.Int64("j").ok());
  EXPECT_FALSE(query.Float("k").ok());  // beyond float
  EXPECT_FALSE(query.Int64("l").ok());
  EXPECT_THAT(std::string(query.Int32("e").status().message()),
              HasSubstr("query parameter 'e' must be a 32-bit integer, got '2147483648'"));
}

TEST(QueryParamsTest, BooleansAcceptPythonSpelling) {
  Params params = {{"a", "true"}, {"b", "False"}, {"c", "1"}, {"d", "0"}, {"e", "yes"}};
  QueryParams query(params);
  EXPECT_EQ(query.Bool("a").value(), true);
  EXPECT_EQ(query.Bool("b").value(), false);
  EXPECT_EQ(query.Bool("c").value(), true);
  EXPECT_EQ(query.Bool("d").value(), false);
  EXPECT_FALSE(query.Bool("e").ok());
}

TEST(QueryParamsTest, ScalarGivenTwiceIsAnError) {
  Params params = {{"k", "1"}, {"k", "2"}};
  EXPECT_THAT(std::string(QueryParams(params).Int32("k").status().message()), HasSubstr("more than once"));
}

TEST(QueryParamsTest, ListsTakeCommasAndRepetition) {
  Params params = {{"ids", "1,2,,3"}, {"ids", "4"}, {"empty", ""}, {"bad", "1,two"}};
  QueryParams query(params);
  EXPECT_THAT(query.Int64List("ids").value(), ElementsAre(1, 2, 3, 4));
  EXPECT_TRUE(query.Int64List("empty").value().empty());
  EXPECT_THAT(std::string(query.Int64List("bad").status().message()), HasSubstr("'bad'"));
}

}  // namespace
}  // namespace vitrina::server::http
