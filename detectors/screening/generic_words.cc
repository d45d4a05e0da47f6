#include "detectors/screening/generic_words.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "unicode/locid.h"
#include "unicode/unistr.h"

namespace redflag::screening {
namespace {

// Each row: the spellings of one generic word, the usual one first. Only
// abbreviations no other word is commonly written as ("int" is not here).
constexpr const char* kEquivalents[][8] = {
    {"airlines", "airline", "airways", "airway", "air", nullptr},
    {"international", "intl", "internat", "int'l", nullptr},
    {"technology", "tech", "technologies", "techn", "technol", nullptr},
    {"university", "univ", "universities", nullptr},
    {"republic", "rep", "repub", nullptr},
    {"high", "hi", nullptr},
    {"manufacturing", "mfg", "manufacture", "manufacturer", "manufacturers", "mfr", nullptr},
    {"industry", "industries", "inds", "indus", nullptr},
    {"industrial", "indl", nullptr},
    {"development", "developing", "devel", nullptr},
    {"finance", "financial", nullptr},
    {"service", "services", "svc", "svcs", "serv", nullptr},
    {"association", "assn", "assoc", "associates", nullptr},
    {"department", "dept", nullptr},
    {"national", "natl", nullptr},
    {"government", "govt", nullptr},
    {"institute", "inst", "institution", nullptr},
    {"science", "sciences", "sci", nullptr},
    {"electronics", "electronic", "elec", "electr", nullptr},
    {"machinery", "machine", "machines", nullptr},
    {"holding", "holdings", "hldgs", "hldg", nullptr},
    {"group", "grp", nullptr},
    {"center", "centre", "ctr", "cntr", nullptr},
    {"management", "mgmt", "mgt", nullptr},
    {"trading", "trade", "trdg", "traders", nullptr},
    {"shipping", "shpg", "ship", nullptr},
    {"import", "imp", nullptr},
    {"export", "exp", nullptr},
    {"engineering", "engg", nullptr},
    {"enterprise", "enterprises", nullptr},
    {"brothers", "bros", nullptr},
    {"laboratory", "laboratories", "lab", "labs", nullptr},
    {"research", nullptr},
    {"communications", "communication", "comms", "commun", nullptr},
    {"petroleum", "petrol", nullptr},
    {"chemical", "chemicals", "chem", nullptr},
    {"general", "genl", nullptr},
    {"investment", "investments", "invest", nullptr},
    {"organization", "organisation", "organizations", "organisations", nullptr},
    {"partners", "partner", nullptr},
    {"ventures", "venture", nullptr},
    {"solutions", "solution", nullptr},
    {"systems", "system", nullptr},
    {"global", nullptr},
    {"worldwide", nullptr},
};

// Words a party's name may carry or leave out and stay the same name. Not
// the words that tell a parent from its subsidiary ("Bank Melli Iran" is not
// "Bank Melli Iran Investment Company", nor "X" "X Holding" or "X Shipping").
constexpr const char* kGeneric[] = {
    "airlines",      "association", "group",     "trading",      "general",
    "international", "global",      "worldwide", "organization", "enterprise",
};

// Spellings this long are also recognised misspelt by one edit.
constexpr size_t kMinMisspeltLength = 8;

struct Tables {
  absl::flat_hash_map<std::string, WordMeaning> spellings;
  // A long spelling with one letter deleted -> its meaning.
  absl::flat_hash_map<std::string, WordMeaning> deleted;
  absl::flat_hash_set<std::string> countries;
};

const Tables& GetTables() {
  static const Tables* const kTables = [] {
    auto* t = new Tables;
    const absl::flat_hash_set<std::string> generic(std::begin(kGeneric), std::end(kGeneric));
    uint16_t id = 0;
    for (const auto& row : kEquivalents) {
      const WordMeaning meaning{++id,
                                generic.contains(row[0]) ? WordClass::kGeneric : WordClass::kKind};
      for (size_t i = 0; i < 8 && row[i] != nullptr; ++i) {
        std::string spelling;
        for (const char* c = row[i]; *c != '\0'; ++c) {
          if (*c != '\'') spelling.push_back(*c);  // as NameNormalizer drops apostrophes
        }
        if (spelling.size() >= kMinMisspeltLength) {
          for (size_t k = 0; k < spelling.size(); ++k) {
            t->deleted.emplace(std::string(spelling).erase(k, 1), meaning);
          }
        }
        t->spellings.emplace(std::move(spelling), meaning);
      }
    }
    for (const char* const* code = icu::Locale::getISOCountries(); *code != nullptr; ++code) {
      icu::UnicodeString display;
      icu::Locale("", *code).getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string name;
      display.toUTF8String(name);
      if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return absl::ascii_isalpha(static_cast<unsigned char>(c));
          })) {
        t->countries.insert(absl::AsciiStrToLower(name));
      }
    }
    return t;
  }();
  return *kTables;
}

}  // namespace

WordMeaning MeaningOf(absl::string_view word) {
  const Tables& t = GetTables();
  if (auto it = t.spellings.find(word); it != t.spellings.end()) return it->second;
  if (t.countries.contains(word)) return {0, WordClass::kCountry};
  if (word.size() + 1 < kMinMisspeltLength) return {};
  // A letter left out, a letter too many, or one changed.
  if (auto it = t.deleted.find(word); it != t.deleted.end()) return it->second;
  std::string d;
  for (size_t i = 0; i < word.size(); ++i) {
    d.assign(word.data(), word.size()).erase(i, 1);
    if (auto it = t.spellings.find(d); it != t.spellings.end() && d.size() >= kMinMisspeltLength) {
      return it->second;
    }
    if (auto it = t.deleted.find(d); it != t.deleted.end()) return it->second;
  }
  return {};
}

}  // namespace redflag::screening
