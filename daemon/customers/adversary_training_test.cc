#include "daemon/customers/adversary_training.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "daemon/alerts/alerts_by_id.h"
#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"
#include "detectors/shipped_country_policy.h"

namespace redflag {
namespace {

using testjobs::kHour;

constexpr int64_t kDay = 24 * kHour;
const int64_t kJan15 =
    absl::ToUnixMillis(absl::FromCivil(absl::CivilDay(2026, 1, 15), absl::UTCTimeZone()));
const int64_t kFeb3 =
    absl::ToUnixMillis(absl::FromCivil(absl::CivilDay(2026, 2, 3), absl::UTCTimeZone()));

std::shared_ptr<const detectors::CountryPolicy> Policy() {
  return std::make_shared<const detectors::CountryPolicy>(detectors::ShippedCountryPolicy());
}

class AdversaryTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = std::move(*Ledger::Open(store_, LedgerOptions()));
    customers_ = std::make_unique<CustomerRegistry>(store_, false);
    alerts_ = std::make_unique<AlertStore>(store_, false);
    rule_ = std::make_unique<AdversaryTraining>(*ledger_, *customers_, *alerts_, Policy(),
                                                /*max_ownership_depth=*/64,
                                                /*judge_training=*/true);
  }
  void TearDown() override { ledger_->Stop(); }

  void Customer(const std::string& id, const std::string& hq) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(id + " Ltd");
    p.set_headquarters_country(hq);
    ASSERT_TRUE(customers_->Upsert(p, 1).ok());
  }
  void Job(const std::string& id, const std::string& customer, int64_t start,
           v1::WorkloadKind kind = v1::WORKLOAD_KIND_FINE_TUNING, int64_t end = 0) {
    v1::JobSpec s = testjobs::Spec(id, customer, "m-" + id, "", 8, "NVIDIA H100 80GB HBM3", start);
    s.set_workload(kind);
    ASSERT_TRUE(ledger_->RegisterJob(s).ok());
    if (end != 0) {
      ASSERT_TRUE(ledger_->EndJob(id, end).ok());
    }
  }
  std::map<std::string, v1::Alert> Alerts() { return AlertsById(*alerts_); }

  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<CustomerRegistry> customers_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<AdversaryTraining> rule_;
};

TEST_F(AdversaryTrainingTest, AnyTrainingForAD5CustomerIsHighAtAnySize) {
  Customer("cn-lab", "CN");
  Customer("us-lab", "US");
  Job("tiny-ft", "cn-lab", kJan15);
  Job("serve", "cn-lab", kJan15, v1::WORKLOAD_KIND_INFERENCE);
  Job("us-train", "us-lab", kJan15, v1::WORKLOAD_KIND_PRETRAINING);
  Job("no-profile", "unknown", kJan15);
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + kDay)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  // The job's, and the customer's own, where a licence for its training is
  // recorded (us-lab and the job without a profile have none).
  ASSERT_EQ(alerts.size(), 2u);
  const v1::Alert& customer = alerts.at("adversary_linked_training/customer/cn-lab/CN");
  EXPECT_EQ(customer.severity(), v1::SEVERITY_HIGH);
  EXPECT_NE(customer.summary().find("new training capacity is held back (R2)"), std::string::npos)
      << customer.summary();
  const v1::Alert& a = alerts.at("adversary_linked_training/job/tiny-ft/CN");
  EXPECT_EQ(a.alert_id(), "adversary_linked_training/job/tiny-ft/CN");
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(a.customer_id(), "cn-lab");
  EXPECT_NE(a.summary().find("whose headquarters (cn-lab Ltd) is in CN, Country Group D:5"),
            std::string::npos)
      << a.summary();
  // Evaluating again raises nothing new.
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + 2 * kDay)).ok());
  EXPECT_EQ(Alerts().at(a.alert_id()).last_detected_unix_ms(), a.last_detected_unix_ms());
}

TEST_F(AdversaryTrainingTest, CambodiaCountsForJobsThatRanBeforeItsRemovalOnly) {
  Customer("kh-lab", "KH");
  Job("before", "kh-lab", kJan15, v1::WORKLOAD_KIND_PRETRAINING, kJan15 + 5 * kDay);
  Job("across", "kh-lab", kFeb3 - 2 * kDay, v1::WORKLOAD_KIND_PRETRAINING);  // still running
  Job("after", "kh-lab", kFeb3, v1::WORKLOAD_KIND_PRETRAINING, kFeb3 + kDay);
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kFeb3 + 10 * kDay)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  EXPECT_EQ(alerts.size(), 2u);
  EXPECT_TRUE(alerts.contains("adversary_linked_training/job/before/KH"));
  EXPECT_TRUE(alerts.contains("adversary_linked_training/job/across/KH"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts["adversary_linked_training/job/before/KH"].evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["job_dates"], "2026-01-15 to 2026-01-20");
  EXPECT_NE(evidence["country_group"].find("KH in d5 until 2026-02-03"), std::string::npos);
}

TEST_F(AdversaryTrainingTest, AParentFoundThroughOtherCustomersProfilesCounts) {
  v1::CustomerProfile parent;
  parent.set_customer_id("dragon");
  parent.set_legal_name("Dragon Holdings");
  parent.set_headquarters_country("CN");
  ASSERT_TRUE(customers_->Upsert(parent, 1).ok());
  v1::CustomerProfile sub;
  sub.set_customer_id("acme-us");
  sub.set_legal_name("Acme US Inc");
  sub.set_headquarters_country("US");
  for (auto [name, country, id] :
       {std::tuple{"Acme Europe BV", "NL", ""}, std::tuple{"Acme Japan KK", "JP", ""},
        std::tuple{"Dragon Holdings", "", "dragon"}}) {
    v1::OwnershipLink* l = sub.add_ownership_chain();
    l->set_owner_name(name);
    l->set_owner_country(country);
    l->set_ownership_percent(100);
    l->set_owner_customer_id(id);
  }
  ASSERT_TRUE(customers_->Upsert(sub, 1).ok());
  Job("j", "acme-us", kJan15, v1::WORKLOAD_KIND_UNSPECIFIED);
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + kDay)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  // The job's; the subsidiary's and the parent's own as customers.
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_TRUE(alerts.contains("adversary_linked_training/customer/dragon/CN"));
  EXPECT_TRUE(alerts.contains("adversary_linked_training/customer/acme-us/CN"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : alerts.at("adversary_linked_training/job/j/CN").evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(
      evidence["ownership_path"],
      "Acme US Inc (US) <- 100% Acme Europe BV (NL) <- 100% Acme Japan KK (JP) <- 100% Dragon "
      "Holdings (CN)");
  EXPECT_EQ(evidence["links"], "ultimate parent by ownership: Dragon Holdings (CN)");
}

// A US customer owned through `links` intermediate holdings (each 100 %) by
// a parent headquartered in China.
void DeepChain(CustomerRegistry& customers, const std::string& id, int links) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  p.set_legal_name(id + " Inc");
  p.set_headquarters_country("US");
  for (int i = 1; i < links; ++i) {
    v1::OwnershipLink* l = p.add_ownership_chain();
    l->set_owner_name(absl::StrCat("Holding ", i, " Ltd"));
    l->set_owner_country("VG");
    l->set_ownership_percent(100);
  }
  v1::OwnershipLink* top = p.add_ownership_chain();
  top->set_owner_name("Dragon Parent Ltd");
  top->set_owner_country("CN");
  top->set_ownership_percent(100);
  ASSERT_TRUE(customers.Upsert(p, 1).ok());
}

TEST_F(AdversaryTrainingTest, ADeepChainStillReachesItsD5ParentWithinTheConfiguredDepth) {
  DeepChain(*customers_, "deep17", 17);  // one past the old silent limit of 16
  Job("deep17-ft", "deep17", kJan15);
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + kDay)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("adversary_linked_training/job/deep17-ft/CN")) << alerts.size();
  EXPECT_TRUE(alerts.contains("adversary_linked_training/customer/deep17/CN"));
  EXPECT_EQ(alerts.size(), 2u);
}

TEST_F(AdversaryTrainingTest, AChainDeeperThanTheLimitIsAFindingWithItsPath) {
  DeepChain(*customers_, "deep100", 100);
  Job("deep100-ft", "deep100", kJan15);
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + kDay)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("ownership_unresolved/customer/deep100/depth"));
  const v1::Alert& a = alerts["ownership_unresolved/customer/deep100/depth"];
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(a.customer_id(), "deep100");
  EXPECT_NE(a.summary().find("longer than 64 links"), std::string::npos) << a.summary();
  EXPECT_NE(a.summary().find("hold new capacity"), std::string::npos);
  std::map<std::string, std::string> evidence;
  for (const auto& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["links_followed"], "64");
  EXPECT_NE(evidence["ownership_path"].find("Holding 64 Ltd (VG) <- (depth limit)"),
            std::string::npos)
      << evidence["ownership_path"];
  EXPECT_EQ(evidence["last_owner_reached"], "Holding 64 Ltd (VG)");
  // Once: the next evaluation finds the same and writes nothing new.
  ASSERT_TRUE(rule_->EvaluateOnce(absl::FromUnixMillis(kJan15 + 2 * kDay)).ok());
  EXPECT_EQ(Alerts().size(), alerts.size());
}

TEST_F(AdversaryTrainingTest, AnOwnershipCycleIsAFindingWhateverThePolicyProfile) {
  // a is owned by b, a customer owned by a: nobody can be the ultimate parent.
  for (auto [id, owner] : {std::pair{"cyc-a", "cyc-b"}, std::pair{"cyc-b", "cyc-a"}}) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(std::string(id) + " Ltd");
    p.set_headquarters_country("SG");
    v1::OwnershipLink* l = p.add_ownership_chain();
    l->set_owner_name(std::string(owner) + " Ltd");
    l->set_owner_customer_id(owner);
    l->set_ownership_percent(100);
    ASSERT_TRUE(customers_->Upsert(p, 1).ok());
  }
  // The adversary-linked training rule off (a policy profile without it).
  AdversaryTraining rule(*ledger_, *customers_, *alerts_, Policy(), 64, /*judge_training=*/false);
  ASSERT_TRUE(rule.EvaluateOnce(absl::FromUnixMillis(kJan15)).ok());
  std::map<std::string, v1::Alert> alerts = Alerts();
  ASSERT_TRUE(alerts.contains("ownership_unresolved/customer/cyc-a/cycle"));
  ASSERT_TRUE(alerts.contains("ownership_unresolved/customer/cyc-b/cycle"));
  EXPECT_NE(
      alerts["ownership_unresolved/customer/cyc-a/cycle"].summary().find("leads back to itself"),
      std::string::npos);
  std::map<std::string, std::string> evidence;
  for (const auto& e : alerts["ownership_unresolved/customer/cyc-a/cycle"].evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["ownership_path"], "cyc-a Ltd (SG) <- 100% cyc-b Ltd (SG) <- (cycle)");
}

}  // namespace
}  // namespace redflag
