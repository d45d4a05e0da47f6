#include "daemon/compute/compute_alerts.h"

#include <gtest/gtest.h>

#include <set>

#include "daemon/alerts/alerts_by_id.h"
#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

using testjobs::kHour;
using testjobs::kT0;
const absl::Time kNow = absl::FromUnixMillis(kT0 + 400 * kHour);

// A frontier-scale job: 100,000 H100s at BF16, tensor activity 0.5, so each
// hour adds 1e5 x 3600 s x 9.894e14 x 0.5 = 1.781e23 (best) and
// 1e5 x 3600 x (0.5 x 1.979e15 x 1.1 + 1.338e14) = 4.4e23 (upper: the
// activity at the fastest peak with its margin, plus the non-tensor pipes).
class ComputeAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    catalog_ = *LoadCatalog(config_);
    Open();
  }

  void Open() {
    evaluator_.reset();
    view_.reset();
    alerts_.reset();
    ledger_.reset();
    ledger_ = std::move(*Ledger::Open(store_, LedgerOptions()));
    alerts_ = std::make_unique<AlertStore>(store_, false);
    view_ = std::make_unique<ComputeView>(*ledger_, catalog_, config_);
    evaluator_ = std::make_unique<ComputeAlerts>(*view_, *alerts_, absl::Hours(24 * 30));
  }

  void Register(const std::string& id, const std::string& customer, const std::string& model,
                const std::string& accelerator, uint32_t count) {
    ASSERT_TRUE(
        ledger_->RegisterJob(testjobs::Spec(id, customer, model, "", count, accelerator)).ok());
  }

  void Hours(const std::string& id, uint32_t count, int from, int to, double activity) {
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours(id, count, from, to, activity)).ok());
  }

  std::map<std::string, v1::Alert> Alerts() { return AlertsById(*alerts_); }

  ComputeConfig config_;
  std::shared_ptr<const detectors::Catalog> catalog_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<ComputeView> view_;
  std::unique_ptr<ComputeAlerts> evaluator_;
};

TEST_F(ComputeAlertsTest, ExactlyTheExpectedAlertsOnceEachAcrossReEvaluationAndRestart) {
  Register("big", "acct-frontier", "frontier", "NVIDIA H100 80GB HBM3", 100000);
  Hours("big", 100000, 0, 150, 0.5);  // best 2.67e25, upper 6.6e25
  Register("odd", "acct-other", "", "Mystery Accelerator 9000", 1);
  Hours("odd", 1, 0, 1, -1);
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());

  std::map<std::string, v1::Alert> got = Alerts();
  std::set<std::string> ids;
  for (const auto& [id, a] : got) ids.insert(id + " " + a.level());
  const std::set<std::string> want = {
      "compute_level/model/frontier/1e24 1e24/likely",
      "compute_level/model/frontier/1e25 1e25/likely",
      "compute_level/model/frontier/5e25 5e25/possible",
      "compute_level/customer/acct-frontier/1e24 1e24/likely",
      "compute_level/customer/acct-frontier/1e25 1e25/likely",
      "compute_level/customer/acct-frontier/5e25 5e25/possible",
      // 7.33e25 to go at 2.67e25 per 150 h: about 17 days, inside 30.
      "compute_projection/model/frontier/4e091 4e091",
      "compute_projection/customer/acct-frontier/4e091 4e091",
      "data_quality/job/odd/unknown_accelerator unknown_accelerator",
  };
  // With the activity measured, 2.67e25 is no longer "possibly" 1e26 (the
  // full ceiling, 1.07e26, would have said so, critically).
  EXPECT_EQ(ids, want);
  EXPECT_EQ(got.at("compute_level/model/frontier/1e25").severity(), v1::SEVERITY_WARNING);
  // Possible, by the upper bound alone: one severity below the level's high.
  EXPECT_EQ(got.at("compute_level/model/frontier/5e25").severity(), v1::SEVERITY_WARNING);
  // The unknown accelerator is named, so an operator can add it; its job has
  // no best estimate of its own, so its account crosses nothing as likely.
  const v1::Alert& unknown = got.at("data_quality/job/odd/unknown_accelerator");
  EXPECT_NE(unknown.summary().find("'Mystery Accelerator 9000' is not in the accelerator catalog"),
            std::string::npos)
      << unknown.summary();
  EXPECT_FALSE(got.contains("compute_level/customer/acct-other/1e24"));

  // Nothing new: nothing written.
  uint64_t writes = store_.writes();
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());
  EXPECT_EQ(store_.writes(), writes);

  // 150 more hours: best 5.34e25 passes 5e25, which becomes likely (an update
  // of the same two alerts, now at the level's own severity), and the upper
  // bound, 1.32e26, reaches 1e26: possible, so high rather than critical.
  Hours("big", 100000, 150, 300, 0.5);
  writes = store_.writes();
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());
  got = Alerts();
  EXPECT_EQ(got.size(), want.size() + 2);
  EXPECT_EQ(got.at("compute_level/model/frontier/5e25").level(), "5e25/likely");
  EXPECT_EQ(got.at("compute_level/model/frontier/5e25").severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(got.at("compute_level/customer/acct-frontier/5e25").level(), "5e25/likely");
  EXPECT_EQ(got.at("compute_level/model/frontier/4e091").level(), "4e091/possible");
  EXPECT_EQ(got.at("compute_level/model/frontier/4e091").severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(got.at("compute_level/customer/acct-frontier/4e091").level(), "4e091/possible");
  EXPECT_EQ(store_.writes() - writes, 4u);

  // A restart: the same figures, and nothing raised or rewritten.
  Open();
  writes = store_.writes();
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_TRUE(alerts_->raised_counts().empty());
}

TEST_F(ComputeAlertsTest, LineageCrossesThroughItsBaseAndEndedJobsAreNotProjected) {
  // A 9e25 base (ended) and a small fine-tune: the fine-tune's lineage is
  // past 1e26 although it alone is tiny.
  Register("base", "acct-a", "base", "NVIDIA H100 80GB HBM3", 100000);
  Hours("base", 100000, 0, 506, 0.5);  // 506 x 1.781e23 = 9.01e25
  ASSERT_TRUE(ledger_->EndJob("base", kT0 + 506 * kHour).ok());
  ASSERT_TRUE(ledger_
                  ->RegisterJob(testjobs::Spec("ft", "acct-b", "chat", "base", 100000,
                                               "NVIDIA H100 80GB HBM3", kT0 + 600 * kHour))
                  .ok());
  Hours("ft", 100000, 600, 656, 0.5);  // 56 x 1.781e23 = 9.97e24, alone below 1e25
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());
  auto got = Alerts();
  EXPECT_EQ(got.at("compute_level/model/chat/4e091").level(), "4e091/likely");
  // The fine-tune's own account: below 1e25 by its best estimate (possible
  // only by the upper bound, 2.46e25) and nowhere near 1e26.
  EXPECT_EQ(got.at("compute_level/customer/acct-b/1e25").level(), "1e25/possible");
  EXPECT_FALSE(got.contains("compute_level/customer/acct-b/4e091"));
  EXPECT_FALSE(got.contains("compute_projection/model/base/4e091"));  // ended, no rate
}

// The evidence alone recomputes the figure: the listed jobs add up to the
// operations stated, each with the inputs and the arithmetic behind it.
TEST_F(ComputeAlertsTest, EvidenceListsEveryJobAndAddsUpToTheFigure) {
  Register("pre", "acct-a", "base", "NVIDIA H100 80GB HBM3", 100000);
  Hours("pre", 100000, 0, 100, 0.5);
  ASSERT_TRUE(ledger_
                  ->RegisterJob(testjobs::Spec("sft", "acct-a", "chat", "base", 50000,
                                               "NVIDIA H100 80GB HBM3", kT0 + 200 * kHour))
                  .ok());
  Hours("sft", 50000, 200, 260, 0.5);
  ASSERT_TRUE(evaluator_->EvaluateOnce(kNow).ok());
  const v1::Alert a = Alerts().at("compute_level/model/chat/1e25");

  std::multimap<std::string, std::string> ev;
  for (const v1::Evidence& e : a.evidence()) ev.emplace(e.name(), e.value());
  ASSERT_EQ(ev.count("job"), 2u);
  EXPECT_EQ(ev.find("jobs")->second, "2");
  double sum = 0;
  std::vector<std::string> listed;
  for (auto [it, end] = ev.equal_range("job"); it != end; ++it) {
    listed.push_back(it->second.substr(0, it->second.find(' ')));
    const size_t at = it->second.find(", best ");
    ASSERT_NE(at, std::string::npos) << it->second;
    sum += std::stod(it->second.substr(at + 7));
    EXPECT_NE(it->second.find("H100 SXM"), std::string::npos) << it->second;
    EXPECT_NE(it->second.find("accelerator-s"), std::string::npos) << it->second;
    EXPECT_NE(it->second.find("by hardware_measured: "), std::string::npos) << it->second;
  }
  // Largest first: the base's pre-training (100 h x 1e5) before the fine-tune.
  EXPECT_EQ(listed, (std::vector<std::string>{"pre", "sft"}));
  // 100 h x 1.781e23 + 30 h-equivalent (60 h x half the accelerators).
  const double best = std::stod(ev.find("operations_best")->second);
  EXPECT_NEAR(best, 130 * 1.781e23, 0.002 * best);
  EXPECT_NEAR(sum, best, 1e-5 * best);
}

}  // namespace
}  // namespace redflag
