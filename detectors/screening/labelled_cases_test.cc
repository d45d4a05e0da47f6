// Precision and recall on the labelled sets built from the real list files
// (tests/data/screening/make_labelled_cases.py says how), at the default
// options the daemon ships with: the development set the matcher was tuned
// on, and a hold-out set drawn after tuning ended.
#include <cstdio>
#include <map>

#include "absl/strings/str_split.h"
#include "detectors/csv.h"
#include "detectors/screening/test_lists.h"

namespace redflag::screening {
namespace {

using testing::CslIndex;
using testing::OfacIndex;
using testing::ReadTestFile;
using testing::ScreenName;

struct Tally {
  int positives = 0, true_positives = 0, false_positives = 0, missed = 0, negatives = 0;
};

class LabelledCases : public ::testing::TestWithParam<const char*> {};

TEST_P(LabelledCases, PrecisionAndRecallOnRealLists) {
  auto records = detectors::ParseCsv(ReadTestFile(GetParam()));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_GT(records->size(), 100u);
  ASSERT_EQ(records->front().fields, (std::vector<std::string>{"list", "category", "query",
                                                               "country", "expected", "anchor"}));
  Tally all;
  std::map<std::string, Tally> by_category;
  for (size_t i = 1; i < records->size(); ++i) {
    const std::vector<std::string>& f = (*records)[i].fields;
    ASSERT_EQ(f.size(), 6u) << "line " << (*records)[i].line;
    const ScreeningIndex& index = f[0] == "csl" ? CslIndex() : OfacIndex();
    std::vector<Hit> hits = ScreenName(index, f[2], f[3]);
    std::vector<std::string> expected = absl::StrSplit(f[4], ' ', absl::SkipEmpty());
    Tally& c = by_category[f[1]];
    for (Tally* t : {&all, &c}) {
      if (expected.empty()) {
        ++t->negatives;
        if (!hits.empty()) ++t->false_positives;
        continue;
      }
      ++t->positives;
      if (hits.empty()) {
        ++t->missed;
      } else if (std::find(expected.begin(), expected.end(), hits.front().entry->id) !=
                 expected.end()) {
        ++t->true_positives;
      } else {
        ++t->false_positives;
      }
    }
    const bool right = expected.empty()
                           ? hits.empty()
                           : !hits.empty() && std::find(expected.begin(), expected.end(),
                                                        hits.front().entry->id) != expected.end();
    if (!right) {
      std::printf("  %-15s %s %-50s -> %s\n", f[1].c_str(), f[0].c_str(), f[2].c_str(),
                  hits.empty() ? "no hit"
                               : (hits.front().matched_name + " (" + hits.front().entry->id + ", " +
                                  std::to_string(hits.front().score) + ")")
                                     .c_str());
    }
  }
  for (const auto& [name, t] : by_category) {
    std::printf("%-16s positives %3d found %3d wrong %3d missed %3d negatives %3d\n", name.c_str(),
                t.positives, t.true_positives, t.false_positives, t.missed, t.negatives);
  }
  const double precision =
      static_cast<double>(all.true_positives) / (all.true_positives + all.false_positives);
  const double recall = static_cast<double>(all.true_positives) / all.positives;
  std::printf("%s: cases %d (positives %d, negatives %d): precision %.3f recall %.3f\n", GetParam(),
              all.positives + all.negatives, all.positives, all.negatives, precision, recall);
  EXPECT_GE(precision, 0.97);
  EXPECT_GE(recall, 0.95);
}

INSTANTIATE_TEST_SUITE_P(RealLists, LabelledCases,
                         ::testing::Values("labelled_cases.csv", "labelled_cases_holdout.csv"));

}  // namespace
}  // namespace redflag::screening
