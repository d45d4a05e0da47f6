#include "detectors/adversary_link.h"

#include "detectors/shipped_country_policy.h"
#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

v1::CustomerProfile Customer(const std::string& hq) {
  v1::CustomerProfile p;
  p.set_customer_id("c");
  p.set_legal_name("Acme AI");
  p.set_headquarters_country(hq);
  return p;
}

std::vector<AdversaryLink> Links(const v1::CustomerProfile& c, absl::CivilDay day) {
  return FindAdversaryLinks(c, FindUltimateParent(c, [](const std::string&) { return nullptr; }),
                            ShippedCountryPolicy(), day);
}

TEST(AdversaryLink, ACambodianHeadquartersCountsBeforeTheRemovalOnly) {
  v1::CustomerProfile kh = Customer("KH");
  std::vector<AdversaryLink> before = Links(kh, absl::CivilDay(2026, 1, 15));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].basis, "headquarters");
  EXPECT_EQ(before[0].country, "KH");
  EXPECT_EQ(before[0].row->group, "d5");
  EXPECT_TRUE(Links(kh, absl::CivilDay(2026, 2, 3)).empty());
  EXPECT_TRUE(Links(kh, absl::CivilDay(2026, 11, 24)).empty());
}

TEST(AdversaryLink, AD5ParentBehindTwoAiaSubsidiariesLinksAUsCustomer) {
  v1::CustomerProfile c = Customer("US");
  for (auto [name, country, pct] :
       {std::tuple{"Acme Europe BV", "NL", 100.0}, std::tuple{"Acme Japan KK", "JP", 100.0},
        std::tuple{"Dragon Holdings", "CN", 60.0}}) {
    v1::OwnershipLink* l = c.add_ownership_chain();
    l->set_owner_name(name);
    l->set_owner_country(country);
    l->set_ownership_percent(pct);
  }
  std::vector<AdversaryLink> links = Links(c, absl::CivilDay(2026, 11, 24));
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].basis, "ultimate parent by ownership");
  EXPECT_EQ(links[0].entity, "Dragon Holdings");
  EXPECT_EQ(links[0].country, "CN");
}

TEST(AdversaryLink, DeclaredParentMacauAndHongKongCount) {
  v1::CustomerProfile c = Customer("SG");
  c.set_ultimate_parent_name("Lotus Holdings");
  c.set_ultimate_parent_country("MO");
  std::vector<AdversaryLink> links = Links(c, absl::CivilDay(2026, 11, 24));
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].basis, "declared ultimate parent");
  EXPECT_EQ(links[0].row->group, "macau");
  std::vector<AdversaryLink> hk = Links(Customer("HK"), absl::CivilDay(2026, 11, 24));
  ASSERT_EQ(hk.size(), 1u);
  EXPECT_EQ(hk[0].country, "HK");
  EXPECT_EQ(hk[0].row->country, "CN");
}

TEST(AdversaryLink, AiaAndOtherCountriesAreNotLinked) {
  for (const char* cc : {"US", "DE", "JP", "SG", "AE", "IN", "CY", ""}) {
    EXPECT_TRUE(Links(Customer(cc), absl::CivilDay(2026, 11, 24)).empty()) << cc;
  }
  // A 30 % Russian owner is named by the walk, but is no parent.
  v1::CustomerProfile c = Customer("DE");
  v1::OwnershipLink* l = c.add_ownership_chain();
  l->set_owner_name("Red Fund");
  l->set_owner_country("RU");
  l->set_ownership_percent(30);
  EXPECT_TRUE(Links(c, absl::CivilDay(2026, 11, 24)).empty());
}

}  // namespace
}  // namespace redflag::detectors
