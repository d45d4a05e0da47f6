#include "daemon/decisions/job_decisions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "daemon/alerts/alert_recorder.h"
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

StandingCache::Kept Linked(bool linked) {
  detectors::CustomerStanding s;
  s.has_profile = true;
  s.adversary_linked = linked;
  return std::make_shared<const detectors::CustomerStanding>(s);
}

TEST(StandingCache, KeepsWhatWasReadUntilTheCustomerIsForgotten) {
  StandingCache cache(10);
  EXPECT_EQ(cache.Find("acme", kDay), nullptr);
  cache.Keep("acme", cache.Begin("acme"), kDay, Linked(true));
  ASSERT_NE(cache.Find("acme", kDay), nullptr);
  EXPECT_TRUE(cache.Find("acme", kDay)->adversary_linked);
  cache.Forget("other");
  EXPECT_NE(cache.Find("acme", kDay), nullptr);
  cache.Forget("acme");
  EXPECT_EQ(cache.Find("acme", kDay), nullptr);
}

TEST(StandingCache, AReadThatRacedAWriteIsNotKept) {
  StandingCache cache(10);
  // The alert is written between the read and the keep: what was read is
  // already old.
  StandingCache::Ticket t = cache.Begin("acme");
  cache.Forget("acme");
  cache.Keep("acme", t, kDay, Linked(false));
  EXPECT_EQ(cache.Find("acme", kDay), nullptr);
  // A profile written meanwhile (any customer's) does the same.
  t = cache.Begin("acme");
  cache.ForgetAll();
  cache.Keep("acme", t, kDay, Linked(false));
  EXPECT_EQ(cache.Find("acme", kDay), nullptr);
  // Two reads, one before and one after the write: only the later is kept.
  StandingCache::Ticket before = cache.Begin("acme");
  cache.Forget("acme");
  StandingCache::Ticket after = cache.Begin("acme");
  cache.Keep("acme", after, kDay, Linked(true));
  cache.Keep("acme", before, kDay, Linked(false));
  ASSERT_NE(cache.Find("acme", kDay), nullptr);
  EXPECT_TRUE(cache.Find("acme", kDay)->adversary_linked);
}

TEST(StandingCache, HoldsForOneDayAndStartsAgainWhenFull) {
  StandingCache cache(2);
  cache.Keep("a", cache.Begin("a"), kDay, Linked(true));
  EXPECT_EQ(cache.Find("a", kDay + 1), nullptr);  // the country groups are dated
  cache.Keep("b", cache.Begin("b"), kDay, Linked(true));
  EXPECT_EQ(cache.size(), 2u);
  StandingCache::Ticket c = cache.Begin("c");  // no room: emptied
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("a", kDay), nullptr);
  cache.Keep("c", c, kDay, Linked(false));
  EXPECT_NE(cache.Find("c", kDay), nullptr);
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

  absl::StatusOr<v1::Decision> Decide(const std::string& customer) {
    v1::CheckJobRequest r;
    r.set_customer_id(customer);
    r.set_accelerator_model("NVIDIA H100 80GB HBM3");
    r.set_accelerator_count(8);
    return decisions_->Check(r, "test", kNow);
  }
  v1::Verdict Ask(const std::string& customer) {
    absl::StatusOr<v1::Decision> d = Decide(customer);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->verdict() : v1::VERDICT_UNSPECIFIED;
  }

  // A customer-level alert, as the rule raises it.
  std::string Raise(const std::string& rule, const std::string& customer, const std::string& level,
                    const std::string& score = "") {
    v1::Alert a = NewAlert(rule, "customer", customer, level);
    a.set_customer_id(customer);
    a.set_level(level);
    if (!score.empty()) AddEvidence(a, "score", score);
    EXPECT_TRUE(alerts_->Put(a).ok());
    return a.alert_id();
  }
  void Resolve(const std::string& alert_id, const std::string& actor, v1::Disposition d) {
    v1::AlertActionRequest resolve;
    resolve.set_alert_id(alert_id);
    resolve.set_action(v1::ALERT_ACTION_RESOLVE);
    resolve.set_actor(actor);
    resolve.set_disposition(d);
    ASSERT_TRUE(alerts_->Act(resolve, kNow).ok());
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
  const std::string kyc = Raise("kyc_anomaly", "acme", "strong", "7");
  EXPECT_EQ(Ask("acme"), v1::VERDICT_REVIEW);
  Resolve(kyc, "analyst", v1::DISPOSITION_FALSE_POSITIVE);
  EXPECT_EQ(Ask("acme"), v1::VERDICT_ALLOW);
}

TEST_F(JobDecisionsTest, AnUnresolvedOwnershipChainIsHeldForReview) {
  Profile("loop", "US");
  Raise("ownership_unresolved", "loop", "cycle");
  EXPECT_EQ(Ask("loop"), v1::VERDICT_REVIEW);
}

TEST_F(JobDecisionsTest, ALicenceRecordedOnTheCustomersR2AlertAdmitsItsTraining) {
  Profile("dragon", "CN");
  EXPECT_EQ(Ask("dragon"), v1::VERDICT_DENY);
  // As rule adversary_linked_training raises it for a linked customer.
  const std::string r2 = Raise("adversary_linked_training", "dragon", "CN");
  EXPECT_EQ(Ask("dragon"), v1::VERDICT_DENY);
  Resolve(r2, "carol", v1::DISPOSITION_LICENCE_OBTAINED);
  absl::StatusOr<v1::Decision> d = Decide("dragon");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->verdict(), v1::VERDICT_ALLOW);
  ASSERT_EQ(d->reasons_size(), 1);
  EXPECT_TRUE(d->reasons(0).lifted());
  EXPECT_EQ(d->reasons(0).alert_id(), r2);
  EXPECT_EQ(d->reasons(0).lifted_by(), "licence_obtained by carol");
}

TEST_F(JobDecisionsTest, AProfileRegisteredAfterAnUnknownCustomerWasAskedIsRead) {
  EXPECT_EQ(Ask("late"), v1::VERDICT_REVIEW);  // no profile: policy
  Profile("late", "MO");
  EXPECT_EQ(Ask("late"), v1::VERDICT_DENY);
}

}  // namespace
}  // namespace redflag
