#include "server/http/route_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vitrina::server::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

RouteHandler Answer(std::string body) {
  return [body](const RouteRequest&) -> absl::StatusOr<HttpReply> { return JsonReply(body); };
}

class RouteTableTest : public ::testing::Test {
 protected:
  RouteTableTest() {
    table_.Add({"GET", "/models", "ListModels", Access::kAdmin, Answer("list")});
    table_.Add({"GET", "/models/{model_id}", "GetModel", Access::kAdmin, Answer("get")});
    table_.Add({"DELETE", "/models/{model_id}", "DeleteModel", Access::kAdmin, Answer("delete")});
    table_.Add({"POST", "/models/{model_id}/activate", "ActivateModel", Access::kAdmin, Answer("activate")});
    table_.Add({"GET", "/train", "LegacyTrain", Access::kAdmin, Answer("train"), /*changes_state=*/true});
  }
  RouteTable table_;
};

TEST_F(RouteTableTest, FindsTheRouteAndCapturesNamedSegments) {
  RouteTable::Lookup lookup = table_.Find("DELETE", "/models/17");
  ASSERT_NE(lookup.route, nullptr);
  EXPECT_EQ(lookup.route->name, "DeleteModel");
  EXPECT_THAT(lookup.path_params, ElementsAre(Pair("model_id", "17")));
  EXPECT_THAT(lookup.allowed_methods, IsEmpty());

  lookup = table_.Find("POST", "/models/x/activate");
  ASSERT_NE(lookup.route, nullptr);
  EXPECT_EQ(lookup.route->name, "ActivateModel");
  EXPECT_THAT(lookup.path_params, ElementsAre(Pair("model_id", "x")));
}

TEST_F(RouteTableTest, OtherMethodOnAKnownPathListsTheAllowedOnes) {
  RouteTable::Lookup lookup = table_.Find("PUT", "/models/17");
  EXPECT_EQ(lookup.route, nullptr);
  EXPECT_THAT(lookup.allowed_methods, ElementsAre("GET", "HEAD", "DELETE"));
}

TEST_F(RouteTableTest, HeadTakesTheGetRouteUnlessItChangesState) {
  RouteTable::Lookup lookup = table_.Find("HEAD", "/models/17");
  ASSERT_NE(lookup.route, nullptr);
  EXPECT_EQ(lookup.route->name, "GetModel");
  EXPECT_THAT(lookup.path_params, ElementsAre(Pair("model_id", "17")));

  lookup = table_.Find("HEAD", "/train");
  EXPECT_EQ(lookup.route, nullptr);
  EXPECT_THAT(lookup.allowed_methods, ElementsAre("GET"));
  EXPECT_EQ(table_.Find("HEAD", "/models/1/activate").route, nullptr);
}

TEST_F(RouteTableTest, UnknownPathsMatchNothing) {
  for (std::string path : {"/", "", "/models/", "/models//activate", "/models/1/2", "/model", "models"}) {
    RouteTable::Lookup lookup = table_.Find("GET", path);
    EXPECT_EQ(lookup.route, nullptr) << path;
    EXPECT_THAT(lookup.allowed_methods, IsEmpty()) << path;
  }
}

}  // namespace
}  // namespace vitrina::server::http
