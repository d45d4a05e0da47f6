#include "daemon/audit/in_force.h"

#include <gtest/gtest.h>

#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

// A restart with the same policy adds nothing; a changed one is recorded with
// what changed, each subject apart.
TEST(RecordInForce, RecordsEachChangeOnce) {
  MemoryStore store;
  auto audit = AuditLog::Open(store, false);
  ASSERT_TRUE(audit.ok()) << audit.status();
  const absl::Time t = absl::FromUnixSeconds(1790812800);
  auto record = [&](const std::string& subject, const std::string& sha) {
    absl::StatusOr<bool> r = RecordInForce(**audit, store, subject, {{"sha256", sha}}, t);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  };
  EXPECT_TRUE(record("policy", "aaa"));
  EXPECT_FALSE(record("policy", "aaa"));   // a restart, nothing changed
  EXPECT_TRUE(record("list/csl", "aaa"));  // another subject
  EXPECT_TRUE(record("policy", "bbb"));
  EXPECT_TRUE(record("policy", "aaa"));  // back to the first: a change too
  auto all = (*audit)->List(0, 100, "policy");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->records_size(), 3);
  EXPECT_EQ(all->records(1).action(), "in_force");
  EXPECT_EQ(all->records(1).details(0).value(), "bbb");
}

}  // namespace
}  // namespace redflag
