#include "daemon/audit/audit_log.h"

#include <gtest/gtest.h>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "daemon/audit/audit_chain.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

std::string Key(uint64_t seq) {
  char be[8];
  absl::big_endian::Store64(be, seq);
  return std::string(be, sizeof(be));
}

// Writes `n` records, each with an alert put beside it.
void Append(AuditLog& log, Store& store, int n) {
  for (int i = 0; i < n; ++i) {
    auto batch = store.NewBatch();
    batch->Put(Domain::kAlerts, absl::StrCat("a", i), "x");
    ASSERT_TRUE(log.Write(*batch, {"ana", "alert.acknowledge", "a", {{"comment", "checked"}}},
                          absl::FromUnixSeconds(1700000000 + i))
                    .ok());
  }
}

// Verifies what List returns, as `redflagctl audit verify` does.
std::string Verify(AuditLog& log) {
  absl::StatusOr<v1::ListAuditResponse> all = log.List(0, 1000);
  EXPECT_TRUE(all.ok());
  AuditVerifier v;
  for (const v1::AuditRecord& r : all->records()) {
    if (!v.Add(r)) return v.problem();
  }
  return v.Finish(all->head_seq(), all->head_hash()) ? "intact" : v.problem();
}

// An alert's history: only its records, in order, the limit counting them.
TEST(AuditLog, ListsTheRecordsOfOneSubject) {
  MemoryStore store;
  auto log = AuditLog::Open(store, false);
  ASSERT_TRUE(log.ok()) << log.status();
  for (const char* subject : {"x", "y", "x", "y", "x"}) {
    auto batch = store.NewBatch();
    ASSERT_TRUE(
        (*log)->Write(*batch, {"ana", "alert.comment", subject, {}}, absl::UnixEpoch()).ok());
  }
  absl::StatusOr<v1::ListAuditResponse> x = (*log)->List(0, 1000, "x");
  ASSERT_TRUE(x.ok()) << x.status();
  ASSERT_EQ(x->records_size(), 3);
  EXPECT_EQ(x->records(0).seq(), 1u);
  EXPECT_EQ(x->records(1).seq(), 3u);
  EXPECT_EQ(x->records(2).seq(), 5u);
  EXPECT_EQ(x->head_seq(), 5u);
  absl::StatusOr<v1::ListAuditResponse> page = (*log)->List(1, 1, "x");
  ASSERT_EQ(page->records_size(), 1);
  EXPECT_EQ(page->records(0).seq(), 3u);
  EXPECT_EQ((*log)->List(0, 1000, "z")->records_size(), 0);
}

TEST(AuditLog, RecordsAreNumberedChainedAndWrittenWithTheirChange) {
  MemoryStore store;
  auto log = AuditLog::Open(store, false);
  ASSERT_TRUE(log.ok()) << log.status();
  Append(**log, store, 3);
  EXPECT_EQ((*log)->head_seq(), 3u);
  EXPECT_TRUE(store.Get(Domain::kAlerts, "a2")->has_value());
  absl::StatusOr<v1::ListAuditResponse> all = (*log)->List(0, 1000);
  ASSERT_EQ(all->records_size(), 3);
  EXPECT_EQ(all->records(0).prev_hash(), "");
  EXPECT_EQ(all->records(1).prev_hash(), all->records(0).hash());
  EXPECT_EQ(all->records(2).actor(), "ana");
  EXPECT_EQ(Verify(**log), "intact");
  EXPECT_EQ((*log)->List(2, 1000)->records_size(), 1);

  // Reopened (a restart): the chain goes on.
  auto again = AuditLog::Open(store, false);
  ASSERT_TRUE(again.ok()) << again.status();
  Append(**again, store, 1);
  EXPECT_EQ((*again)->head_seq(), 4u);
  EXPECT_EQ(Verify(**again), "intact");
}

TEST(AuditLog, AFailedWriteKeepsNeitherTheChangeNorTheRecord) {
  MemoryStore store;
  auto log = AuditLog::Open(store, false);
  Append(**log, store, 1);
  store.set_fail_writes(true);
  auto batch = store.NewBatch();
  batch->Put(Domain::kAlerts, "lost", "x");
  EXPECT_FALSE((*log)->Write(*batch, {"ana", "alert.resolve", "lost", {}}, absl::Now()).ok());
  store.set_fail_writes(false);
  EXPECT_FALSE(store.Get(Domain::kAlerts, "lost")->has_value());
  EXPECT_EQ((*log)->head_seq(), 1u);
  Append(**log, store, 1);
  EXPECT_EQ(Verify(**log), "intact");
}

TEST(AuditLog, EveryKindOfTamperingIsFound) {
  auto tampered = [](const std::function<void(MemoryStore&)>& tamper) {
    MemoryStore store;
    auto log = AuditLog::Open(store, false);
    Append(**log, store, 5);
    tamper(store);
    return Verify(**log);
  };
  auto rewrite = [](MemoryStore& store, uint64_t seq,
                    const std::function<void(v1::AuditRecord&)>& change) {
    v1::AuditRecord r;
    r.ParseFromString(**store.Get(Domain::kAudit, Key(seq)));
    change(r);
    auto b = store.NewBatch();
    b->Put(Domain::kAudit, Key(seq), r.SerializeAsString());
    ASSERT_TRUE(store.Write(*b, false).ok());
  };
  EXPECT_EQ(tampered([&](MemoryStore& s) {
              rewrite(s, 3, [](v1::AuditRecord& r) { r.mutable_details(0)->set_value("x"); });
            }),
            "record 3: its hash does not match its content (changed)");
  // Changed and re-hashed: the next record's link breaks.
  EXPECT_EQ(tampered([&](MemoryStore& s) {
              rewrite(s, 2, [](v1::AuditRecord& r) {
                r.set_actor("mallory");
                r.set_hash(AuditHash(r));
              });
            }),
            "record 3: prev_hash does not match record 2 (a record before it was changed or "
            "replaced)");
  EXPECT_EQ(tampered([&](MemoryStore& s) {
              auto b = s.NewBatch();
              b->Delete(Domain::kAudit, Key(4));
              ASSERT_TRUE(s.Write(*b, false).ok());
            }),
            "record 5: expected record 4 (a record is missing or out of place)");
  EXPECT_EQ(tampered([&](MemoryStore& s) {
              auto b = s.NewBatch();
              b->Delete(Domain::kAudit, Key(5));
              ASSERT_TRUE(s.Write(*b, false).ok());
            }),
            "the chain ends at record 4 but the head is record 5 (records at the end were "
            "removed, or the head changed)");
  EXPECT_EQ(tampered([&](MemoryStore& s) {
              auto b = s.NewBatch();
              b->Put(Domain::kAudit, Key(2), "not a record");
              ASSERT_TRUE(s.Write(*b, false).ok());
            }),
            "record 0: expected record 2 (a record is missing or out of place)");
}

TEST(AuditLog, AnAlteredHeadStopsTheDaemonFromAppending) {
  MemoryStore store;
  auto log = AuditLog::Open(store, false);
  Append(**log, store, 2);
  v1::AuditRecord r;
  r.ParseFromString(**store.Get(Domain::kAudit, Key(2)));
  r.set_actor("mallory");
  auto b = store.NewBatch();
  b->Put(Domain::kAudit, Key(2), r.SerializeAsString());
  ASSERT_TRUE(store.Write(*b, false).ok());
  absl::StatusOr<std::unique_ptr<AuditLog>> reopened = AuditLog::Open(store, false);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace redflag
