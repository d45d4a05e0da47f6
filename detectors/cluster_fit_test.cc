#include "detectors/cluster_fit.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

constexpr char kCatalog[] =
    "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url,aliases\n"
    "NVIDIA H100 SXM5 80GB,NVIDIA,,,,9.9e14,9.9e14,1.98e15,1.98e15,s,NVIDIA H100 80GB HBM3\n"
    "NVIDIA H100 PCIe 80GB,NVIDIA,,,,7.6e14,7.6e14,1.5e15,1.5e15,s,\n"
    "NVIDIA A100 SXM4 80GB,NVIDIA,,,,3.1e14,3.1e14,,6.2e14,s,\n";

const Catalog& Small() {
  static const Catalog* c = new Catalog(*Catalog::Parse(kCatalog, "test.csv"));
  return *c;
}

v1::Cluster Cluster() {
  v1::Cluster c;
  c.set_cluster_id("iad-1");
  c.set_effective_date("2026-07-01");
  v1::ClusterAccelerators* h = c.add_accelerators();
  h->set_model("NVIDIA H100 SXM5 80GB");
  h->set_count(1024);
  v1::ClusterAccelerators* a = c.add_accelerators();
  a->set_model("NVIDIA A100 SXM4 80GB");
  a->set_count(512);
  return c;
}

TEST(ClusterFit, AJobWithinItsClusterFitsUnderAnyNameOfTheModel) {
  EXPECT_FALSE(JobDoesNotFit(1024, "NVIDIA H100 80GB HBM3", Cluster(), Small()).has_value());
  EXPECT_FALSE(JobDoesNotFit(64, "h100", Cluster(), Small()).has_value());
  EXPECT_FALSE(JobDoesNotFit(1536, "", Cluster(), Small()).has_value());
}

TEST(ClusterFit, AJobLargerThanItsClusterIsNamedWithBothCounts) {
  EXPECT_EQ(JobDoesNotFit(1025, "NVIDIA H100 80GB HBM3", Cluster(), Small()),
            "the job holds 1025 accelerators of NVIDIA H100 80GB HBM3 but cluster iad-1 has 1024 "
            "(as of 2026-07-01)");
  EXPECT_EQ(JobDoesNotFit(1537, "", Cluster(), Small()),
            "the job holds 1537 accelerators but cluster iad-1 has 1536 (as of 2026-07-01)");
  // The A100s are not H100s: a job of 1,100 H100s does not fit though the
  // cluster has 1,536 accelerators in all.
  EXPECT_TRUE(JobDoesNotFit(1100, "NVIDIA H100 SXM5 80GB", Cluster(), Small()).has_value());
}

TEST(ClusterFit, AModelTheClusterDoesNotHaveDoesNotFit) {
  EXPECT_EQ(JobDoesNotFit(8, "NVIDIA H100 PCIe 80GB", Cluster(), Small()),
            "the job's 8 x NVIDIA H100 PCIe 80GB are not among cluster iad-1's accelerators (as "
            "of 2026-07-01)");
  EXPECT_TRUE(JobDoesNotFit(1, "Acme X1", Cluster(), Small()).has_value());
}

}  // namespace
}  // namespace redflag::detectors
