#include "cli/cluster_report.h"

#include <gtest/gtest.h>

namespace redflag::cli {
namespace {

TEST(FormatClusters, EachClusterWithItsArithmeticAndTheDuty) {
  v1::ListClustersResponse list;
  list.set_as_of_unix_ms(1790812800000);  // 2026-10-01
  list.set_duty("clusters over 1e+20 OP/s at more than 300 Gbit/s (proposed: 702.7)");
  v1::ClusterAssessment* a = list.add_clusters();
  a->set_peak_ops_per_s(1.1874e20);
  a->set_reportable(true);
  v1::ClusterVersion* v = a->mutable_version();
  v->set_recorded_unix_ms(1790812800000);
  v->set_recorded_by("config clusters.yaml");
  v1::Cluster* c = v->mutable_cluster();
  c->set_cluster_id("iad-train-1");
  c->set_region("us-east");
  c->set_datacenter("iad-7");
  c->set_interconnect_gbit_s(400);
  c->set_effective_date("2026-10-01");
  v1::ClusterPeakLine* l = a->add_lines();
  l->set_model("h100");
  l->set_catalog_model("NVIDIA H100 SXM5 80GB");
  l->set_count(60000);
  l->set_peak_each_ops_per_s(1.979e15);
  l->set_precision("int8");
  l->set_peak_ops_per_s(1.1874e20);
  l->set_note("counted at the fastest variant");
  EXPECT_EQ(FormatClusters(list),
            "inventory as of 2026-10-01 00:00:00 UTC\n"
            "duty: clusters over 1e+20 OP/s at more than 300 Gbit/s (proposed: 702.7)\n\n"
            "REPORTABLE      iad-train-1  1.187e+20 OP/s  400 Gbit/s  since 2026-10-01\n"
            "                region us-east, datacenter iad-7; recorded 2026-10-01 00:00:00 UTC "
            "by config clusters.yaml\n"
            "                60000 x h100 = 60000 x 1.979e+15 (NVIDIA H100 SXM5 80GB, int8) = "
            "1.187e+20 OP/s  [counted at the fastest variant]\n"
            "1 cluster, 1 reportable\n");
}

TEST(FormatClusters, AnEmptyInventorySaysSo) {
  v1::ListClustersResponse list;
  list.set_duty("no cluster reporting duty in this policy profile");
  EXPECT_NE(FormatClusters(list).find("0 clusters, 0 reportable"), std::string::npos);
}

}  // namespace
}  // namespace redflag::cli
