#include "detectors/dedicated_capacity.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

DedicatedJob Job(const std::string& id) {
  return {.job_id = id,
          .accelerators = 64,
          .accelerator_model = "NVIDIA H100 80GB HBM3",
          .dedicated = true,
          .advanced = true,
          .adversary_linked = true};
}

TEST(DedicatedCapacity, AnAdversaryLinkedCustomersDedicatedAdvancedCapacityNeedsALicence) {
  std::optional<DedicatedCapacity> c = LicenceRequired({Job("slurm/a/1"), Job("slurm/a/2")});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->accelerators, 128u);
  EXPECT_EQ(c->job_ids, (std::vector<std::string>{"slurm/a/1", "slurm/a/2"}));
}

// Each near miss alone: shared capacity, accelerators below the class, a
// customer not linked to D:5 or Macau.
TEST(DedicatedCapacity, SharedCapacityLesserAcceleratorsOrNoLinkNeedNone) {
  DedicatedJob shared = Job("shared"), lesser = Job("lesser"), clear = Job("clear");
  shared.dedicated = false;
  lesser.advanced = false;
  clear.adversary_linked = false;
  EXPECT_FALSE(LicenceRequired({shared, lesser, clear}).has_value());
  EXPECT_FALSE(LicenceRequired({}).has_value());
  std::optional<DedicatedCapacity> one = LicenceRequired({shared, Job("bare-metal"), clear});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->job_ids, std::vector<std::string>{"bare-metal"});
  EXPECT_EQ(one->accelerators, 64u);
}

}  // namespace
}  // namespace redflag::detectors
