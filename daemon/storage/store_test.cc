#include "daemon/storage/store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/ledger/job_day_keys.h"
#include "daemon/ledger/ledger_records.pb.h"
#include "daemon/storage/memory_store.h"
#include "daemon/storage/schema.h"

namespace redflag {
namespace {

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "redflag-store-XXXXXX").string();
  return mkdtemp(tmpl.data());
}

// Both implementations obey the same contract.
void ExerciseStore(Store& s) {
  auto wb = s.NewBatch();
  wb->Put(Domain::kJobs, "b", "2");
  wb->Put(Domain::kJobs, "a", "1");
  wb->Put(Domain::kJobs, "c", "3");
  wb->Put(Domain::kCustomers, "a", "other domain");
  ASSERT_TRUE(s.Write(*wb, true).ok());
  EXPECT_EQ(s.Get(Domain::kJobs, "a")->value(), "1");
  EXPECT_FALSE(s.Get(Domain::kJobs, "zz")->has_value());
  EXPECT_EQ(s.Get(Domain::kCustomers, "a")->value(), "other domain");
  std::string seen;
  ASSERT_TRUE(s.Scan(Domain::kJobs, "", "b", [&](absl::string_view k, absl::string_view v) {
                 seen += std::string(k) + "=" + std::string(v) + ";";
                 return true;
               }).ok());
  EXPECT_EQ(seen, "b=2;c=3;");
  auto del = s.NewBatch();
  del->Delete(Domain::kJobs, "b");
  ASSERT_TRUE(s.Write(*del, false).ok());
  EXPECT_FALSE(s.Get(Domain::kJobs, "b")->has_value());
  // Dropping files of a range never touches keys outside it.
  ASSERT_TRUE(s.DropFilesInRange(Domain::kJobs, "a", "b").ok());
  EXPECT_EQ(s.Get(Domain::kJobs, "c")->value(), "3");
  EXPECT_EQ(s.Get(Domain::kCustomers, "a")->value(), "other domain");
}

TEST(RocksDbStore, FollowsTheStoreContractAndPersists) {
  std::string dir = TempDir();
  {
    auto s = OpenRocksDbStore(dir, {});
    ASSERT_TRUE(s.ok()) << s.status();
    ExerciseStore(**s);
  }
  auto again = OpenRocksDbStore(dir, {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Get(Domain::kJobs, "c")->value(), "3");
  std::filesystem::remove_all(dir);
}

TEST(RocksDbStore, SecondOpenOfTheSameDirSaysItIsInUse) {
  std::string dir = TempDir();
  auto first = OpenRocksDbStore(dir, {});
  ASSERT_TRUE(first.ok());
  auto second = OpenRocksDbStore(dir, {});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string(second.status().message()).find("another redflagd"), std::string::npos)
      << second.status();
  std::filesystem::remove_all(dir);
}

TEST(MemoryStore, FollowsTheStoreContract) {
  MemoryStore s;
  ExerciseStore(s);
}

TEST(Schema, StampsANewStoreAndRefusesANewerOne) {
  MemoryStore s;
  auto found = MigrateSchema(s);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, 0u);
  EXPECT_EQ(s.Get(Domain::kMeta, "schema_version")->value(), std::to_string(kSchemaVersion));
  EXPECT_EQ(*MigrateSchema(s), kSchemaVersion);  // idempotent
  auto wb = s.NewBatch();
  wb->Put(Domain::kMeta, "schema_version", std::to_string(kSchemaVersion + 1));
  ASSERT_TRUE(s.Write(*wb, true).ok());
  auto newer = MigrateSchema(s);
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(newer.status().message()).find("newer redflagd"), std::string::npos);
}

// Data written before per-day totals existed: each job's totals so far count
// on the day of its last window, so a report up to now sees them all.
TEST(Schema, Migration3PutsEarlierTotalsOnTheirLastDay) {
  MemoryStore s;
  auto wb = s.NewBatch();
  wb->Put(Domain::kMeta, "schema_version", "2");
  ledger::JobCheckpoint checkpoint;
  checkpoint.set_through(7);
  checkpoint.mutable_totals()->set_samples(3);
  checkpoint.mutable_totals()->set_accelerator_ms(42);
  checkpoint.mutable_totals()->set_last_window_end_unix_ms(1790812800000 + 3'600'000);
  wb->Put(Domain::kTotals, "job-1", checkpoint.SerializeAsString());
  checkpoint.mutable_totals()->set_samples(0);  // a job without samples: no day
  wb->Put(Domain::kTotals, "job-2", checkpoint.SerializeAsString());
  ASSERT_TRUE(s.Write(*wb, true).ok());
  ASSERT_EQ(*MigrateSchema(s), 2u);
  std::vector<std::string> keys;
  ASSERT_TRUE(s.Scan(Domain::kJobDays, "", "", [&](absl::string_view k, absl::string_view v) {
                 keys.emplace_back(k);
                 v1::JobTotals t;
                 EXPECT_TRUE(t.ParseFromArray(v.data(), static_cast<int>(v.size())));
                 EXPECT_EQ(t.accelerator_ms(), 42u);
                 return true;
               }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{JobDayKey("job-1", 20727)}));  // 2026-10-01
}

}  // namespace
}  // namespace redflag
