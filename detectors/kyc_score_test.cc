#include "detectors/kyc_score.h"

#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

const absl::CivilDay kToday(2026, 12, 1);

v1::CustomerProfile Clean() {
  v1::CustomerProfile p;
  p.set_customer_id("c");
  p.set_headquarters_country("US");
  p.set_incorporation_country("US");
  p.set_payment_country("US");
  p.set_formation_date("2015-03-01");
  p.set_declared_end_use("LLM pre-training for our products");
  p.add_contact_domains("example.com");
  return p;
}

std::vector<std::string> Names(const KycScore& s) {
  std::vector<std::string> out;
  for (const KycFlag& f : s.flags) out.push_back(f.name);
  return out;
}

TEST(KycScore, AnOrdinaryCustomerScoresZero) {
  KycScore s = ScoreKyc(Clean(), 20000, {}, KycWeights(), kToday);
  EXPECT_EQ(s.score, 0);
  EXPECT_TRUE(s.flags.empty());
}

TEST(KycScore, EveryFlagCountsItsWeightAndSaysWhy) {
  v1::CustomerProfile p = Clean();
  p.set_formation_date("2024-01-10");
  p.set_address_forwarder(true);
  p.set_payment_country("AE");
  p.set_reseller(true);
  p.set_declared_end_use("");
  p.clear_contact_domains();
  p.set_address_residential(true);
  KycScore s = ScoreKyc(p, 4096, {"Li Wei (EL entry 123)"}, KycWeights(), kToday);
  EXPECT_EQ(Names(s), (std::vector<std::string>{
                          "formed_recently_large_request", "residential_address",
                          "forwarder_address", "third_country_payment", "reseller_undisclosed",
                          "no_end_use", "listed_officer", "no_web_presence"}));
  EXPECT_DOUBLE_EQ(s.score, 2 + 1 + 2 + 1.5 + 2 + 1 + 3 + 0.5);
  EXPECT_EQ(s.flags[0].fact,
            "formed 2024-01-10 (after 2022-10-07), jobs of up to 4096 accelerators");
  EXPECT_EQ(s.flags[3].fact, "pays from AE, headquartered in US, incorporated in US");
}

TEST(KycScore, NearMissesOnEachSideOfTheConditions) {
  v1::CustomerProfile p = Clean();
  p.set_formation_date("2022-10-07");  // the rule's own day is not after it
  EXPECT_TRUE(ScoreKyc(p, 5000, {}, KycWeights(), kToday).flags.empty());
  p.set_formation_date("2022-10-08");
  EXPECT_TRUE(ScoreKyc(p, 999, {}, KycWeights(), kToday).flags.empty());  // below the request size
  EXPECT_EQ(ScoreKyc(p, 1000, {}, KycWeights(), kToday).flags.size(), 1u);
  v1::CustomerProfile r = Clean();
  r.set_reseller(true);
  r.set_end_customers_disclosed(true);
  EXPECT_TRUE(ScoreKyc(r, 0, {}, KycWeights(), kToday).flags.empty());
  r.set_billing_country("AE");
  r.set_payment_country("AE");  // paying from where it is billed is no third country
  EXPECT_TRUE(ScoreKyc(r, 0, {}, KycWeights(), kToday).flags.empty());
  KycWeights off;
  off.no_end_use = 0;  // a weight of 0 turns a flag off
  v1::CustomerProfile q = Clean();
  q.set_declared_end_use("");
  EXPECT_TRUE(ScoreKyc(q, 0, {}, off, kToday).flags.empty());
}

// R12: a web domain younger than a year, and payment by a third party (not
// only from a third country), are flags; a domain a year old and a customer
// paying its own bills are the near misses.
TEST(KycScore, AYoungDomainAndThirdPartyPaymentAreFlags) {
  v1::CustomerProfile p = Clean();
  p.set_web_domain_registered_date("2026-03-10");
  p.set_third_party_payment(true);
  KycScore s = ScoreKyc(p, 8, {}, KycWeights(), kToday);
  EXPECT_EQ(Names(s), (std::vector<std::string>{"third_party_payment", "young_domain"}));
  EXPECT_DOUBLE_EQ(s.score, 1.5 + 0.5);
  EXPECT_EQ(s.flags[1].fact, "web domain registered 2026-03-10, 266 days before 2026-12-01");
  p.set_web_domain_registered_date("2025-12-01");  // 365 days: a year old
  p.set_third_party_payment(false);
  EXPECT_TRUE(ScoreKyc(p, 8, {}, KycWeights(), kToday).flags.empty());
  p.set_web_domain_registered_date("2027-01-01");  // a date after today says nothing
  EXPECT_TRUE(ScoreKyc(p, 8, {}, KycWeights(), kToday).flags.empty());
}

}  // namespace
}  // namespace redflag::detectors
