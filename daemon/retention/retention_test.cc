#include "daemon/retention/retention.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_test_jobs.h"
#include "daemon/ledger/job_day_keys.h"
#include "daemon/storage/memory_store.h"
#include "redflag/v1/access.pb.h"
#include "redflag/v1/egress.pb.h"
#include "redflag/v1/records.pb.h"
#include "redflag/v1/screening.pb.h"

namespace redflag {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kHour = 3'600'000;
const absl::Time kNow = absl::FromUnixMillis(1795478400000);  // 2026-11-24
constexpr int64_t k2024Jan15 = 1705276800000;
constexpr int64_t k2024Apr1 = 1711929600000;
constexpr int64_t k2024Jul1 = 1719792000000;

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    catalog_ = *LoadCatalog(config_);
    LedgerOptions o;
    o.checkpoint_interval = absl::Hours(1);
    ledger_ = std::move(*Ledger::Open(store_, o));
    audit_ = std::move(*AuditLog::Open(store_, false));
    customers_ = std::make_unique<CustomerRegistry>(store_, false);
    view_ = std::make_unique<ComputeView>(*ledger_, catalog_, config_, customers_.get());
    reports_ = std::make_unique<QuarterlyReports>(*ledger_, *view_, *customers_, *audit_, store_);
    ASSERT_TRUE(ledger_
                    ->RegisterJob(testjobs::Spec("old", "acct", "m-old", "", 100000,
                                                 "NVIDIA H100 80GB HBM3", k2024Jan15))
                    .ok());
    // An hour on each of 60 days from 2024-01-15 (two quarters), then one in
    // 2026-10.
    for (int d = 0; d < 120; d += 2) Sample(static_cast<uint64_t>(d + 1), k2024Jan15 + d * kDay);
    Sample(1000, 1790812800000);
    ASSERT_TRUE(ledger_->CheckpointNow().ok());
  }

  void Sample(uint64_t seq, int64_t start, const std::string& source = "agent") {
    v1::SampleBatch b;
    v1::Sample* s = b.add_samples();
    s->set_source_id(source);
    s->set_seq(seq);
    s->set_job_id("old");
    s->set_window_start_unix_ms(start);
    s->set_window_end_unix_ms(start + kHour);
    s->set_active_accelerators(100000);
    s->set_tensor_active(0.5);
    ASSERT_TRUE(ledger_->Ingest(b).ok());
  }
  uint64_t AcceleratorMsAsOf(int64_t t) {
    auto jobs = ledger_->SnapshotJobsAsOf(absl::FromUnixMillis(t));
    EXPECT_TRUE(jobs.ok());
    return jobs->empty() ? 0 : jobs->front().totals.accelerator_ms;
  }
  size_t DayRecords() {
    size_t n = 0;
    EXPECT_TRUE(store_
                    .Scan(Domain::kJobDays, "", "",
                          [&](absl::string_view, absl::string_view) {
                            ++n;
                            return true;
                          })
                    .ok());
    return n;
  }
  v1::QuarterlyReport Report(const std::string& q) {
    v1::GetQuarterlyReportRequest req;
    req.set_quarter(q);
    auto r = reports_->Build(req, kNow);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }

  ComputeConfig config_;
  std::shared_ptr<const detectors::Catalog> catalog_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CustomerRegistry> customers_;
  std::unique_ptr<ComputeView> view_;
  std::unique_ptr<QuarterlyReports> reports_;
};

// Old per-day figures become one per quarter: every total, every quarter's
// end figure and every report stays as it was; a second sweep finds nothing.
TEST_F(RetentionTest, CompactionChangesNoTotalAndNoReport) {
  const uint64_t q1 = AcceleratorMsAsOf(k2024Apr1), q2 = AcceleratorMsAsOf(k2024Jul1);
  const std::string total = ledger_->GetJob("old")->totals().SerializeAsString();
  const v1::QuarterlyReport before = Report("2024Q1");
  ASSERT_EQ(before.chart_size(), 1);
  EXPECT_EQ(DayRecords(), 61u);

  RetentionConfig config;
  Retention retention(*ledger_, *reports_, store_, config);
  absl::StatusOr<Retention::Outcome> o = retention.Sweep(kNow);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->held);
  EXPECT_EQ(o->days_merged, 58u);  // 60 days of two quarters become 2; 2026 is recent
  EXPECT_EQ(DayRecords(), 3u);
  EXPECT_EQ(AcceleratorMsAsOf(k2024Apr1), q1);
  EXPECT_EQ(AcceleratorMsAsOf(k2024Jul1), q2);
  EXPECT_EQ(ledger_->GetJob("old")->totals().SerializeAsString(), total);
  const v1::QuarterlyReport after = Report("2024Q1");  // the frozen copy, daily chart and all
  EXPECT_GT(after.frozen_unix_ms(), 0);
  EXPECT_EQ(after.content_sha256(), before.content_sha256());
  EXPECT_EQ(ReportContentSha256(after), before.content_sha256());
  EXPECT_EQ(retention.Sweep(kNow)->days_merged, 0u);

  // A late sample for a compacted day is added beside the quarter's record.
  Sample(1, k2024Jan15 + 1 * kDay, "agent-late");
  EXPECT_EQ(AcceleratorMsAsOf(k2024Apr1), q1 + 100000 * kHour);
  EXPECT_EQ(ledger_->GetJob("old")->totals().accelerator_ms(),
            AcceleratorMsAsOf(absl::ToUnixMillis(kNow)));
}

TEST_F(RetentionTest, RecordsOlderThanFiveYearsGoTheRestStays) {
  auto put = [&](Domain d, const std::string& key, const google::protobuf::Message& m) {
    auto wb = store_.NewBatch();
    wb->Put(d, key, m.SerializeAsString());
    ASSERT_TRUE(store_.Write(*wb, true).ok());
  };
  const int64_t six_years_ago = absl::ToUnixMillis(kNow) - 6 * 365 * kDay;
  const int64_t four_years_ago = absl::ToUnixMillis(kNow) - 4 * 365 * kDay;
  for (auto [key, t] : {std::pair{"old", six_years_ago}, std::pair{"recent", four_years_ago}}) {
    v1::ScreeningRecord s;
    s.set_screened_unix_ms(t);
    put(Domain::kScreenings, key, s);
    v1::AccessEvent a;
    a.set_time_unix_ms(t);
    put(Domain::kAccess, key, a);
    v1::EgressEvent e;
    e.set_time_unix_ms(t);
    put(Domain::kEgress, key, e);
  }
  // A foreign-person record holds its own copy of the access events, and is
  // kept whatever its age, as alerts and inquiries are.
  v1::ForeignPersonRecord record;
  record.set_opened_unix_ms(six_years_ago);
  record.add_access_events()->set_time_unix_ms(six_years_ago);
  put(Domain::kRecords, "acct/m", record);
  Retention retention(*ledger_, *reports_, store_, RetentionConfig());
  absl::StatusOr<Retention::Outcome> o = retention.Sweep(kNow);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->deleted,
            (std::map<std::string, uint64_t>{{"screenings", 1}, {"access", 1}, {"egress", 1}}));
  for (Domain d : {Domain::kScreenings, Domain::kAccess, Domain::kEgress}) {
    EXPECT_FALSE(store_.Get(d, "old")->has_value());
    EXPECT_TRUE(store_.Get(d, "recent")->has_value());
  }
  EXPECT_EQ(store_.Get(Domain::kRecords, "acct/m")->value_or(""), record.SerializeAsString());
}

TEST_F(RetentionTest, LegalHoldKeepsEverythingAsItIs) {
  v1::ScreeningRecord s;
  s.set_screened_unix_ms(absl::ToUnixMillis(kNow) - 6 * 365 * kDay);
  auto wb = store_.NewBatch();
  wb->Put(Domain::kScreenings, "old", s.SerializeAsString());
  ASSERT_TRUE(store_.Write(*wb, true).ok());
  RetentionConfig config;
  config.legal_hold = true;
  Retention retention(*ledger_, *reports_, store_, config);
  absl::StatusOr<Retention::Outcome> o = retention.Sweep(kNow);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->held);
  EXPECT_EQ(DayRecords(), 61u);
  EXPECT_TRUE(store_.Get(Domain::kScreenings, "old")->has_value());
  EXPECT_FALSE(store_.Get(Domain::kReports, "2024Q1")->has_value());
}

}  // namespace
}  // namespace redflag
