#include "detectors/foreign_person.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

v1::CustomerProfile Us() {
  v1::CustomerProfile p;
  p.set_customer_id("acct-us");
  p.set_legal_name("Example Inc");
  p.set_headquarters_country("US");
  return p;
}

UltimateParent Walk(const v1::CustomerProfile& p) {
  return FindUltimateParent(p, [](const std::string&) { return nullptr; });
}

TEST(ForeignPerson, AUsCustomerWithAUsOrNoParentIsNot) {
  v1::CustomerProfile p = Us();
  EXPECT_FALSE(ForeignBasis(p, Walk(p)).has_value());
  p.set_ultimate_parent_name("Example Holdings");
  p.set_ultimate_parent_country("US");
  EXPECT_FALSE(ForeignBasis(p, Walk(p)).has_value());
}

TEST(ForeignPerson, HeadquartersOrUltimateParentOutsideTheUsOrUnknownIs) {
  v1::CustomerProfile gb = Us();
  gb.set_headquarters_country("GB");
  EXPECT_EQ(ForeignBasis(gb, Walk(gb)), "headquarters GB");
  v1::CustomerProfile unknown = Us();
  unknown.clear_headquarters_country();
  EXPECT_EQ(ForeignBasis(unknown, Walk(unknown)), "headquarters unknown");
  v1::CustomerProfile declared = Us();
  declared.set_ultimate_parent_name("Dragon Holdings");
  declared.set_ultimate_parent_country("CN");
  EXPECT_EQ(ForeignBasis(declared, Walk(declared)), "ultimate parent Dragon Holdings (CN)");
  // Found by the walk up the ownership chain, though not declared.
  v1::CustomerProfile owned = Us();
  v1::OwnershipLink* l = owned.add_ownership_chain();
  l->set_owner_name("Maple Capital");
  l->set_owner_country("CA");
  l->set_ownership_percent(80);
  std::optional<std::string> basis = ForeignBasis(owned, Walk(owned));
  ASSERT_TRUE(basis.has_value());
  EXPECT_EQ(basis->rfind("ultimate parent Maple Capital (CA)", 0), 0u) << *basis;
  // A minority owner abroad does not make the customer foreign.
  l->set_ownership_percent(30);
  EXPECT_FALSE(ForeignBasis(owned, Walk(owned)).has_value());
}

TEST(ForeignPerson, ARecordIsDueFromTheCrossingAndOverdueOnlyAsADraft) {
  const absl::Time crossed = absl::FromUnixSeconds(1785542400);  // 2026-08-01
  const absl::Time opened = crossed + absl::Hours(24 * 100);
  EXPECT_EQ(RecordDue(crossed, opened, 15), crossed + absl::Hours(24 * 15));
  // A crossing dated after the opening (clock skew) counts from the opening.
  EXPECT_EQ(RecordDue(opened + absl::Hours(1), opened, 15), opened + absl::Hours(24 * 15));
  const absl::Time due = RecordDue(crossed, opened, 15);
  EXPECT_TRUE(IsOverdue(false, due, due + absl::Seconds(1)));
  EXPECT_FALSE(IsOverdue(false, due, due));
  EXPECT_FALSE(IsOverdue(true, due, due + absl::Hours(1)));
}

}  // namespace
}  // namespace redflag::detectors
