#include "detectors/access_geography.h"

#include "detectors/shipped_country_policy.h"
#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

const CountryPolicy& Policy() { return ShippedCountryPolicy(); }

TEST(AccessGeography, D5MacauAndAnonymisersAreFlaggedOnce) {
  const absl::CivilDay day(2026, 11, 24);
  AccessTally t;
  t.Add("US", false, day, Policy());
  t.Add("CN", false, day, Policy());
  t.Add("MO", false, day, Policy());
  t.Add("DE", true, day, Policy());  // anonymiser
  t.Add("RU", true, day, Policy());  // both: one flagged event
  t.Add("", false, day, Policy());   // unknown country
  EXPECT_EQ(t.events, 6u);
  EXPECT_EQ(t.flagged, 4u);
  EXPECT_EQ(t.anonymizer, 2u);
  EXPECT_EQ(t.flagged_by_country,
            (std::map<std::string, uint64_t>{{"CN", 1}, {"MO", 1}, {"RU", 1}}));
  EXPECT_EQ(t.by_country.at(""), 1u);
  EXPECT_DOUBLE_EQ(t.flagged_share(), 4.0 / 6.0);
}

TEST(AccessGeography, CambodianAddressesCountUntilTheRemoval) {
  AccessTally t;
  t.Add("KH", false, absl::CivilDay(2026, 2, 2), Policy());
  t.Add("KH", false, absl::CivilDay(2026, 2, 3), Policy());
  EXPECT_EQ(t.flagged, 1u);
}

TEST(AccessGeography, AFindingNeedsEnoughEventsAndTheShare) {
  const absl::CivilDay day(2026, 11, 24);
  AccessThresholds th{.min_events = 10, .flagged_share = 0.2};
  AccessTally t;
  for (int i = 0; i < 8; ++i) t.Add("US", false, day, Policy());
  t.Add("CN", false, day, Policy());
  EXPECT_FALSE(IsAccessFinding(t, th));  // 9 events: too few to judge
  t.Add("CN", false, day, Policy());
  EXPECT_TRUE(IsAccessFinding(t, th));  // 2 of 10 = 20 %
  t.Add("US", false, day, Policy());
  EXPECT_FALSE(IsAccessFinding(t, th));  // 2 of 11
  EXPECT_FALSE(IsAccessFinding(AccessTally(), th));
}

}  // namespace
}  // namespace redflag::detectors
