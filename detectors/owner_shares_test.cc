#include "detectors/owner_shares.h"

#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

TEST(OwnerShares, DirectAndThroughTheChain) {
  v1::CustomerProfile p;
  v1::Person* b = p.add_beneficial_owners();
  b->set_name("Ivan Petrov");
  b->set_ownership_percent(30);
  p.add_beneficial_owners()->set_name("Unknown Share");
  for (auto [name, pct] : {std::pair{"Mid BV", 80.0}, std::pair{"Top Ltd", 50.0},
                           std::pair{"Apex", 0.0}, std::pair{"Beyond", 100.0}}) {
    v1::OwnershipLink* l = p.add_ownership_chain();
    l->set_owner_name(name);
    l->set_ownership_percent(pct);
  }
  std::vector<OwnerShare> s = OwnerShares(p);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].field, "beneficial_owners[0].name");
  EXPECT_DOUBLE_EQ(s[0].percent, 30);
  EXPECT_FALSE(s[1].known);
  EXPECT_EQ(s[2].field, "ownership_chain[0].owner_name");
  EXPECT_DOUBLE_EQ(s[2].percent, 80);
  EXPECT_DOUBLE_EQ(s[3].percent, 40);  // 50 % of 80 %
  EXPECT_FALSE(s[4].known);            // share not stated
  EXPECT_FALSE(s[5].known);            // above an unknown link
}

}  // namespace
}  // namespace redflag::detectors
