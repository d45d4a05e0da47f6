#include "detectors/levels.h"

#include <gtest/gtest.h>

#include "detectors/catalog.h"

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

TEST(ProjectedOps, TheBestCarriedForwardAtTheRecentRate) {
  EXPECT_DOUBLE_EQ(ProjectedOps(8e25, 1e19, absl::Hours(24 * 30)), 8e25 + 1e19 * 2'592'000);
  EXPECT_DOUBLE_EQ(ProjectedOps(8e25, 0, absl::Hours(24 * 30)), 8e25);   // ended: no rate
  EXPECT_DOUBLE_EQ(ProjectedOps(8e25, -1, absl::Hours(24 * 30)), 8e25);  // never backwards
}

TEST(SeverityOf, APossibleCrossingIsTheConfiguredStepBelowTheLikelyOne) {
  const std::vector<Level> levels = DefaultLevels();
  const Level& critical = levels[3];
  EXPECT_EQ(SeverityOf({critical, Likelihood::kLikely}, 1), Severity::kCritical);
  EXPECT_EQ(SeverityOf({critical, Likelihood::kPossible}, 1), Severity::kHigh);
  EXPECT_EQ(SeverityOf({critical, Likelihood::kPossible}, 0), Severity::kCritical);
  EXPECT_EQ(SeverityOf({critical, Likelihood::kPossible}, 2), Severity::kWarning);
  EXPECT_EQ(SeverityOf({levels[0], Likelihood::kPossible}, 1), Severity::kInfo);  // never below
  EXPECT_EQ(SeverityOf({critical, Likelihood::kPossible}, 99), Severity::kInfo);
}

// A job on an accelerator the catalog does not know, however large, crosses
// levels only as "possible": there is no best estimate to call it likely.
TEST(Crossings, AnUnknownAcceleratorCrossesNoLevelAsLikely) {
  auto catalog = Catalog::Parse(
      "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url,aliases\n"
      "NVIDIA B200,NVIDIA,3.104e+13,6.208e+13,1.125e+15,2.25e+15,2.25e+15,4.5e+15,4.5e+15,src,\n",
      "t.csv");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  JobFacts f;
  f.accelerator_model = "Tesla V100-SXM2-16GB";             // not in this catalog
  f.totals.accelerator_ms = 100'000ull * 1000 * 3'600'000;  // 100,000 for 1,000 hours
  f.totals.accelerator_ms_by_precision[redflag::v1::PRECISION_FP16] = f.totals.accelerator_ms;
  f.totals.tensor_measured_accelerator_ms = f.totals.accelerator_ms;
  f.totals.tensor_active_accelerator_ms = 0.9 * static_cast<double>(f.totals.accelerator_ms);
  const Estimate e = EstimateJob(f, *catalog, EstimatorOptions());
  ASSERT_FALSE(e.has_best);
  const std::vector<Crossing> crossed = Crossings(e.ops, DefaultLevels());
  ASSERT_EQ(crossed.size(), 4u);  // upper 1.6e27
  for (const Crossing& c : crossed) EXPECT_EQ(c.likelihood, Likelihood::kPossible) << c.level.name;
  ASSERT_FALSE(e.issues.empty());
  EXPECT_EQ(e.issues[0].first, DataIssue::kUnknownAccelerator);
}

}  // namespace
}  // namespace redflag::detectors
