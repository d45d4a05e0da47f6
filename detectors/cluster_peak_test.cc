#include "detectors/cluster_peak.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace redflag::detectors {
namespace {

// The shipped catalog, as the daemon reads it: the worked examples are in
// its figures (H100 SXM5: 1.979e15 OP/s int8 dense, its fastest mode).
const Catalog& Shipped() {
  static const Catalog* c = [] {
    std::ifstream f(std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv");
    std::stringstream ss;
    ss << f.rdbuf();
    auto parsed = Catalog::Parse(ss.str(), "accelerators.csv");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return new Catalog(parsed.ok() ? *std::move(parsed) : Catalog());
  }();
  return *c;
}

v1::Cluster H100Cluster(uint64_t count, double gbit_s) {
  v1::Cluster c;
  c.set_cluster_id("iad-train-1");
  c.set_interconnect_gbit_s(gbit_s);
  v1::ClusterAccelerators* a = c.add_accelerators();
  a->set_model("NVIDIA H100 SXM5 80GB");
  a->set_count(count);
  return c;
}

TEST(ClusterPeak, TwelveThousandFiveHundredH100sAreNotAReportableCluster) {
  const v1::ClusterAssessment a =
      AssessCluster(H100Cluster(12'500, 400), Shipped(), ProposedReportingPolicy().clusters);
  EXPECT_NEAR(a.peak_ops_per_s(), 2.474e19, 0.001e19);
  ASSERT_EQ(a.lines_size(), 1);
  EXPECT_DOUBLE_EQ(a.lines(0).peak_each_ops_per_s(), 1.979e15);
  EXPECT_EQ(a.lines(0).precision(), "int8");
  EXPECT_FALSE(a.over_peak());
  EXPECT_TRUE(a.over_interconnect());
  EXPECT_FALSE(a.reportable());
  EXPECT_EQ(a.arithmetic(),
            "12500 x NVIDIA H100 SXM5 80GB at 1.979e+15 (int8 dense) = 2.474e+19 OP/s; "
            "interconnect 400 Gbit/s; peak not over 1e+20, interconnect over 300: not "
            "reportable (proposed, BIS proposed rule 'Establishment of Reporting Requirements "
            "for the Development of Advanced AI Models and Computing Clusters', 89 FR 73612 (11 "
            "Sep 2024), proposed 15 CFR 702.7)");
}

TEST(ClusterPeak, SixtyThousandAt400GbitsIsReportableAndAt200IsNot) {
  const ClusterDuty duty = ProposedReportingPolicy().clusters;
  const v1::ClusterAssessment fast = AssessCluster(H100Cluster(60'000, 400), Shipped(), duty);
  EXPECT_NEAR(fast.peak_ops_per_s(), 1.187e20, 0.001e20);
  EXPECT_TRUE(fast.over_peak());
  EXPECT_TRUE(fast.reportable());
  const v1::ClusterAssessment slow = AssessCluster(H100Cluster(60'000, 200), Shipped(), duty);
  EXPECT_TRUE(slow.over_peak());
  EXPECT_FALSE(slow.over_interconnect());
  EXPECT_FALSE(slow.reportable());
  // The near miss of the interconnect: "more than" 300, so 300 itself is not.
  EXPECT_FALSE(AssessCluster(H100Cluster(60'000, 300), Shipped(), duty).reportable());
}

TEST(ClusterPeak, UnderEo14110A100GbitsClusterIsReportable) {
  const ClusterDuty eo = Eo14110ReportingPolicy().clusters;
  EXPECT_TRUE(AssessCluster(H100Cluster(60'000, 200), Shipped(), eo).reportable());
  EXPECT_TRUE(AssessCluster(H100Cluster(60'000, 101), Shipped(), eo).reportable());
  EXPECT_FALSE(AssessCluster(H100Cluster(60'000, 100), Shipped(), eo).reportable());
  EXPECT_FALSE(AssessCluster(H100Cluster(12'500, 200), Shipped(), eo).reportable());
  EXPECT_NE(AssessCluster(H100Cluster(60'000, 200), Shipped(), eo).arithmetic().find("EO 14110"),
            std::string::npos);
}

// The peak of 50,531 H100s is 1.00001e20 (over) and of 50,530 0.99999e20 (not).
TEST(ClusterPeak, ThePeakMustBeOverTheThresholdNotAtIt) {
  const ClusterDuty duty = ProposedReportingPolicy().clusters;
  EXPECT_TRUE(AssessCluster(H100Cluster(50'531, 400), Shipped(), duty).over_peak());
  EXPECT_FALSE(AssessCluster(H100Cluster(50'530, 400), Shipped(), duty).over_peak());
}

TEST(ClusterPeak, ModelsAddUpAndUnknownOrFamilyNamesCountAtTheFastest) {
  v1::Cluster c = H100Cluster(10'000, 800);
  v1::ClusterAccelerators* a100 = c.add_accelerators();
  a100->set_model("NVIDIA A100-SXM4-80GB");
  a100->set_count(20'000);
  v1::ClusterAccelerators* unknown = c.add_accelerators();
  unknown->set_model("Acme TPU-X 9000");
  unknown->set_count(1);
  v1::ClusterAccelerators* family = c.add_accelerators();
  family->set_model("h100");
  family->set_count(1);
  const v1::ClusterAssessment a = AssessCluster(c, Shipped(), ProposedReportingPolicy().clusters);
  ASSERT_EQ(a.lines_size(), 4);
  EXPECT_EQ(a.lines(1).catalog_model(), "NVIDIA A100 SXM4 80GB");
  EXPECT_DOUBLE_EQ(a.lines(1).peak_ops_per_s(), 20'000 * 6.24e14);
  EXPECT_TRUE(a.lines(1).note().empty());
  EXPECT_EQ(a.lines(2).catalog_model(), Shipped().MostConservative().model);
  EXPECT_NE(a.lines(2).note().find("not in the catalog"), std::string::npos);
  EXPECT_NE(a.lines(3).note().find("fastest variant"), std::string::npos);
  double sum = 0;
  for (const v1::ClusterPeakLine& l : a.lines()) sum += l.peak_ops_per_s();
  EXPECT_DOUBLE_EQ(a.peak_ops_per_s(), sum);
}

TEST(ClusterPeak, AProfileWithoutTheDutyReportsNoCluster) {
  ClusterDuty off = ProposedReportingPolicy().clusters;
  off.on = false;
  const v1::ClusterAssessment a = AssessCluster(H100Cluster(60'000, 400), Shipped(), off);
  EXPECT_FALSE(a.reportable());
  EXPECT_NEAR(a.peak_ops_per_s(), 1.187e20, 0.001e20);
  EXPECT_NE(a.arithmetic().find("no cluster reporting duty"), std::string::npos);
}

}  // namespace
}  // namespace redflag::detectors
