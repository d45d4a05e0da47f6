#include "daemon/records/record_store.h"

#include <gtest/gtest.h>

#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

const absl::Time kNow = absl::FromUnixMillis(1795478400000);  // 2026-11-24

v1::ForeignPersonRecord Draft(const std::string& customer, int64_t opened_ms) {
  v1::ForeignPersonRecord r;
  r.set_record_id(customer + "/m-1");
  r.set_customer_id(customer);
  r.set_model_id("m-1");
  r.set_state(v1::RECORD_STATE_DRAFT);
  r.set_opened_unix_ms(opened_ms);
  r.set_due_unix_ms(opened_ms + 15 * 86'400'000LL);
  r.add_access_events()->set_source_ip("203.0.113.7");
  r.set_access_events_total(1);
  return r;
}

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audit_ = std::move(*AuditLog::Open(store_, false));
    records_ = std::make_unique<RecordStore>(store_, *audit_);
  }
  MemoryStore store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<RecordStore> records_;
};

TEST_F(RecordStoreTest, ARecordOpensOnceAndIsFiledOnce) {
  ASSERT_TRUE(*records_->Open(Draft("acct-gb", 1000), kNow));
  v1::ForeignPersonRecord changed = Draft("acct-gb", 2000);
  changed.set_legal_name("Other");
  EXPECT_FALSE(*records_->Open(changed, kNow));  // the first stands
  EXPECT_EQ((*records_->Get("acct-gb/m-1"))->opened_unix_ms(), 1000);
  EXPECT_EQ(audit_->head_seq(), 1u);

  v1::FileRecordRequest file;
  file.set_record_id("acct-gb/m-1");
  file.set_agency_reference("BIS-1");
  absl::StatusOr<v1::ForeignPersonRecord> filed = records_->File(file, "cora", kNow);
  ASSERT_TRUE(filed.ok()) << filed.status();
  EXPECT_EQ(filed->state(), v1::RECORD_STATE_FILED);
  EXPECT_EQ(filed->filed_by(), "cora");
  EXPECT_EQ(filed->agency_reference(), "BIS-1");
  EXPECT_EQ(filed->access_events_size(), 1);
  absl::StatusOr<v1::ForeignPersonRecord> again = records_->File(file, "dan", kNow);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  file.set_record_id("nobody/m-1");
  EXPECT_EQ(records_->File(file, "cora", kNow).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<v1::ListAuditResponse> log = audit_->List(0, 10);
  ASSERT_EQ(log->records_size(), 2);
  EXPECT_EQ(log->records(0).action(), "record.opened");
  EXPECT_EQ(log->records(1).action(), "record.filed");
  EXPECT_EQ(log->records(1).actor(), "cora");
  EXPECT_EQ(log->records(1).subject(), "record/acct-gb/m-1");
}

TEST_F(RecordStoreTest, ListsByStateAndCustomerOldestFirst) {
  ASSERT_TRUE(*records_->Open(Draft("acct-b", 2000), kNow));
  ASSERT_TRUE(*records_->Open(Draft("acct-a", 3000), kNow));
  ASSERT_TRUE(*records_->Open(Draft("acct-c", 1000), kNow));
  v1::FileRecordRequest file;
  file.set_record_id("acct-a/m-1");
  file.set_agency_reference("BIS-2");
  ASSERT_TRUE(records_->File(file, "cora", kNow).ok());
  auto all = records_->List(v1::RECORD_STATE_UNSPECIFIED, "", true);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].customer_id(), "acct-c");
  EXPECT_EQ((*all)[2].customer_id(), "acct-a");
  EXPECT_EQ((*all)[0].access_events_size(), 0);  // brief
  EXPECT_EQ((*all)[0].access_events_total(), 1u);
  EXPECT_EQ(records_->List(v1::RECORD_STATE_DRAFT, "", false)->size(), 2u);
  EXPECT_EQ(records_->List(v1::RECORD_STATE_DRAFT, "", false)->front().access_events_size(), 1);
  EXPECT_EQ(records_->List(v1::RECORD_STATE_FILED, "", true)->size(), 1u);
  EXPECT_EQ(records_->List(v1::RECORD_STATE_UNSPECIFIED, "acct-b", true)->size(), 1u);
}

}  // namespace
}  // namespace redflag
