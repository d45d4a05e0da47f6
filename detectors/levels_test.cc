#include "detectors/levels.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

TEST(Crossings, UpperMeansPossibleBestMeansLikely) {
  // best 2e25, upper 6e25: likely past 1e24 and 1e25, possibly past 5e25,
  // not past 1e26.
  auto c = Crossings(Interval{1e25, 2e25, 6e25}, DefaultLevels());
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].level.name, "1e24");
  EXPECT_EQ(c[0].likelihood, Likelihood::kLikely);
  EXPECT_EQ(c[1].level.name, "1e25");
  EXPECT_EQ(c[1].likelihood, Likelihood::kLikely);
  EXPECT_EQ(c[2].level.name, "5e25");
  EXPECT_EQ(c[2].likelihood, Likelihood::kPossible);
  EXPECT_EQ(c[2].level.severity, Severity::kHigh);
}

TEST(Crossings, ExactlyTheLevelCounts) {
  auto c = Crossings(Interval{5e25, 1e26, 3e26}, DefaultLevels());
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[3].level.name, "4e091");
  EXPECT_EQ(c[3].level.severity, Severity::kCritical);
  EXPECT_EQ(c[3].likelihood, Likelihood::kLikely);
}

TEST(Levels, ConfiguredNumbersNameTheirLevelsAndTheTopIsTheExportControlLevel) {
  auto l = Levels(3e23, 1e25, 5e25, 1e26);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0].name, "3e23");
  EXPECT_EQ(l[2].name, "5e25");
  EXPECT_EQ(l[3].name, "4e091");
  EXPECT_EQ(l[3].severity, Severity::kCritical);
}

TEST(ProjectCrossing, DateAtTheRecentRateWithinTheHorizon) {
  const absl::Time now = absl::FromUnixSeconds(1'790'812'800);  // 2026-10-01
  const Level l{"4e091", 1e26, Severity::kCritical};
  // 8e25 done, 2e25 to go at 1e19 op/s: 2e6 s = 23.15 days, inside 30.
  auto when = ProjectCrossing(8e25, 1e19, l, now, absl::Hours(24 * 30));
  ASSERT_TRUE(when.has_value());
  EXPECT_EQ(*when, now + absl::Seconds(2e6));
  // Half the rate: 46 days, beyond the horizon.
  EXPECT_FALSE(ProjectCrossing(8e25, 5e18, l, now, absl::Hours(24 * 30)).has_value());
  // Already crossed, or not growing: no projection.
  EXPECT_FALSE(ProjectCrossing(1e26, 1e19, l, now, absl::Hours(24 * 30)).has_value());
  EXPECT_FALSE(ProjectCrossing(8e25, 0, l, now, absl::Hours(24 * 30)).has_value());
}

}  // namespace
}  // namespace redflag::detectors
