#include "daemon/customers/customer_registry.h"

#include <gtest/gtest.h>

#include "daemon/storage/memory_store.h"
#include "daemon/storage/schema.h"

namespace redflag {
namespace {

v1::CustomerProfile Profile(const std::string& id, const std::string& hq) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  p.set_legal_name("Acme AI");
  p.set_headquarters_country(hq);
  return p;
}

TEST(CustomerRegistry, EveryVersionIsKeptAndReadableAsOfATime) {
  MemoryStore store;
  CustomerRegistry customers(store, false);
  ASSERT_TRUE(customers.Upsert(Profile("acme", "US"), 1000).ok());
  ASSERT_TRUE(customers.Upsert(Profile("acme", "US"), 1500).ok());  // no change, no version
  ASSERT_TRUE(customers.Upsert(Profile("acme", "SG"), 2000).ok());
  ASSERT_TRUE(customers.Upsert(Profile("acme2", "CN"), 2500).ok());  // a prefix of nothing
  ASSERT_TRUE(customers.Upsert(Profile("acme", "CN"), 3000).ok());

  absl::StatusOr<std::vector<v1::Customer>> v = customers.Versions("acme");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0].profile().headquarters_country(), "US");
  EXPECT_EQ((*v)[1].version(), 2u);
  EXPECT_EQ((*v)[2].updated_unix_ms(), 3000);

  EXPECT_EQ(customers.GetAsOf("acme", 1999)->profile().headquarters_country(), "US");
  EXPECT_EQ(customers.GetAsOf("acme", 2000)->profile().headquarters_country(), "SG");
  EXPECT_EQ(customers.GetAsOf("acme", 99999)->version(), 3u);
  EXPECT_TRUE(absl::IsNotFound(customers.GetAsOf("acme", 999).status()));
  EXPECT_TRUE(absl::IsNotFound(customers.Versions("nobody").status()));
  EXPECT_EQ(customers.Get("acme")->profile().headquarters_country(), "CN");
}

// Reports on a past date group accounts under the parents named then.
TEST(CustomerRegistry, UltimateParentsAsTheyWereNamedAtADate) {
  MemoryStore store;
  CustomerRegistry customers(store, false);
  v1::CustomerProfile a = Profile("a", "US");
  a.set_ultimate_parent_name("Old Holdings");
  ASSERT_TRUE(customers.Upsert(a, 1000).ok());
  a.set_ultimate_parent_name("New Holdings");
  ASSERT_TRUE(customers.Upsert(a, 2000).ok());
  v1::CustomerProfile b = Profile("b", "US");
  b.set_ultimate_parent_name("Old Holdings");
  ASSERT_TRUE(customers.Upsert(b, 1500).ok());
  b.clear_ultimate_parent_name();  // no parent named any more
  ASSERT_TRUE(customers.Upsert(b, 2500).ok());
  using M = std::map<std::string, std::string>;
  EXPECT_EQ(*customers.UltimateParentsAsOf(999), M{});
  EXPECT_EQ(*customers.UltimateParentsAsOf(1500),
            (M{{"a", "Old Holdings"}, {"b", "Old Holdings"}}));
  EXPECT_EQ(*customers.UltimateParentsAsOf(2000),
            (M{{"a", "New Holdings"}, {"b", "Old Holdings"}}));
  EXPECT_EQ(*customers.UltimateParentsAsOf(3000), (M{{"a", "New Holdings"}}));
  EXPECT_EQ(*customers.UltimateParentsAsOf(3000), *customers.UltimateParents());
}

TEST(CustomerRegistry, ProfilesStoredBeforeHistoryBecomeTheirFirstKeptVersion) {
  MemoryStore store;
  // A schema-1 data dir: the current record only.
  v1::Customer old;
  *old.mutable_profile() = Profile("legacy", "DE");
  old.set_version(4);
  old.set_updated_unix_ms(777);
  auto batch = store.NewBatch();
  batch->Put(Domain::kMeta, "schema_version", "1");
  batch->Put(Domain::kCustomers, "legacy", old.SerializeAsString());
  ASSERT_TRUE(store.Write(*batch, false).ok());

  absl::StatusOr<uint32_t> found = MigrateSchema(store);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, 1u);
  CustomerRegistry customers(store, false);
  absl::StatusOr<std::vector<v1::Customer>> v = customers.Versions("legacy");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].version(), 4u);
  ASSERT_TRUE(customers.Upsert(Profile("legacy", "FR"), 900).ok());
  EXPECT_EQ(customers.Versions("legacy")->back().version(), 5u);
}

TEST(CustomerRegistry, AFailedWriteKeepsNoHalfVersion) {
  MemoryStore store;
  CustomerRegistry customers(store, false);
  ASSERT_TRUE(customers.Upsert(Profile("acme", "US"), 1000).ok());
  store.set_fail_writes(true);
  EXPECT_FALSE(customers.Upsert(Profile("acme", "CN"), 2000).ok());
  store.set_fail_writes(false);
  EXPECT_EQ(customers.Versions("acme")->size(), 1u);
  EXPECT_EQ(customers.Get("acme")->profile().headquarters_country(), "US");
}

}  // namespace
}  // namespace redflag
