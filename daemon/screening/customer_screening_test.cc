#include "daemon/screening/customer_screening.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/alerts/alerts_by_id.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

v1::Customer AsCustomer(const v1::CustomerProfile& p, uint64_t version = 3) {
  v1::Customer c;
  *c.mutable_profile() = p;
  c.set_version(version);
  return c;
}

TEST(NamesToScreen, EveryNameOfAProfileWithItsFieldAndCountry) {
  v1::CustomerProfile p;
  p.set_legal_name("Acme AI");
  p.set_headquarters_country("US");
  p.add_aliases("Acme Labs");
  p.set_ultimate_parent_name("Acme Group");
  p.set_ultimate_parent_country("KY");
  p.add_ownership_chain()->set_owner_name("Acme Holdings");
  p.mutable_ownership_chain(0)->set_owner_country("NL");
  p.add_beneficial_owners()->set_name("Ivan Petrov");
  p.mutable_beneficial_owners(0)->set_nationality("RU");
  p.add_officers()->set_name("Li Wei");
  p.add_officers();  // no name: nothing to screen
  std::vector<std::string> got;
  for (const NameToScreen& n : NamesToScreen(p)) {
    got.push_back(n.field + "=" + n.name + "/" + n.country);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"legal_name=Acme AI/US", "aliases[0]=Acme Labs/US",
                                           "ultimate_parent_name=Acme Group/KY",
                                           "ownership_chain[0].owner_name=Acme Holdings/NL",
                                           "beneficial_owners[0].name=Ivan Petrov/RU",
                                           "officers[0].name=Li Wei/"}));
}

TEST(CustomerScreening, OneAlertPerListedEntryWithItsBestNameAndEvidence) {
  ScreeningConfig config;
  config.csl_file =
      std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/csl_2023-11-30/csl.csv";
  PartyLists lists(config);
  ASSERT_EQ(lists.Refresh(true).size(), 1u);
  MemoryStore store;
  AlertStore alerts(store, false);
  CustomerRegistry customers(store, false);
  CustomerScreening screening(lists, store, false, alerts, customers, true);

  v1::CustomerProfile p;
  p.set_customer_id("c1");
  p.set_legal_name("Rosoboroneksport");      // exact
  p.add_aliases("Rosoboroneksport OAO");     // the same entry again
  p.add_officers()->set_name("Jane Smith");  // nothing
  absl::StatusOr<std::vector<v1::ScreeningFinding>> f =
      screening.Screen(AsCustomer(p), absl::FromUnixMillis(5000), "upsert");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->size(), 2u);
  absl::StatusOr<v1::ListAlertsResponse> stored = alerts.List(v1::ListAlertsRequest());
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->alerts_size(), 1);
  const v1::Alert& a = stored->alerts(0);
  EXPECT_EQ(a.alert_id(), "restricted_party/customer/c1/csl/SSI/18782");
  EXPECT_EQ(a.customer_id(), "c1");
  EXPECT_EQ(a.level(), "exact");
  EXPECT_EQ(a.severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(a.first_detected_unix_ms(), 5000);
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["matched_name"], "ROSOBORONEKSPORT OAO");
  EXPECT_EQ(evidence["list"], "csl");
  EXPECT_EQ(evidence["entry_id"], "18782");
  EXPECT_EQ(evidence["score"], "1.000");
  EXPECT_EQ(evidence["list_sha256"].size(), 64u);

  // Screening again later changes no alert, and is itself on record.
  ASSERT_TRUE(screening.Screen(AsCustomer(p), absl::FromUnixMillis(9000), "list_change").ok());
  EXPECT_EQ(alerts.Get(a.alert_id())->value().first_detected_unix_ms(), 5000);
  absl::StatusOr<std::vector<v1::ScreeningRecord>> records = screening.Records("c1", 10);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  const v1::ScreeningRecord& last = (*records)[0];
  EXPECT_EQ(last.screened_unix_ms(), 9000);
  EXPECT_EQ(last.trigger(), "list_change");
  EXPECT_EQ(last.profile_version(), 3u);
  EXPECT_EQ(last.names_screened(), 3u);
  EXPECT_EQ(last.findings(), 2u);
  EXPECT_EQ(last.entries_hit(), 1u);
  ASSERT_EQ(last.lists_size(), 1);
  EXPECT_EQ(last.lists(0).list(), "csl");
  EXPECT_EQ(last.lists(0).entries(), 4226u);
  EXPECT_EQ(last.lists(0).sha256(), evidence["list_sha256"]);
  EXPECT_EQ((*records)[1].trigger(), "upsert");
  EXPECT_EQ(screening.Records("c1", 1)->size(), 1u);
  EXPECT_TRUE(screening.Records("nobody", 10)->empty());
}

class ListedOwnership : public ::testing::Test {
 protected:
  ListedOwnership() : lists_(Config()), alerts_(store_, false), customers_(store_, false) {
    EXPECT_EQ(lists_.Refresh(true).size(), 1u);
  }
  static ScreeningConfig Config() {
    ScreeningConfig c;
    c.csl_file = std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/csl_2023-11-30/csl.csv";
    return c;
  }
  // 30 % held by an SDN airline, 40 % by an Entity List university, as the
  // customer's direct owner.
  static v1::CustomerProfile Owned(double university_percent) {
    v1::CustomerProfile p;
    p.set_customer_id("owned");
    p.set_legal_name("Harbor Compute Ltd");
    v1::Person* b = p.add_beneficial_owners();
    b->set_name("Aerocaribbean Airlines");
    b->set_ownership_percent(30);
    v1::OwnershipLink* l = p.add_ownership_chain();
    l->set_owner_name("Northwestern Polytechnical University");
    l->set_owner_country("CN");
    l->set_ownership_percent(university_percent);
    return p;
  }

  PartyLists lists_;
  MemoryStore store_;
  AlertStore alerts_;
  CustomerRegistry customers_;
};

TEST_F(ListedOwnership, SharesOfListedOwnersAddUpToFiftyPercent) {
  CustomerScreening screening(lists_, store_, false, alerts_, customers_, true);
  ASSERT_TRUE(screening.Screen(AsCustomer(Owned(40)), absl::FromUnixMillis(1), "upsert").ok());
  std::map<std::string, v1::Alert> alerts = AlertsById(alerts_);
  ASSERT_TRUE(alerts.contains("listed_ownership/customer/owned/50_percent"));
  const v1::Alert& a = alerts["listed_ownership/customer/owned/50_percent"];
  EXPECT_EQ(a.severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(
      a.summary(),
      "customer owned is 70% owned by listed parties: it counts as listed under the 50 % rules");
}

TEST_F(ListedOwnership, WithoutTheAffiliatesRuleOnlySdnOwnersCount) {
  CustomerScreening screening(lists_, store_, false, alerts_, customers_, false);
  ASSERT_TRUE(screening.Screen(AsCustomer(Owned(40)), absl::FromUnixMillis(1), "upsert").ok());
  for (const auto& [id, a] : AlertsById(alerts_)) EXPECT_NE(a.rule(), "listed_ownership") << id;
}

TEST_F(ListedOwnership, AListedOwnerOfUnknownShareIsAHold) {
  CustomerScreening screening(lists_, store_, false, alerts_, customers_, true);
  ASSERT_TRUE(screening.Screen(AsCustomer(Owned(0)), absl::FromUnixMillis(1), "upsert").ok());
  std::map<std::string, v1::Alert> alerts = AlertsById(alerts_);
  ASSERT_TRUE(alerts.contains("listed_ownership/customer/owned/share_unknown"));
  EXPECT_EQ(alerts["listed_ownership/customer/owned/share_unknown"].severity(), v1::SEVERITY_HIGH);
  EXPECT_FALSE(alerts.contains("listed_ownership/customer/owned/50_percent"));
}

TEST_F(ListedOwnership, ScreenAllScreensEveryStoredCustomerAndKeepsARecordOfEach) {
  CustomerScreening screening(lists_, store_, false, alerts_, customers_, true);
  ASSERT_TRUE(customers_.Upsert(Owned(40), 1).ok());
  v1::CustomerProfile other;
  other.set_customer_id("other");
  other.set_legal_name("Quiet Harbor Analytics");
  ASSERT_TRUE(customers_.Upsert(other, 1).ok());
  absl::StatusOr<size_t> n = screening.ScreenAll(absl::FromUnixMillis(7), "list_change");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(screening.Records("other", 10)->front().trigger(), "list_change");
  EXPECT_EQ(screening.Records("owned", 10)->front().entries_hit(), 2u);
  EXPECT_TRUE(AlertsById(alerts_).contains("listed_ownership/customer/owned/50_percent"));
}

}  // namespace
}  // namespace redflag
