// Precision and recall on restricted parties as people write them outside the
// list files (press releases, enforcement notices, news), and on real
// organisations that share words with listed parties but are not listed:
// tests/data/screening/real_world_cases.csv, each case with its source.
#include <cstdio>
#include <map>

#include "absl/strings/str_split.h"
#include "detectors/csv.h"
#include "detectors/screening/test_lists.h"

namespace redflag::screening {
namespace {

using testing::CslIndex;
using testing::MixedOfacIndex;
using testing::ReadTestFile;
using testing::ScreenName;

struct Tally {
  int positives = 0, found = 0, wrong = 0, missed = 0, negatives = 0, false_hits = 0;
};

std::string Describe(const std::vector<Hit>& hits) {
  if (hits.empty()) return "no hit";
  return hits.front().matched_name + " (" + hits.front().entry->id + ", " +
         std::to_string(hits.front().score) + ")";
}

TEST(RealWorldCases, PrecisionAndRecallAtTheDefaultThreshold) {
  auto records = detectors::ParseCsv(ReadTestFile("real_world_cases.csv"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->front().fields,
            (std::vector<std::string>{"list", "kind", "query", "expected", "anchor", "source"}));
  Tally all;
  std::map<std::string, Tally> by_kind;
  for (size_t i = 1; i < records->size(); ++i) {
    const std::vector<std::string>& f = (*records)[i].fields;
    ASSERT_EQ(f.size(), 6u) << "line " << (*records)[i].line;
    ASSERT_FALSE(f[5].empty()) << "line " << (*records)[i].line << " has no source";
    Tally& k = by_kind[f[1]];
    if (f[0] == "both") {
      ASSERT_TRUE(f[3].empty()) << "line " << (*records)[i].line;
      for (const ScreeningIndex* index : {&MixedOfacIndex(), &CslIndex()}) {
        std::vector<Hit> hits = ScreenName(*index, f[2]);
        if (hits.empty()) continue;
        std::printf("  false hit  %-50s -> %s\n", f[2].c_str(), Describe(hits).c_str());
        ++all.false_hits;
        ++k.false_hits;
        break;
      }
      ++all.negatives;
      ++k.negatives;
      continue;
    }
    ASSERT_TRUE(f[0] == "ofac" || f[0] == "csl") << "line " << (*records)[i].line;
    std::vector<std::string> expected = absl::StrSplit(f[3], ' ', absl::SkipEmpty());
    ASSERT_FALSE(expected.empty()) << "line " << (*records)[i].line;
    std::vector<Hit> hits = ScreenName(f[0] == "csl" ? CslIndex() : MixedOfacIndex(), f[2]);
    for (Tally* t : {&all, &k}) {
      ++t->positives;
      if (hits.empty()) {
        ++t->missed;
      } else if (std::find(expected.begin(), expected.end(), hits.front().entry->id) !=
                 expected.end()) {
        ++t->found;
      } else {
        ++t->wrong;
      }
    }
    if (hits.empty() ||
        std::find(expected.begin(), expected.end(), hits.front().entry->id) == expected.end()) {
      std::printf("  %-12s %-4s %-50s -> %s (wanted %s)\n", f[1].c_str(), f[0].c_str(),
                  f[2].c_str(), Describe(hits).c_str(), f[4].c_str());
    }
  }
  for (const auto& [name, t] : by_kind) {
    std::printf("%-13s positives %3d found %3d wrong %3d missed %3d negatives %3d false hits %3d\n",
                name.c_str(), t.positives, t.found, t.wrong, t.missed, t.negatives, t.false_hits);
  }
  ASSERT_GE(all.positives, 100);
  ASSERT_GE(all.negatives, 100);
  // A wrong entry and a hit on a negative are both false positives.
  const int false_positives = all.wrong + all.false_hits;
  const double precision = static_cast<double>(all.found) / (all.found + false_positives);
  const double recall = static_cast<double>(all.found) / all.positives;
  std::printf("real_world_cases.csv: positives %d, negatives %d: precision %.3f recall %.3f\n",
              all.positives, all.negatives, precision, recall);
  EXPECT_GE(precision, 0.95);
  EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace redflag::screening
