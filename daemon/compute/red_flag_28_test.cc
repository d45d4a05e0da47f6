#include "daemon/compute/red_flag_28.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"
#include "detectors/shipped_country_policy.h"

namespace redflag {
namespace {

using testjobs::kHour;
using testjobs::kT0;
const absl::Time kNow = absl::FromUnixMillis(kT0 + 400 * kHour);

// One frontier-scale model: 100,000 H100s at BF16 for 150 hours with tensor
// activity 0.5: best 2.67e25, upper 6.6e25 operations.
class RedFlag28Test : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    ledger_ = std::move(*Ledger::Open(store_, LedgerOptions()));
    audit_ = std::move(*AuditLog::Open(store_, false));
    alerts_ = std::make_unique<AlertStore>(store_, false, audit_.get());
    inquiries_ = std::make_unique<InquiryStore>(store_, *audit_);
    customers_ = std::make_unique<CustomerRegistry>(store_, false);
    models_ = std::make_unique<ModelRegistry>(store_, false);
    view_ =
        std::make_unique<ComputeView>(*ledger_, *LoadCatalog(config_), config_, customers_.get());
    ASSERT_TRUE(ledger_->RegisterJob(testjobs::Spec("big", "acct", "frontier", "", 100000)).ok());
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours("big", 100000, 0, 150, 0.5)).ok());
  }
  void TearDown() override { ledger_->Stop(); }

  void Customer(const std::string& hq, const std::string& parent_country = "") {
    v1::CustomerProfile p;
    p.set_customer_id("acct");
    p.set_legal_name("Acme AI");
    p.set_headquarters_country(hq);
    if (!parent_country.empty()) {
      v1::OwnershipLink* sub = p.add_ownership_chain();
      sub->set_owner_name("Acme Europe BV");
      sub->set_owner_country("NL");
      sub->set_ownership_percent(100);
      v1::OwnershipLink* top = p.add_ownership_chain();
      top->set_owner_name("Top Holdings");
      top->set_owner_country(parent_country);
      top->set_ownership_percent(70);
    }
    ASSERT_TRUE(customers_->Upsert(p, 1).ok());
  }

  // Evaluates once with the given level and pre-alert share; the rf28 alerts.
  std::vector<v1::Alert> Evaluate(double level, double pre_alert = 0.5) {
    PolicyConfig policy;
    policy.rf28_level = level;
    policy.rf28_pre_alert_fraction = pre_alert;
    RedFlag28 rule(
        *view_, *models_, *customers_, *alerts_, *inquiries_,
        std::make_shared<const detectors::CountryPolicy>(detectors::ShippedCountryPolicy()),
        policy);
    EXPECT_TRUE(rule.EvaluateOnce(kNow).ok());
    std::vector<v1::Alert> out;
    absl::StatusOr<v1::ListAlertsResponse> listed = alerts_->List(v1::ListAlertsRequest());
    if (listed.ok()) out.assign(listed->alerts().begin(), listed->alerts().end());
    return out;
  }

  ComputeConfig config_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<InquiryStore> inquiries_;
  std::unique_ptr<CustomerRegistry> customers_;
  std::unique_ptr<ModelRegistry> models_;
  std::unique_ptr<ComputeView> view_;
};

TEST_F(RedFlag28Test, JustOverTheLevelByTheBestEstimateIsLikelyAndOpensAnInquiry) {
  Customer("SG");
  std::vector<v1::Alert> alerts = Evaluate(2.6e25);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert_id(), "rf28/model/frontier/acct");
  EXPECT_EQ(alerts[0].level(), "likely");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_CRITICAL);
  absl::StatusOr<v1::Inquiry> q = inquiries_->Get("rf28/model/frontier/acct");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->state(), v1::INQUIRY_STATE_OPEN);
  EXPECT_EQ(q->model_id(), "frontier");
}

TEST_F(RedFlag28Test, JustUnderItIsPossibleByTheUpperBound) {
  Customer("SG");
  std::vector<v1::Alert> alerts = Evaluate(2.7e25);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].level(), "possible");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_HIGH);
  EXPECT_TRUE(inquiries_->Get("rf28/model/frontier/acct").ok());
}

TEST_F(RedFlag28Test, AboveTheUpperBoundOnlyThePreAlertShareCounts) {
  Customer("SG");
  // Ended: no recent rate, so nothing is projected and only the best counts.
  ASSERT_TRUE(ledger_->EndJob("big", kT0 + 150 * kHour).ok());
  EXPECT_TRUE(Evaluate(1.1e26, 0.3).empty());             // 3.3e25 > best 2.67e25
  std::vector<v1::Alert> alerts = Evaluate(1.1e26, 0.2);  // 2.2e25 <= best
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].level(), "pre_alert");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_WARNING);
  EXPECT_FALSE(inquiries_->Get("rf28/model/frontier/acct").ok());  // no inquiry yet
}

// R1: the pre-alert also reads projected operations. Still running at
// 1.781e23 an hour, the lineage's 2.67e25 projects to 1.55e26 within the
// 30-day horizon.
TEST_F(RedFlag28Test, APreAlertFromTheProjectionOfARunningLineage) {
  Customer("SG");
  EXPECT_TRUE(Evaluate(2e26, 0.8).empty());               // 1.6e26: beyond even the projection
  std::vector<v1::Alert> alerts = Evaluate(1.1e26, 0.8);  // 8.8e25, by the projection only
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].level(), "pre_alert");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_WARNING);
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts[0].evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["pre_alert_basis"], "projected operations (720h)");
  EXPECT_EQ(evidence["projected_operations"].rfind("1.54", 0), 0u)
      << evidence["projected_operations"];
  EXPECT_NE(alerts[0].summary().find("is projected to reach 1.5"), std::string::npos)
      << alerts[0].summary();
  EXPECT_FALSE(inquiries_->Get("rf28/model/frontier/acct").ok());  // a pre-alert opens none
}

TEST_F(RedFlag28Test, HeadquartersAndUltimateParentDecide) {
  Customer("US");
  EXPECT_TRUE(Evaluate(2.6e25).empty());  // inside the AI authorization destinations
  Customer("US", "CN");                   // a D:5 parent behind an authorised subsidiary
  std::vector<v1::Alert> alerts = Evaluate(2.6e25);
  ASSERT_EQ(alerts.size(), 1u);
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts[0].evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["outside_ai_authorization"], "ultimate parent by ownership CN (outside)");
  EXPECT_EQ(evidence["ownership_path"],
            "Acme AI (US) <- 100% Acme Europe BV (NL) <- 70% Top Holdings (CN)");
}

TEST_F(RedFlag28Test, PublishedWeightsAreNoRedFlag) {
  Customer("SG");
  v1::SetModelPublicationRequest pub;
  pub.set_model_id("frontier");
  pub.mutable_publication()->set_weights_published(true);
  pub.mutable_publication()->set_evidence("https://example.org/frontier-weights");
  ASSERT_TRUE(models_->SetPublication(pub, 1).ok());
  EXPECT_TRUE(Evaluate(2.6e25).empty());
}

TEST_F(RedFlag28Test, WithoutAProfileTheHeadquartersIsUnknownAndFlagged) {
  std::vector<v1::Alert> alerts = Evaluate(2.6e25);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].summary().find("headquarters unknown"), std::string::npos);
}

TEST(InquirySteps, OpenAskedAnsweredClosedInOrderOnly) {
  MemoryStore store;
  auto audit = AuditLog::Open(store, false);
  InquiryStore inquiries(store, **audit);
  ASSERT_TRUE(*inquiries.OpenFor("rf28/model/m/c", "m", "c", absl::FromUnixSeconds(100)));
  EXPECT_FALSE(*inquiries.OpenFor("rf28/model/m/c", "m", "c", absl::FromUnixSeconds(200)));
  v1::AdvanceInquiryRequest step;
  step.set_inquiry_id("rf28/model/m/c");
  step.set_actor("ana");
  step.set_to_state(v1::INQUIRY_STATE_ANSWERED);
  step.set_answer(v1::EXPORT_INTENT_NO_EXPORT);
  EXPECT_EQ(inquiries.Advance(step, absl::FromUnixSeconds(300)).status().message(),
            "inquiry rf28/model/m/c is open: its next step is customer_asked");
  step.set_to_state(v1::INQUIRY_STATE_CUSTOMER_ASKED);
  step.set_answer(v1::EXPORT_INTENT_UNSPECIFIED);
  step.set_note("emailed legal@customer");
  ASSERT_TRUE(inquiries.Advance(step, absl::FromUnixSeconds(400)).ok());
  step.set_to_state(v1::INQUIRY_STATE_ANSWERED);
  step.set_answer(v1::EXPORT_INTENT_NO_EXPORT);
  ASSERT_TRUE(inquiries.Advance(step, absl::FromUnixSeconds(500)).ok());
  step.set_to_state(v1::INQUIRY_STATE_CLOSED);
  step.set_answer(v1::EXPORT_INTENT_UNSPECIFIED);
  absl::StatusOr<v1::Inquiry> closed = inquiries.Advance(step, absl::FromUnixSeconds(600));
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->answer(), v1::EXPORT_INTENT_NO_EXPORT);
  ASSERT_EQ(closed->steps_size(), 4);
  EXPECT_EQ(closed->steps(1).note(), "emailed legal@customer");
  EXPECT_EQ(closed->steps(2).actor(), "ana");
  EXPECT_EQ(inquiries.Advance(step, absl::FromUnixSeconds(700)).status().message(),
            "inquiry rf28/model/m/c is closed: it takes no further step");
  EXPECT_EQ((*audit)->head_seq(), 4u);  // opened, asked, answered, closed
}

}  // namespace
}  // namespace redflag
