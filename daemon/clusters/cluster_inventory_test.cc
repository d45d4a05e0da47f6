#include "daemon/clusters/cluster_inventory.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_view.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

absl::Time Day(const char* day) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d", day, absl::UTCTimeZone(), &t, &err)) << err;
  return t;
}

v1::Cluster H100s(uint64_t count, double gbit_s, const char* effective) {
  v1::Cluster c;
  c.set_cluster_id("iad-train-1");
  c.set_region("us-east");
  c.set_datacenter("iad-7");
  c.set_interconnect_gbit_s(gbit_s);
  c.set_effective_date(effective);
  v1::ClusterAccelerators* a = c.add_accelerators();
  a->set_model("NVIDIA H100 SXM5 80GB");
  a->set_count(count);
  return c;
}

class ClusterInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ComputeConfig config;
    config.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    audit_ = std::move(*AuditLog::Open(store_, false));
    inventory_ = std::make_unique<ClusterInventory>(store_, *audit_, *LoadCatalog(config),
                                                    detectors::ProposedReportingPolicy().clusters);
  }
  MemoryStore store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<ClusterInventory> inventory_;
};

// The inventory grows from 12,500 to 60,000 H100s on 2026-10-01: the third
// quarter reads the smaller cluster, not reportable, the fourth the larger.
TEST_F(ClusterInventoryTest, ADatedChangeLeavesTheInventoryBeforeItAsItWas) {
  ASSERT_TRUE(inventory_->Upsert(H100s(12'500, 400, "2026-07-01"), "ops", Day("2026-07-01")).ok());
  ASSERT_TRUE(inventory_->Upsert(H100s(60'000, 400, "2026-10-01"), "ops", Day("2026-09-20")).ok());

  absl::StatusOr<v1::ListClustersResponse> q3 = inventory_->Assess(Day("2026-09-30"));
  ASSERT_TRUE(q3.ok()) << q3.status();
  ASSERT_EQ(q3->clusters_size(), 1);
  EXPECT_EQ(q3->clusters(0).version().cluster().accelerators(0).count(), 12'500u);
  EXPECT_FALSE(q3->clusters(0).reportable());
  absl::StatusOr<v1::ListClustersResponse> q4 = inventory_->Assess(Day("2026-10-01"));
  ASSERT_TRUE(q4.ok()) << q4.status();
  ASSERT_EQ(q4->clusters_size(), 1);
  EXPECT_TRUE(q4->clusters(0).reportable());
  EXPECT_NE(q4->duty().find("300 Gbit/s"), std::string::npos);
  // Before its first description the cluster is not in the inventory.
  EXPECT_EQ(inventory_->Assess(Day("2026-06-30"))->clusters_size(), 0);
  EXPECT_EQ(inventory_->History("iad-train-1")->size(), 2u);
}

TEST_F(ClusterInventoryTest, TheSameDescriptionAgainChangesNothingAndEachChangeIsAudited) {
  const uint64_t head = audit_->head_seq();
  auto first = inventory_->Upsert(H100s(512, 400, "2026-07-01"), "ops", Day("2026-07-01"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->changed);
  auto again = inventory_->Upsert(H100s(512, 400, "2026-07-01"), "ops", Day("2026-07-02"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(audit_->head_seq(), head + 1);
  // Another description for the same day replaces it.
  auto fixed = inventory_->Upsert(H100s(1024, 400, "2026-07-01"), "ops", Day("2026-07-02"));
  ASSERT_TRUE(fixed.ok());
  EXPECT_TRUE(fixed->changed);
  EXPECT_EQ(inventory_->History("iad-train-1")->size(), 1u);
  EXPECT_EQ(
      inventory_->Find("iad-train-1", Day("2026-08-01"))->value().cluster().accelerators(0).count(),
      1024u);
  absl::StatusOr<v1::ListAuditResponse> log = audit_->List(head, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->records_size(), 2);
  EXPECT_EQ(log->records(1).action(), "cluster.upsert");
  EXPECT_EQ(log->records(1).subject(), "cluster/iad-train-1");
  EXPECT_EQ(log->records(1).actor(), "ops");
}

TEST_F(ClusterInventoryTest, ARetiredClusterLeavesTheInventoryFromItsDate) {
  ASSERT_TRUE(inventory_->Upsert(H100s(512, 400, "2026-07-01"), "ops", Day("2026-07-01")).ok());
  v1::Cluster gone = H100s(512, 400, "2026-08-15");
  gone.set_retired(true);
  ASSERT_TRUE(inventory_->Upsert(gone, "ops", Day("2026-08-15")).ok());
  EXPECT_EQ(inventory_->AsOf(Day("2026-08-14"))->size(), 1u);
  EXPECT_EQ(inventory_->AsOf(Day("2026-08-15"))->size(), 0u);
  EXPECT_FALSE(inventory_->Find("iad-train-1", Day("2026-09-01"))->has_value());
}

TEST_F(ClusterInventoryTest, AnUndatedDescriptionHoldsFromToday) {
  auto up = inventory_->Upsert(H100s(64, 100, ""), "ops", Day("2026-12-03") + absl::Hours(15));
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->version.cluster().effective_date(), "2026-12-03");
  EXPECT_EQ(up->version.effective_unix_ms(), absl::ToUnixMillis(Day("2026-12-03")));
}

}  // namespace
}  // namespace redflag
