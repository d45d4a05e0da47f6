#include "daemon/remote_write/gpu_readings.h"

#include <gtest/gtest.h>

namespace redflag {
namespace {

TEST(MigShare, AnInstanceIsItsComputeSlicesOfTheGpus) {
  EXPECT_DOUBLE_EQ(MigShare("3g.40gb", "NVIDIA H100 80GB HBM3"), 3.0 / 7);
  EXPECT_DOUBLE_EQ(MigShare("1g.10gb", "NVIDIA A100-SXM4-80GB"), 1.0 / 7);
  EXPECT_DOUBLE_EQ(MigShare("1g.10gb+me", "NVIDIA H100 80GB HBM3"), 1.0 / 7);
  EXPECT_DOUBLE_EQ(MigShare("1c.3g.40gb", "NVIDIA H100 80GB HBM3"), 3.0 / 7);
  EXPECT_DOUBLE_EQ(MigShare("2g.12gb", "NVIDIA A30"), 2.0 / 4);
}

TEST(MigShare, AWholeGpuOrAProfileNotUnderstoodCountsAsWhole) {
  EXPECT_DOUBLE_EQ(MigShare("", "NVIDIA H100 80GB HBM3"), 1);
  EXPECT_DOUBLE_EQ(MigShare("7g.80gb", "NVIDIA H100 80GB HBM3"), 1);
  EXPECT_DOUBLE_EQ(MigShare("4g.24gb", "NVIDIA A30"), 1);
  for (const char* odd : {"g.10gb", "xg.10gb", "0g.5gb", "-1g.5gb", "big", "12g.80gb"}) {
    EXPECT_DOUBLE_EQ(MigShare(odd, "NVIDIA H100 80GB HBM3"), 1) << odd;
  }
}

}  // namespace
}  // namespace redflag
