#include "detectors/screening/generic_words.h"

#include <string>

#include "detectors/screening/screening_index.h"
#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

using testing::MixedOfacIndex;
using testing::ScreenName;
using testing::TestNormalizer;

// Two normalised words are spellings of one generic word.
bool SameWordAs(const std::string& a, const std::string& b) {
  const WordMeaning ma = MeaningOf(a), mb = MeaningOf(b);
  return ma.equivalent != 0 && ma.equivalent == mb.equivalent;
}

TEST(GenericWords, AbbreviationsAndVariantsAreOneWord) {
  // The abbreviations people write, with and without a period (normalised
  // words have none), and the generic words that vary.
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"tech", "technology"},
           {"technologies", "technology"},
           {"univ", "university"},
           {"rep", "republic"},
           {"hi", "high"},
           {"intl", "international"},
           {"mfg", "manufacturing"},
           {"inds", "industries"},
           {"industry", "industries"},
           {"airlines", "air"},
           {"airways", "airlines"},
           {"financial", "finance"},
           {"developing", "development"},
           {"holdings", "holding"},
           {"centre", "center"},
       }) {
    EXPECT_TRUE(SameWordAs(a, b)) << a << " / " << b;
  }
  // Near misses: different generic words, and words that only look alike.
  EXPECT_FALSE(SameWordAs("industrial", "industry"));
  EXPECT_FALSE(SameWordAs("national", "international"));
  EXPECT_FALSE(SameWordAs("mahan", "air"));
  EXPECT_FALSE(SameWordAs("int", "international"));
}

TEST(GenericWords, LongGenericWordsAreRecognisedMisspeltByOneEdit) {
  EXPECT_TRUE(SameWordAs("technlogies", "technology"));  // a letter left out
  EXPECT_TRUE(SameWordAs("internationall", "intl"));     // one too many
  EXPECT_TRUE(SameWordAs("manufacturinq", "mfg"));       // one changed
  EXPECT_FALSE(SameWordAs("technical", "technology"));   // three edits away
  EXPECT_FALSE(SameWordAs("ships", "shipping"));         // short words exactly only
}

TEST(GenericWords, ClassesSayWhatAWordTellsAboutAParty) {
  EXPECT_EQ(MeaningOf("group").word_class, WordClass::kGeneric);
  EXPECT_EQ(MeaningOf("airways").word_class, WordClass::kGeneric);
  EXPECT_EQ(MeaningOf("finance").word_class, WordClass::kKind);
  EXPECT_EQ(MeaningOf("university").word_class, WordClass::kKind);
  EXPECT_EQ(MeaningOf("china").word_class, WordClass::kCountry);
  EXPECT_EQ(MeaningOf("russia").word_class, WordClass::kCountry);
  EXPECT_EQ(MeaningOf("mahan").word_class, WordClass::kName);
  // "Korea" is only in two-word country names, so it names the party.
  EXPECT_EQ(MeaningOf("korea").word_class, WordClass::kName);
}

TEST(GenericWords, JointStockCoAndStateCorporationAreLegalForms) {
  EXPECT_EQ(TestNormalizer().Normalize("Kazan Helicopters Joint-Stock Co.").words,
            (std::vector<std::string>{"kazan", "helicopters"}));
  EXPECT_EQ(TestNormalizer().Normalize("State Corporation Rostec").words,
            (std::vector<std::string>{"rostec"}));
}

// Screening the 2024 SDN list: a generic word that differs, is added or is
// left out still finds the party; a distinctive word that differs does not.
TEST(GenericWords, ScreeningForgivesOneGenericWordButNotADistinctiveOne) {
  auto top = [](const std::string& name) {
    std::vector<Hit> hits = ScreenName(MixedOfacIndex(), name);
    return hits.empty() ? std::string("no hit") : hits.front().entry->id;
  };
  EXPECT_EQ(top("Mahan Airlines"), "12927");                       // listed as MAHAN AIR
  EXPECT_EQ(top("Al-Qard al-Hassan"), "10416");                    // ... ASSOCIATION
  EXPECT_EQ(top("DCB Financial Limited"), "16086");                // DCB FINANCE LIMITED
  EXPECT_EQ(top("Korea Mining Development Corporation"), "9345");  // ... TRADING ...
  EXPECT_EQ(top("Rostec"), "17260");                               // STATE CORPORATION ROSTEC
  // Near misses: two generic words more, and a country word more.
  EXPECT_EQ(top("Atlas Air Worldwide Holdings"), "no hit");            // not ATLAS HOLDING
  EXPECT_EQ(top("Agricultural Development Bank of China"), "no hit");  // not the DPRK bank
  // A parent is not its subsidiary: "Investment" is no generic word.
  for (const Hit& h : ScreenName(MixedOfacIndex(), "Bank Melli Iran")) {
    EXPECT_NE(h.entry->id, "25421") << h.matched_name;  // BANK MELLI IRAN INVESTMENT COMPANY
  }
  // A name of nothing but generic words is no one.
  EXPECT_EQ(top("International Finance Corporation"), "no hit");
}

}  // namespace
}  // namespace redflag::screening
