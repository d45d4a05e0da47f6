#include "detectors/screening/similarity.h"

#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

TEST(JaroWinkler, KnownValues) {
  EXPECT_DOUBLE_EQ(JaroWinkler("martha", "martha"), 1.0);
  // The textbook examples (Winkler 1990): MARTHA/MARHTA 0.961, DWAYNE/DUANE
  // 0.84, DIXON/DICKSONX 0.813.
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "abc"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("dwayne", "duane"), JaroWinkler("duane", "dwayne"));
}

TEST(DamerauLevenshtein, CountsEachKindOfEditOnce) {
  EXPECT_EQ(DamerauLevenshtein("sberbank", "sberbank"), 0);
  EXPECT_EQ(DamerauLevenshtein("sberbank", "sberbnak"), 1);   // swap
  EXPECT_EQ(DamerauLevenshtein("sberbank", "sberbak"), 1);    // deletion
  EXPECT_EQ(DamerauLevenshtein("sberbank", "sberrbank"), 1);  // insertion
  EXPECT_EQ(DamerauLevenshtein("sberbank", "sberbonk"), 1);   // substitution
  EXPECT_EQ(DamerauLevenshtein("kitten", "sitting"), 3);
  EXPECT_EQ(DamerauLevenshtein("", "abc"), 3);
  EXPECT_DOUBLE_EQ(EditSimilarity("abcd", "abce"), 0.75);
  EXPECT_DOUBLE_EQ(EditSimilarity("", ""), 1.0);
}

}  // namespace
}  // namespace redflag::screening

namespace redflag::screening {
namespace {

// The bounded distance is the distance whenever it is within the bound, and
// says "more" otherwise, for every pair of a mixed sample.
TEST(DamerauLevenshteinAtMost, AgreesWithTheFullDistanceWithinTheBound) {
  const char* words[] = {"",
                         "a",
                         "ab",
                         "ba",
                         "kitten",
                         "sitting",
                         "beijing",
                         "beijingkeji",
                         "aerocaribbean",
                         "aerocarribean",
                         "rosoboroneksport",
                         "rosoboronexport",
                         "abcdefghij",
                         "jihgfedcba"};
  for (const char* a : words) {
    for (const char* b : words) {
      const int full = DamerauLevenshtein(a, b);
      for (int max = 0; max <= 12; ++max) {
        const int bounded = DamerauLevenshteinAtMost(a, b, max);
        if (full <= max) {
          EXPECT_EQ(bounded, full) << a << " / " << b << " max " << max;
        } else {
          EXPECT_EQ(bounded, max + 1) << a << " / " << b << " max " << max;
        }
      }
    }
  }
}

}  // namespace
}  // namespace redflag::screening
