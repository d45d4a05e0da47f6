#include "detectors/unattributed_compute.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

constexpr uint64_t kHour = 3600 * 1000;
const UnattributedPolicy kPolicy{.alert_ms = 8 * kHour, .min_ms = kHour, .share = 0.02};

TEST(UnattributedCompute, NothingBelowEitherRule) {
  // 30 min unattributed in a cluster of 1000 GPU-hours: under both.
  EXPECT_FALSE(JudgeUnattributed({"c", kHour / 2, 1000 * kHour}, kPolicy));
  // Just under the share rule's floor, at a 100 % share.
  EXPECT_FALSE(JudgeUnattributed({"c", kHour - 1, 0}, kPolicy));
  // Over the floor, just under the share.
  EXPECT_FALSE(JudgeUnattributed({"c", 2 * kHour, 100 * kHour}, kPolicy));  // 1.96 %
  EXPECT_FALSE(JudgeUnattributed({"c", 0, 0}, kPolicy));
}

TEST(UnattributedCompute, TheShareRuleRaisesASmallAmountInASmallCluster) {
  auto f = JudgeUnattributed({"c", 2 * kHour, 98 * kHour}, kPolicy);  // exactly 2 %
  ASSERT_TRUE(f);
  EXPECT_EQ(f->reason, "share");
  EXPECT_DOUBLE_EQ(f->share, 0.02);
  EXPECT_FALSE(f->critical);
}

TEST(UnattributedCompute, TheAmountRuleRaisesWhateverTheShare) {
  auto f = JudgeUnattributed({"c", 8 * kHour, 1'000'000 * kHour}, kPolicy);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->reason, "amount");
  EXPECT_EQ(f->multiple, 1u);
  EXPECT_FALSE(JudgeUnattributed({"c", 8 * kHour - 1, 1'000'000 * kHour}, kPolicy));
}

TEST(UnattributedCompute, GrowthRaisesTheLevelInPowersOfTwoAndTenTimesIsCritical) {
  EXPECT_EQ(JudgeUnattributed({"c", 16 * kHour - 1, 0}, kPolicy)->multiple, 1u);
  EXPECT_EQ(JudgeUnattributed({"c", 16 * kHour, 0}, kPolicy)->multiple, 2u);
  EXPECT_EQ(JudgeUnattributed({"c", 63 * kHour, 0}, kPolicy)->multiple, 4u);
  EXPECT_EQ(JudgeUnattributed({"c", 64 * kHour, 0}, kPolicy)->multiple, 8u);
  EXPECT_FALSE(JudgeUnattributed({"c", 80 * kHour - 1, 0}, kPolicy)->critical);
  EXPECT_TRUE(JudgeUnattributed({"c", 80 * kHour, 0}, kPolicy)->critical);
}

}  // namespace
}  // namespace redflag::detectors
