#include "detectors/lineage.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

using namespace redflag::v1;  // NOLINT: WorkloadKind values

LineageJob Job(const std::string& id, const std::string& customer, const std::string& model,
               const std::string& parent, double best, WorkloadKind w = WORKLOAD_KIND_PRETRAINING) {
  return LineageJob{id, customer, model, parent, w, Interval{best / 2, best, best * 3}, 1.0};
}

TEST(BuildLineages, FineTuneOfA9e25BaseWith2e25CrossesTheLevelAlthoughItIsSmallItself) {
  auto m = BuildLineages({Job("j1", "acct-a", "base", "", 9e25),
                          Job("j2", "acct-a", "chat", "base", 2e25, WORKLOAD_KIND_FINE_TUNING)},
                         LineageOptions());
  EXPECT_DOUBLE_EQ(m.at("chat").own.best, 2e25);
  EXPECT_DOUBLE_EQ(m.at("chat").cumulative.best, 1.1e26);  // >= 1e26
  EXPECT_DOUBLE_EQ(m.at("chat").cumulative.lower, 5.5e25);
  EXPECT_DOUBLE_EQ(m.at("chat").cumulative.upper, 3.3e26);
  EXPECT_DOUBLE_EQ(m.at("base").cumulative.best, 9e25);
  EXPECT_EQ(m.at("chat").ancestors, std::vector<std::string>{"base"});
}

TEST(BuildLineages, EveryAncestorCountsOnceAcrossChainsAndMerges) {
  // base -> cpt -> sft -> rl, and a merge of sft with another branch of base.
  auto m =
      BuildLineages({Job("j1", "a", "base", "", 1e25), Job("j2", "a", "cpt", "base", 2e24),
                     Job("j3", "a", "sft", "cpt", 1e23, WORKLOAD_KIND_FINE_TUNING),
                     Job("j4", "a", "rl", "sft", 3e23, WORKLOAD_KIND_REINFORCEMENT_LEARNING),
                     Job("j5", "a", "branch", "base", 4e23), Job("j6", "a", "merged", "rl", 1e21),
                     Job("j7", "a", "merged", "branch", 1e21)},
                    LineageOptions());
  EXPECT_DOUBLE_EQ(m.at("rl").cumulative.best, 1e25 + 2e24 + 1e23 + 3e23);
  EXPECT_DOUBLE_EQ(m.at("rl").cumulative_rate, 4.0);  // every job in its chain runs at 1 op/s
  // merged: its own 2e21 + rl's chain + branch, base only once.
  EXPECT_DOUBLE_EQ(m.at("merged").cumulative.best, 2e21 + 3e23 + 1e23 + 2e24 + 1e25 + 4e23);
  EXPECT_DOUBLE_EQ(m.at("merged").cumulative_rate, 7.0);  // 2 own + 5 ancestors' jobs, base once
  EXPECT_EQ(m.at("merged").parents, (std::vector<std::string>{"rl", "branch"}));
  EXPECT_EQ(m.at("merged").ancestors,
            (std::vector<std::string>{"rl", "branch", "sft", "base", "cpt"}));
}

TEST(BuildLineages, ParentInAnotherAccountCountsAndIsRecorded) {
  auto m = BuildLineages({Job("j1", "acct-lab", "open-base", "", 5e25),
                          Job("j2", "acct-other", "derived", "open-base", 6e25)},
                         LineageOptions());
  EXPECT_DOUBLE_EQ(m.at("derived").cumulative.best, 1.1e26);
  EXPECT_EQ(m.at("derived").customers, (std::vector<std::string>{"acct-other", "acct-lab"}));
}

TEST(BuildLineages, SyntheticDataCountsByDefaultAndCanBeExcluded) {
  std::vector<LineageJob> jobs = {
      Job("j1", "a", "m", "", 1e25),
      Job("j2", "a", "m", "", 3e24, WORKLOAD_KIND_SYNTHETIC_DATA_GENERATION)};
  EXPECT_DOUBLE_EQ(BuildLineages(jobs, LineageOptions()).at("m").cumulative.best, 1.3e25);
  LineageOptions off;
  off.count_synthetic_data = false;
  EXPECT_DOUBLE_EQ(BuildLineages(jobs, off).at("m").cumulative.best, 1e25);
}

TEST(BuildLineages, InferenceAndEvaluationDoNotTrainButUnlabelledJobsDo) {
  auto m = BuildLineages(
      {Job("j1", "a", "m", "", 1e24), Job("j2", "a", "m", "", 5e24, WORKLOAD_KIND_INFERENCE),
       Job("j3", "a", "m", "", 5e24, WORKLOAD_KIND_EVALUATION),
       Job("j4", "a", "m", "", 2e24, WORKLOAD_KIND_UNSPECIFIED)},
      LineageOptions());
  EXPECT_DOUBLE_EQ(m.at("m").own.best, 3e24);
  EXPECT_EQ(m.at("m").jobs, (std::vector<std::string>{"j1", "j4"}));
}

TEST(BuildLineages, UntrainedParentAppearsWithNothingOfItsOwn) {
  auto m = BuildLineages({Job("j1", "a", "ft", "llama-3-70b", 1e22, WORKLOAD_KIND_FINE_TUNING)},
                         LineageOptions());
  ASSERT_TRUE(m.contains("llama-3-70b"));
  EXPECT_EQ(m.at("llama-3-70b").own.best, 0);
  EXPECT_DOUBLE_EQ(m.at("ft").cumulative.best, 1e22);
}

TEST(BuildLineages, ALoopIsAFindingAndCountsNothingTwice) {
  auto m = BuildLineages({Job("j1", "a", "x", "y", 1e24), Job("j2", "a", "y", "x", 2e24)},
                         LineageOptions());
  EXPECT_DOUBLE_EQ(m.at("x").cumulative.best, 3e24);
  ASSERT_EQ(m.at("x").findings.size(), 1u);
  EXPECT_NE(m.at("x").findings[0].find("loops back"), std::string::npos);
}

}  // namespace
}  // namespace redflag::detectors
