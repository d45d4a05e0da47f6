#include "daemon/decisions/job_decisions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "daemon/alerts/alert_store.h"
#include "daemon/audit/audit_log.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/decisions/standing_cache.h"
#include "daemon/storage/memory_store.h"
#include "detectors/shipped_country_policy.h"

namespace redflag {
namespace {

const absl::CivilDay kDay(2026, 9, 1);
const absl::Time kNow = absl::FromCivil(kDay, absl::UTCTimeZone()) + absl::Hours(12);

detectors::CustomerStanding Linked(bool linked) {
  detectors::CustomerStanding s;
  s.has_profile = true;
  s.adversary_linked = linked;
  return s;
}

TEST(StandingCache, KeepsWhatWasReadUntilTheCustomerIsForgotten) {
  StandingCache cache(10);
  EXPECT_FALSE(cache.Find("acme", kDay).has_value());
  cache.Keep("acme", cache.Begin("acme"), kDay, Linked(true));
  ASSERT_TRUE(cache.Find("acme", kDay).has_value());
  EXPECT_TRUE(cache.Find("acme", kDay)->adversary_linked);
  cache.Forget("other");
  EXPECT_TRUE(cache.Find("acme", kDay).has_value());
  cache.Forget("acme");
  EXPECT_FALSE(cache.Find("acme", kDay).has_value());
}

TEST(StandingCache, AReadThatRacedAWriteIsNotKept) {
  StandingCache cache(10);
  // The alert is written between the read and the keep: what was read is
  // already old.
  StandingCache::Ticket t = cache.Begin("acme");
  cache.Forget("acme");
  cache.Keep("acme", t, kDay, Linked(false));
  EXPECT_FALSE(cache.Find("acme", kDay).has_value());
  // A profile written meanwhile (any customer's) does the same.
  t = cache.Begin("acme");
  cache.ForgetAll();
  cache.Keep("acme", t, kDay, Linked(false));
  EXPECT_FALSE(cache.Find("acme", kDay).has_value());
  // Two reads, one before and one after the write: only the later is kept.
  StandingCache::Ticket before = cache.Begin("acme");
  cache.Forget("acme");
  StandingCache::Ticket after = cache.Begin("acme");
  cache.Keep("acme", after, kDay, Linked(true));
  cache.Keep("acme", before, kDay, Linked(false));
  ASSERT_TRUE(cache.Find("acme", kDay).has_value());
  EXPECT_TRUE(cache.Find("acme", kDay)->adversary_linked);
}

TEST(StandingCache, HoldsForOneDayAndStartsAgainWhenFull) {
  StandingCache cache(2);
  cache.Keep("a", cache.Begin("a"), kDay, Linked(true));
  EXPECT_FALSE(cache.Find("a", kDay + 1).has_value());  // the country groups are dated
  cache.Keep("b", cache.Begin("b"), kDay, Linked(true));
  EXPECT_EQ(cache.size(), 2u);
  StandingCache::Ticket c = cache.Begin("c");  // no room: emptied
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.Find("a", kDay).has_value());
  cache.Keep("c", c, kDay, Linked(false));
  EXPECT_TRUE(cache.Find("c", kDay).has_value());
}

std::shared_ptr<const detectors::Catalog> ShippedCatalog() {
  std::ifstream f(std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv");
  std::stringstream text;
  text << f.rdbuf();
  absl::StatusOr<detectors::Catalog> c = detectors::Catalog::Parse(text.str(), "accelerators.csv");
  EXPECT_TRUE(c.ok()) << c.status();
  return std::make_shared<const detectors::Catalog>(*std::move(c));
}

// The decision a check answers after a write that changes the customer's
// standing, with the earlier answer's standing kept in between.
class JobDecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audit_ = std::move(*AuditLog::Open(store_, false));
    customers_.set_audit(audit_.get());
    alerts_ = std::make_unique<AlertStore>(store_, false, audit_.get());
    decisions_ = std::make_unique<JobDecisions>(
        customers_, *alerts_, *audit_, store_,
        std::make_shared<const detectors::CountryPolicy>(detectors::ShippedCountryPolicy()),
        ShippedCatalog(), JobDecisionOptions{});
  }

  void Profile(const std::string& id, const std::string& hq, const std::string& owner = "") {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(id + " Ltd");
    p.set_headquarters_country(hq);
    if (!owner.empty()) {
      v1::OwnershipLink* l = p.add_ownership_chain();
      l->set_owner_name(owner + " Ltd");
      l->set_owner_customer_id(owner);
      l->set_ownership_percent(80);
    }
    ASSERT_TRUE(customers_.Upsert(p, absl::ToUnixMillis(kNow)).ok());
  }

  v1::Verdict Ask(const std::string& customer) {
    v1::CheckJobRequest r;
    r.set_customer_id(customer);
    r.set_accelerator_model("NVIDIA H100 80GB HBM3");
    r.set_accelerator_count(8);
    absl::StatusOr<v1::Decision> d = decisions_->Check(r, "test", kNow);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->verdict() : v1::VERDICT_UNSPECIFIED;
  }

  MemoryStore store_;
  CustomerRegistry customers_{store_, false};
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<JobDecisions> decisions_;
};

TEST_F(JobDecisionsTest, AParentsNewHeadquartersChangesItsSubsidiarysAnswer) {
  Profile("parent", "US");
  Profile("sub", "SG", "parent");
  EXPECT_EQ(Ask("sub"), v1::VERDICT_ALLOW);
  EXPECT_EQ(Ask("sub"), v1::VERDICT_ALLOW);  // kept
  Profile("parent", "CN");                   // another customer's profile
  EXPECT_EQ(Ask("sub"), v1::VERDICT_DENY);
}

TEST_F(JobDecisionsTest, AFindingAndItsDispositionChangeTheAnswerAtOnce) {
  Profile("acme", "US");
  EXPECT_EQ(Ask("acme"), v1::VERDICT_ALLOW);
  v1::Alert a;
  a.set_alert_id("kyc_anomaly/customer/acme/strong");
  a.set_rule("kyc_anomaly");
  a.set_subject_kind("customer");
  a.set_subject_id("acme");
  a.set_customer_id("acme");
  a.set_level("strong");
  v1::Evidence* e = a.add_evidence();
  e->set_name("score");
  e->set_value("7");
  ASSERT_TRUE(alerts_->Put(a).ok());
  EXPECT_EQ(Ask("acme"), v1::VERDICT_REVIEW);
  v1::AlertActionRequest resolve;
  resolve.set_alert_id(a.alert_id());
  resolve.set_action(v1::ALERT_ACTION_RESOLVE);
  resolve.set_actor("analyst");
  resolve.set_disposition(v1::DISPOSITION_FALSE_POSITIVE);
  ASSERT_TRUE(alerts_->Act(resolve, kNow).ok());
  EXPECT_EQ(Ask("acme"), v1::VERDICT_ALLOW);
}

TEST_F(JobDecisionsTest, AnUnresolvedOwnershipChainIsHeldForReview) {
  Profile("loop", "US");
  v1::Alert a;
  a.set_alert_id("ownership_unresolved/customer/loop/cycle");
  a.set_rule("ownership_unresolved");
  a.set_subject_kind("customer");
  a.set_subject_id("loop");
  a.set_customer_id("loop");
  a.set_level("cycle");
  ASSERT_TRUE(alerts_->Put(a).ok());
  EXPECT_EQ(Ask("loop"), v1::VERDICT_REVIEW);
}

TEST_F(JobDecisionsTest, ALicenceRecordedOnTheCustomersR2AlertAdmitsItsTraining) {
  Profile("dragon", "CN");
  EXPECT_EQ(Ask("dragon"), v1::VERDICT_DENY);
  // As rule adversary_linked_training raises it for a linked customer.
  v1::Alert a;
  a.set_alert_id("adversary_linked_training/customer/dragon/CN");
  a.set_rule("adversary_linked_training");
  a.set_subject_kind("customer");
  a.set_subject_id("dragon");
  a.set_customer_id("dragon");
  a.set_level("CN");
  ASSERT_TRUE(alerts_->Put(a).ok());
  EXPECT_EQ(Ask("dragon"), v1::VERDICT_DENY);
  v1::AlertActionRequest resolve;
  resolve.set_alert_id(a.alert_id());
  resolve.set_action(v1::ALERT_ACTION_RESOLVE);
  resolve.set_actor("carol");
  resolve.set_disposition(v1::DISPOSITION_LICENCE_OBTAINED);
  ASSERT_TRUE(alerts_->Act(resolve, kNow).ok());
  v1::CheckJobRequest r;
  r.set_customer_id("dragon");
  r.set_accelerator_model("NVIDIA H100 80GB HBM3");
  r.set_accelerator_count(8);
  absl::StatusOr<v1::Decision> d = decisions_->Check(r, "test", kNow);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->verdict(), v1::VERDICT_ALLOW);
  ASSERT_EQ(d->reasons_size(), 1);
  EXPECT_TRUE(d->reasons(0).lifted());
  EXPECT_EQ(d->reasons(0).alert_id(), a.alert_id());
  EXPECT_EQ(d->reasons(0).lifted_by(), "licence_obtained by carol");
}

TEST_F(JobDecisionsTest, AProfileRegisteredAfterAnUnknownCustomerWasAskedIsRead) {
  EXPECT_EQ(Ask("late"), v1::VERDICT_REVIEW);  // no profile: policy
  Profile("late", "MO");
  EXPECT_EQ(Ask("late"), v1::VERDICT_DENY);
}

}  // namespace
}  // namespace redflag
