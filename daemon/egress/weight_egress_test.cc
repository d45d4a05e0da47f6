#include "daemon/egress/weight_egress.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"
#include "detectors/shipped_country_policy.h"

namespace redflag {
namespace {

using testjobs::kHour;
using testjobs::kT0;
const absl::Time kNow = absl::FromUnixMillis(kT0 + 400 * kHour);

// The frontier-scale model of the compute tests: best 2.67e25, upper 6.6e25.
class WeightEgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    ledger_ = std::move(*Ledger::Open(store_, LedgerOptions()));
    alerts_ = std::make_unique<AlertStore>(store_, false);
    models_ = std::make_unique<ModelRegistry>(store_, false);
    view_ = std::make_unique<ComputeView>(*ledger_, *LoadCatalog(config_), config_);
    ASSERT_TRUE(ledger_->RegisterJob(testjobs::Spec("big", "acct", "frontier", "", 100000)).ok());
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours("big", 100000, 0, 150, 0.5)).ok());
  }
  void TearDown() override { ledger_->Stop(); }

  // Records one copy of `model` to `country` with the rule at `level`; the
  // number flagged.
  uint32_t Copy(const std::string& model, const std::string& country, double level,
                bool enabled = true) {
    WeightEgress egress(
        store_, false, *view_, *models_, *alerts_,
        std::make_shared<const detectors::CountryPolicy>(detectors::ShippedCountryPolicy()), level,
        enabled);
    v1::RecordEgressRequest req;
    v1::EgressEvent* e = req.add_events();
    e->set_model_id(model);
    e->set_checkpoint("step-200000");
    e->set_destination_country(country);
    e->set_bytes(1'600'000'000'000);
    e->set_principal("svc-export");
    e->set_customer_id("acct");
    e->set_time_unix_ms(kT0 + 300 * kHour);
    absl::StatusOr<uint32_t> flagged = egress.Record(req, kNow);
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    return flagged.ok() ? *flagged : 0;
  }
  std::vector<v1::Alert> Alerts() {
    absl::StatusOr<v1::ListAlertsResponse> listed = alerts_->List(v1::ListAlertsRequest());
    return listed.ok() ? std::vector<v1::Alert>(listed->alerts().begin(), listed->alerts().end())
                       : std::vector<v1::Alert>();
  }

  ComputeConfig config_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<ModelRegistry> models_;
  std::unique_ptr<ComputeView> view_;
};

TEST_F(WeightEgressTest, ACopyOutsideTheAuthorisedSetAtTheLevelIsFlagged) {
  EXPECT_EQ(Copy("frontier", "GB", 6e25), 0u);  // an AI authorization destination
  EXPECT_EQ(Copy("frontier", "AE", 7e25), 0u);  // above even the upper bound
  EXPECT_EQ(Copy("frontier", "AE", 6e25), 1u);  // possible: the upper bound reaches it
  std::vector<v1::Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert_id(), "weight_egress/model/frontier/AE");
  EXPECT_EQ(alerts[0].level(), "AE/possible");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(Copy("frontier", "AE", 2.6e25), 1u);  // likely now: the same alert escalates
  alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].level(), "AE/likely");
  EXPECT_EQ(alerts[0].severity(), v1::SEVERITY_CRITICAL);
}

TEST_F(WeightEgressTest, PublishedUnknownOrRuleOffIsNotFlagged) {
  EXPECT_EQ(Copy("never-trained-here", "AE", 6e25), 0u);
  EXPECT_EQ(Copy("frontier", "AE", 6e25, /*enabled=*/false), 0u);
  v1::SetModelPublicationRequest pub;
  pub.set_model_id("frontier");
  pub.mutable_publication()->set_weights_published(true);
  pub.mutable_publication()->set_evidence("https://example.org/weights");
  ASSERT_TRUE(models_->SetPublication(pub, 1).ok());
  EXPECT_EQ(Copy("frontier", "AE", 6e25), 0u);
  EXPECT_TRUE(Alerts().empty());
}

}  // namespace
}  // namespace redflag
