#include "detectors/screening/screening_index.h"

#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

using testing::CslIndex;
using testing::OfacIndex;
using testing::ScreenName;

TEST(ScreeningIndex, IndexesEveryNameAndAliasOfTheFullCsl) {
  size_t names = 0;
  for (const ListEntry& e : CslIndex().entries()) names += 1 + e.aliases.size();
  // Every listed name is indexed, plus the variants of parenthesised names.
  EXPECT_GE(CslIndex().name_count(), names);
  EXPECT_EQ(CslIndex().problems().size(), 1u);
}

TEST(ScreeningIndex, AHitCarriesEntryListNameScoreAndReason) {
  std::vector<Hit> hits = ScreenName(OfacIndex(), "Aerocaribbean Airlines Co.");
  ASSERT_FALSE(hits.empty());
  const Hit& hit = hits.front();
  EXPECT_EQ(hit.entry->id, "36");
  EXPECT_EQ(hit.entry->source_code, "SDN");
  EXPECT_EQ(hit.matched_name, "AEROCARIBBEAN AIRLINES");
  EXPECT_FALSE(hit.alias);
  EXPECT_TRUE(hit.exact);
  EXPECT_DOUBLE_EQ(hit.score, 1.0);
  EXPECT_EQ(hit.reason,
            "same words after normalisation (legal form ignored); primary name of SDN entry 36");
}

TEST(ScreeningIndex, TyposAndSpacingAreFuzzyHitsBelowCertainty) {
  std::vector<Hit> hits = ScreenName(OfacIndex(), "Aero Carribean Airlines");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "36");
  EXPECT_FALSE(hits.front().exact);
  EXPECT_LT(hits.front().score, 1.0);
  EXPECT_NE(hits.front().reason.find("spaced differently"), std::string::npos);

  hits = ScreenName(OfacIndex(), "Tamils Rehabilitaton Organisation");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "10486");
  EXPECT_NE(hits.front().reason.find("Jaro-Winkler"), std::string::npos);
}

TEST(ScreeningIndex, ParenthesisedAcronymsAreNamesToo) {
  for (const char* q : {"National University of Defense Technology", "NUDT"}) {
    std::vector<Hit> hits = ScreenName(CslIndex(), q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(hits.front().matched_name, "National University of Defense Technology (NUDT)") << q;
    EXPECT_TRUE(hits.front().exact) << q;
  }
}

TEST(ScreeningIndex, ArabicScriptIsComparedByConsonantsAndNeverCertain) {
  std::vector<Hit> hits = ScreenName(OfacIndex(), "بانک ملت");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().matched_name, "BANK MELLAT");
  EXPECT_LT(hits.front().score, 1.0);
  EXPECT_FALSE(hits.front().exact);
  EXPECT_EQ(hits.front().reason.rfind("transliterated from Arabic; consonants compared", 0), 0u);
}

TEST(ScreeningIndex, CountryBreaksTiesAndIsNamedInTheReason) {
  // Two listed parties normalise to the same words; the query's country
  // decides which comes first.
  std::vector<Hit> plain = ScreenName(OfacIndex(), "Bank Melli Iran");
  ASSERT_GE(plain.size(), 2u);
  EXPECT_DOUBLE_EQ(plain[0].score, plain[1].score);
  const std::string country = "RU";  // BANK MELLI IRAN ZAO is in Moscow
  std::vector<Hit> with = ScreenName(OfacIndex(), "Bank Melli Iran", country);
  ASSERT_FALSE(with.empty());
  EXPECT_EQ(with.front().matched_name, "BANK MELLI IRAN ZAO");
  EXPECT_TRUE(with.front().country_match);
  EXPECT_NE(with.front().reason.find("country RU matches the listing"), std::string::npos);

  // The boost lifts a near hit over the threshold.
  ScreeningOptions strict;
  strict.threshold = 0.9;
  strict.country_boost = 0.0;
  std::vector<Hit> without_boost = ScreenName(OfacIndex(), "Bank Meli Iran", "", strict);
  strict.country_boost = 0.05;
  std::vector<Hit> boosted = ScreenName(OfacIndex(), "Bank Meli Iran", "IR", strict);
  ASSERT_FALSE(boosted.empty());
  EXPECT_TRUE(without_boost.empty() || without_boost.front().score < boosted.front().score);
}

TEST(ScreeningIndex, ThresholdAndHitLimitAreHonoured) {
  ScreeningOptions options;
  options.threshold = 0.5;
  options.max_hits = 3;
  std::vector<Hit> hits =
      ScreenName(OfacIndex(), "Islamic Republic of Iran Shipping Lines", "", options);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].entry->id, "25396");
  EXPECT_GE(hits[0].score, hits[1].score);
  EXPECT_GE(hits[1].score, hits[2].score);
  options.threshold = 1.0;
  for (const Hit& h :
       ScreenName(OfacIndex(), "Islamic Republic of Iran Shipping Lines", "", options)) {
    EXPECT_DOUBLE_EQ(h.score, 1.0);
  }
}

TEST(ScreeningIndex, CommonWesternNamesAndEmptyQueriesFindNothing) {
  for (const char* q : {"Bank of America", "General Electric", "Deutsche Bank AG",
                        "Intel Corporation", "Visa Inc.", "Johnson & Johnson", "", "Ltd."}) {
    EXPECT_TRUE(ScreenName(CslIndex(), q).empty()) << q;
    EXPECT_TRUE(ScreenName(OfacIndex(), q).empty()) << q;
  }
}

TEST(ScreeningIndex, AnEmptyListFindsNothing) {
  std::unique_ptr<ScreeningIndex> empty = ScreeningIndex::Build({}, testing::TestNormalizer());
  EXPECT_TRUE(ScreenName(*empty, "Sberbank").empty());
}

}  // namespace
}  // namespace redflag::screening
