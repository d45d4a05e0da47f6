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
