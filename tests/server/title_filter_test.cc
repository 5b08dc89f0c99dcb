// The API's TitleFilter at the server's edge: bounds (INVALID_ARGUMENT naming the field), the
// canonical spec handed to the serving filter, and its part of the answer cache key.
#include "server/title_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::server {
namespace {

using ::testing::HasSubstr;

v1::TitleFilter Filter(std::vector<std::string> genres_any, std::vector<std::string> genres_none = {},
                       std::vector<std::string> creators_any = {}, std::vector<std::string> creators_none = {}) {
  v1::TitleFilter filter;
  for (auto& name : genres_any) filter.add_genres_any(name);
  for (auto& name : genres_none) filter.add_genres_none(name);
  for (auto& name : creators_any) filter.add_creators_any(name);
  for (auto& name : creators_none) filter.add_creators_none(name);
  return filter;
}

std::string VariantOf(const v1::TitleFilter& filter) {
  absl::StatusOr<serving::AttributeSpec> spec = ValidAttributeSpec(filter);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? FilterVariant(*spec) : "";
}

TEST(TitleFilterTest, ListsBecomeSortedAndUnique) {
  absl::StatusOr<serving::AttributeSpec> spec =
      ValidAttributeSpec(Filter({"drama", "comedy", "drama"}, {"horror"}, {"7", "12"}, {"3"}));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->genres_any, (std::vector<std::string>{"comedy", "drama"}));
  EXPECT_EQ(spec->genres_none, (std::vector<std::string>{"horror"}));
  EXPECT_EQ(spec->creators_any, (std::vector<std::string>{"12", "7"}));
  EXPECT_EQ(spec->creators_none, (std::vector<std::string>{"3"}));
  EXPECT_TRUE(ValidAttributeSpec(v1::TitleFilter())->empty());
}

TEST(TitleFilterTest, BadListsAreInvalidArgumentsNamingTheField) {
  auto message = [](const v1::TitleFilter& filter) {
    absl::StatusOr<serving::AttributeSpec> spec = ValidAttributeSpec(filter);
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(spec.status().message());
  };
  EXPECT_THAT(message(Filter({"drama", ""})), HasSubstr("filter.genres_any[1] is empty"));
  EXPECT_THAT(message(Filter({}, {}, {}, {std::string(129, 'x')})),
              HasSubstr("filter.creators_none[0] is 129 bytes long, at most 128"));
  EXPECT_THAT(message(Filter({}, {"dra\nma"})), HasSubstr("filter.genres_none[0] holds a control character"));
  std::vector<std::string> many;
  for (int i = 0; i <= kMaxFilterNames; ++i) many.push_back(std::to_string(i));
  EXPECT_THAT(message(Filter({}, {}, many)), HasSubstr("filter.creators_any holds 65 names, at most 64"));
  many.pop_back();
  EXPECT_TRUE(ValidAttributeSpec(Filter({}, {}, many)).ok()) << "64 names are allowed";
  EXPECT_TRUE(ValidAttributeSpec(Filter({std::string(128, 'x')})).ok()) << "128 bytes are allowed";
}

TEST(TitleFilterTest, TheCacheVariantTellsFiltersApart) {
  EXPECT_EQ(VariantOf(v1::TitleFilter()), "") << "an unfiltered answer keeps its key";
  const std::string drama = VariantOf(Filter({"drama"}));
  EXPECT_THAT(drama, ::testing::StartsWith(":f"));
  EXPECT_EQ(VariantOf(Filter({"drama", "comedy"})), VariantOf(Filter({"comedy", "drama", "comedy"})))
      << "order and repeats do not change the answer, nor its key";
  EXPECT_NE(drama, VariantOf(Filter({"comedy"})));
  EXPECT_NE(drama, VariantOf(Filter({}, {"drama"}))) << "any-of and none-of differ";
  EXPECT_NE(drama, VariantOf(Filter({}, {}, {"drama"}))) << "a genre is not a creator";
  EXPECT_NE(VariantOf(Filter({"ab"})), VariantOf(Filter({"a", "b"})));
  EXPECT_EQ(drama, VariantOf(Filter({"drama"}))) << "stable: replicas sharing Redis compute the same key";
}

}  // namespace
}  // namespace vitrina::server
