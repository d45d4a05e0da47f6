#include "detectors/reportable_runs.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

constexpr auto kPretraining = v1::WORKLOAD_KIND_PRETRAINING;
constexpr auto kBio = v1::WORKLOAD_KIND_BIOLOGICAL_SEQUENCE;

TEST(ReportableRuns, ARunOver1e26IsReportableAsLikelyOrPossible) {
  const ReportingPolicy p = ProposedReportingPolicy();
  std::vector<ReportableRun> likely = ReportableUnder({1e26, 1.2e26, 2e26}, kPretraining, p);
  ASSERT_EQ(likely.size(), 1u);
  EXPECT_EQ(likely[0].duty, "runs");
  EXPECT_EQ(likely[0].likelihood, Likelihood::kLikely);
  EXPECT_EQ(likely[0].source.status, "proposed");
  std::vector<ReportableRun> possible = ReportableUnder({5e25, 8e25, 1.5e26}, kPretraining, p);
  ASSERT_EQ(possible.size(), 1u);
  EXPECT_EQ(possible[0].likelihood, Likelihood::kPossible);
  // "More than": a run of exactly 1e26 at its upper bound is not reportable.
  EXPECT_TRUE(ReportableUnder({5e25, 9e25, 1e26}, kPretraining, p).empty());
}

TEST(ReportableRuns, ABiologicalSequenceRunOver1e23IsReportableOnlyUnderEo14110) {
  const Interval ops{2e23, 3e23, 5e23};
  EXPECT_TRUE(ReportableUnder(ops, kBio, ProposedReportingPolicy()).empty());
  std::vector<ReportableRun> eo = ReportableUnder(ops, kBio, Eo14110ReportingPolicy());
  ASSERT_EQ(eo.size(), 1u);
  EXPECT_EQ(eo[0].duty, "biological_sequence_runs");
  EXPECT_EQ(eo[0].threshold, 1e23);
  EXPECT_EQ(eo[0].source.status, "revoked");
  // The same operations in another workload are far below 1e26.
  EXPECT_TRUE(ReportableUnder(ops, kPretraining, Eo14110ReportingPolicy()).empty());
  // Just under: upper bound 1e23 exactly.
  EXPECT_TRUE(ReportableUnder({5e22, 8e22, 1e23}, kBio, Eo14110ReportingPolicy()).empty());
  // A biological run over 1e26 is reportable under both duties, the lower first.
  std::vector<ReportableRun> both =
      ReportableUnder({2e26, 3e26, 4e26}, kBio, Eo14110ReportingPolicy());
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].duty, "biological_sequence_runs");
  EXPECT_EQ(both[1].duty, "runs");
}

TEST(ReportableRuns, ADutyTurnedOffReportsNothing) {
  ReportingPolicy p = ProposedReportingPolicy();
  p.runs.on = false;
  EXPECT_TRUE(ReportableUnder({2e26, 3e26, 4e26}, kPretraining, p).empty());
}

}  // namespace
}  // namespace redflag::detectors
