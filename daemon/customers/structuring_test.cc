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
    rule_ = std::make_unique<Structuring>(*view_, *ledger_, *customers_, *alerts_);
  }
  void TearDown() override { ledger_->Stop(); }

  void Account(const std::string& id, const std::string& fingerprint, const std::string& model = "",
               const std::string& parent = "") {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_payment_instrument_fingerprint(fingerprint);
    ASSERT_TRUE(customers_->Upsert(p, 1).ok());
    const std::string job = "job-" + id;
    ASSERT_TRUE(
        ledger_
            ->RegisterJob(testjobs::Spec(job, id, model.empty() ? "m-" + id : model, parent, 60000))
            .ok());
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours(job, 60000, 0, 210, 0.2)).ok());
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
}

TEST_F(StructuringTest, UnlinkedAccountsWithTheSameFiguresRaiseNothing) {
  Account("a", "fp-1");
  Account("b", "fp-2");
  ASSERT_TRUE(rule_->EvaluateOnce(kNow).ok());
  EXPECT_TRUE(Alerts().empty());
}

TEST_F(StructuringTest, TrainingOnAnotherAccountsCheckpointLinksAndIsFlagged) {
  Account("a", "fp-1", "base");
  Account("c", "fp-3", "ft", "base");
  ASSERT_TRUE(rule_->EvaluateOnce(kNow).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("cross_account_checkpoint/job/job-c/base"));
  EXPECT_EQ(alerts["cross_account_checkpoint/job/job-c/base"].customer_id(), "c");
  EXPECT_TRUE(alerts.contains("structuring/group/a/1e25"));
}

}  // namespace
}  // namespace redflag
