#include "common/stable_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace vitrina {
namespace {

// Published FNV-1a 64 test vectors: the hash is the standard one, so a digest written by one
// build is read the same by every other.
TEST(StableHashTest, MatchesTheFnv1aTestVectors) {
  EXPECT_EQ(StableHash().value(), 0xcbf29ce484222325ull);
  EXPECT_EQ(StableHash().Bytes("a").value(), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(StableHash().Bytes("foobar").value(), 0x85944171f73967e8ull);
}

TEST(StableHashTest, IntegersAreTheirLittleEndianBytes) {
  EXPECT_EQ(StableHash().Int64(0x0102030405060708).value(),
            StableHash().Bytes(std::string_view("\x08\x07\x06\x05\x04\x03\x02\x01", 8)).value());
  EXPECT_EQ(StableHash().Int32(-1).value(), StableHash().Bytes("\xff\xff\xff\xff").value());
  EXPECT_NE(StableHash().Int32(7).value(), StableHash().Int64(7).value());
}

TEST(StableHashTest, IdListsDifferByOrderAndContent) {
  const std::vector<int64_t> ids = {3, 1, 2};
  const std::vector<int64_t> reordered = {1, 2, 3};
  EXPECT_EQ(StableHashOfIds(ids), StableHash().Int64(3).Int64(1).Int64(2).value());
  EXPECT_NE(StableHashOfIds(ids), StableHashOfIds(reordered));
  EXPECT_EQ(StableHashOfIds({}), StableHash().value());
}

}  // namespace
}  // namespace vitrina
