#include "daemon/customers/structuring.h"

#include <gtest/gtest.h>

#include "daemon/alerts/alerts_by_id.h"
#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

using testjobs::kHour;
using testjobs::kT0;
const absl::Time kNow = absl::FromUnixMillis(kT0 + 400 * kHour);

// Each training account: 60,000 H100s for 210 hours at activity 0.2: best
// 8.98e24 (below 1e25), upper 2.58e25 (below 5e25; the activity at the
// fastest peak with its margin, plus the non-tensor pipes).
class StructuringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    ledger_ = std::move(*Ledger::Open(store_, LedgerOptions()));
    alerts_ = std::make_unique<AlertStore>(store_, false);
    customers_ = std::make_unique<CustomerRegistry>(store_, false);
    view_ = std::make_unique<ComputeView>(*ledger_, *LoadCatalog(config_), config_);
    Rule(absl::Hours(24 * 180));
  }
  void Rule(absl::Duration window) {
    rule_ = std::make_unique<Structuring>(*view_, *ledger_, *customers_, *alerts_, window);
  }
  void TearDown() override { ledger_->Stop(); }

  // Trains for 210 hours from `from_hour` after kT0.
  void Account(const std::string& id, const std::string& fingerprint, const std::string& model = "",
               const std::string& parent = "", int from_hour = 0) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_payment_instrument_fingerprint(fingerprint);
    ASSERT_TRUE(customers_->Upsert(p, 1).ok());
    const std::string job = "job-" + id;
    ASSERT_TRUE(
        ledger_
            ->RegisterJob(testjobs::Spec(job, id, model.empty() ? "m-" + id : model, parent, 60000))
            .ok());
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours(job, 60000, from_hour, from_hour + 210, 0.2)).ok());
  }
  std::map<std::string, v1::Alert> Alerts() { return AlertsById(*alerts_); }

  ComputeConfig config_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<CustomerRegistry> customers_;
  std::unique_ptr<ComputeView> view_;
  std::unique_ptr<Structuring> rule_;
};

TEST_F(StructuringTest, LinkedAccountsReachTogetherWhatNoneReachesAlone) {
  Account("a", "fp-shared");
  Account("b", "fp-shared");
  ASSERT_TRUE(rule_->EvaluateOnce(kNow).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  std::set<std::string> ids;
  for (const auto& [id, a] : alerts) ids.insert(id + " " + a.level());
  // 1e24: each reaches it alone (compute_level says so). 1e25: together by
  // the best estimate, alone only by the upper bound. 5e25: together by the
  // upper bound only.
  EXPECT_EQ(ids, (std::set<std::string>{"structuring/group/a/1e25 1e25/likely",
                                        "structuring/group/a/5e25 5e25/possible"}));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts["structuring/group/a/1e25"].evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["members"], "a, b");
  EXPECT_EQ(evidence["links"], "a ~ b: payment instrument fp-shared");
  // Each member's figure, and their sum: 2 x 60,000 H100 x 210 h x 3,600 s x 9.894e14 x 0.2.
  EXPECT_EQ(evidence["member_operations"],
            "a 8.97584e+24 (upper 2.5818e+25); b 8.97584e+24 (upper 2.5818e+25)");
  EXPECT_EQ(evidence["combined_best"], "1.79517e+25");
  EXPECT_EQ(evidence["window"],
            "180 days to 2026-10-17 (policy.structuring_window; training since 2026-04-20)");
}

// R6's rolling window: training long ago does not add up with today's. a
// trained in October 2026, b in June 2027; judged in August 2027, only
// with a window long enough to hold both.
TEST_F(StructuringTest, TrainingAddsUpOnlyWithinTheWindow) {
  Account("a", "fp-shared");
  Account("b", "fp-shared", "", "", 24 * 250);
  const absl::Time august = absl::FromUnixMillis(kT0) + absl::Hours(24 * 300);
  ASSERT_TRUE(rule_->EvaluateOnce(august).ok());
  EXPECT_TRUE(Alerts().empty());  // a's training is 300 days old: outside 180 days

  Rule(absl::Hours(24 * 365));
  ASSERT_TRUE(rule_->EvaluateOnce(august).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("structuring/group/a/1e25"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts["structuring/group/a/1e25"].evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["combined_best"], "1.79517e+25");
  EXPECT_EQ(evidence["window"].substr(0, 9), "365 days ");
}

// A job that runs across the window's start counts with its days inside only.
TEST_F(StructuringTest, AJobAcrossTheWindowStartCountsItsDaysInside) {
  Account("a", "fp-shared");
  Account("b", "fp-shared");
  // Judged 180 days and 30 hours after the jobs began: the window starts on
  // the jobs' second day, so their first day (24 of 210 hours) is out. Each
  // keeps 186/210 of 8.97584e24.
  const absl::Time judged = absl::FromUnixMillis(kT0) + absl::Hours(24 * 180 + 30);
  ASSERT_TRUE(rule_->EvaluateOnce(judged).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("structuring/group/a/1e25"));
  EXPECT_EQ(alerts["structuring/group/a/1e25"].level(), "1e25/likely");
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts["structuring/group/a/1e25"].evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["combined_best"], "1.59001e+25");
  EXPECT_EQ(evidence["all_time_combined_best"], "1.79517e+25");
}

}  // namespace
}  // namespace redflag
