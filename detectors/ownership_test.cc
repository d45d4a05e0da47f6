#include "detectors/ownership.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

v1::CustomerProfile Profile(const std::string& id, const std::string& name, const std::string& hq) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  p.set_legal_name(name);
  p.set_headquarters_country(hq);
  return p;
}

void Link(v1::CustomerProfile& p, const std::string& owner, const std::string& country,
          double percent, const std::string& owner_id = "") {
  v1::OwnershipLink* l = p.add_ownership_chain();
  l->set_owner_name(owner);
  l->set_owner_country(country);
  l->set_ownership_percent(percent);
  l->set_owner_customer_id(owner_id);
}

struct Profiles {
  std::map<std::string, v1::CustomerProfile> by_id;
  std::function<const v1::CustomerProfile*(const std::string&)> lookup() const {
    return [this](const std::string& id) -> const v1::CustomerProfile* {
      auto it = by_id.find(id);
      return it == by_id.end() ? nullptr : &it->second;
    };
  }
};

TEST(Ownership, AD5ParentBehindTwoAiaSubsidiariesIsFound) {
  v1::CustomerProfile c = Profile("acme-us", "Acme Cloud Inc", "US");
  Link(c, "Acme Europe BV", "NL", 100);
  Link(c, "Acme Japan KK", "JP", 100);
  Link(c, "Dragon Holdings Ltd", "CN", 60);
  UltimateParent u = FindUltimateParent(c, Profiles().lookup());
  EXPECT_EQ(u.parent().name, "Dragon Holdings Ltd");
  EXPECT_EQ(u.parent().country, "CN");
  EXPECT_EQ(u.path.size(), 4u);
  EXPECT_EQ(u.PathText(),
            "Acme Cloud Inc (US) <- 100% Acme Europe BV (NL) <- 100% Acme Japan KK (JP) <- 60% "
            "Dragon Holdings Ltd (CN)");
  EXPECT_FALSE(u.cycle);
  EXPECT_FALSE(u.truncated);
}

TEST(Ownership, TheWalkContinuesThroughOwnersThatAreCustomers) {
  Profiles all;
  v1::CustomerProfile c = Profile("leaf", "Leaf AI", "SG");
  Link(c, "Mid Holdings", "", 100, "mid");
  v1::CustomerProfile mid = Profile("mid", "Mid Holdings", "IE");
  Link(mid, "Top Group", "MO", 0);  // share unknown: still control
  all.by_id["mid"] = mid;
  UltimateParent u = FindUltimateParent(c, all.lookup());
  EXPECT_EQ(u.PathText(), "Leaf AI (SG) <- 100% Mid Holdings (IE) <- Top Group (MO)");
  EXPECT_EQ(u.parent().country, "MO");
}

TEST(Ownership, CyclesEndTheWalkAndAreReported) {
  Profiles all;
  v1::CustomerProfile a = Profile("a", "Alpha", "US");
  Link(a, "Beta", "GB", 100, "b");
  v1::CustomerProfile b = Profile("b", "Beta", "GB");
  Link(b, "Alpha", "US", 100, "a");
  all.by_id["a"] = a;
  all.by_id["b"] = b;
  UltimateParent u = FindUltimateParent(a, all.lookup());
  EXPECT_TRUE(u.cycle);
  EXPECT_EQ(u.parent().name, "Beta");
  EXPECT_EQ(u.PathText(), "Alpha (US) <- 100% Beta (GB) <- (cycle)");

  v1::CustomerProfile self = Profile("s", "Self", "US");
  Link(self, "Self", "US", 100);  // owns itself, by name
  EXPECT_TRUE(FindUltimateParent(self, all.lookup()).cycle);
}

TEST(Ownership, DepthIsLimited) {
  Profiles all;
  for (int i = 0; i < 40; ++i) {
    v1::CustomerProfile p = Profile(absl::StrCat("c", i), absl::StrCat("Co ", i), "US");
    Link(p, absl::StrCat("Co ", i + 1), "US", 100, absl::StrCat("c", i + 1));
    all.by_id[p.customer_id()] = p;
  }
  UltimateParent u = FindUltimateParent(all.by_id["c0"], all.lookup(), 16);
  EXPECT_TRUE(u.truncated);
  EXPECT_EQ(u.path.size(), 17u);
}

TEST(Ownership, MinorityOwnersAreNamedButNotParents) {
  v1::CustomerProfile c = Profile("x", "Xeno Labs", "DE");
  Link(c, "Xeno Holding", "DE", 80);
  Link(c, "Red Fund", "RU", 30);
  UltimateParent u = FindUltimateParent(c, Profiles().lookup());
  EXPECT_EQ(u.parent().name, "Xeno Holding");
  ASSERT_EQ(u.minority_owners.size(), 1u);
  EXPECT_EQ(u.minority_owners[0].country, "RU");
}

TEST(Ownership, NoChainMeansTheCustomerIsItsOwnParentUnlessDeclaredOtherwise) {
  v1::CustomerProfile c = Profile("solo", "Solo GmbH", "DE");
  UltimateParent u = FindUltimateParent(c, Profiles().lookup());
  EXPECT_EQ(u.parent().name, "Solo GmbH");
  EXPECT_FALSE(u.declared_differs);
  c.set_ultimate_parent_name("Far Away Group");
  c.set_ultimate_parent_country("CN");
  EXPECT_TRUE(FindUltimateParent(c, Profiles().lookup()).declared_differs);
}

}  // namespace
}  // namespace redflag::detectors
