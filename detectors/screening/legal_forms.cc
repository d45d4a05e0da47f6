#include "detectors/screening/legal_forms.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "detectors/screening/similarity.h"

namespace redflag::screening {
namespace {

// Normalised spellings (lower case ASCII, as NameNormalizer writes them).
// Phrases first so "limited liability company" goes whole.
constexpr const char* kPhrases[] = {
    // English
    "public joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "joint stock company",
    "joint stock co",
    "limited liability company",
    "limited liability partnership",
    "public limited company",
    "company limited",
    "co ltd",
    "pte ltd",
    "pty ltd",
    "sdn bhd",
    // Russian state corporations ("Goskorporatsiya Rostekh")
    "state corporation",
    // French, German, Japanese
    "societe anonyme",
    "kabushiki kaisha",
    // Russian (BGN/PCGN transliteration) and Ukrainian
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "publichnoye aktsionernoye obshchestvo",
    "otkrytoye aktsionernoye obshchestvo",
    "zakrytoye aktsionernoye obshchestvo",
    "aktsionernoye obshchestvo",
    "gosudarstvennaya korporatsiya",
    // ... and as the lists romanise them
    "obshchestvo s ogranichennoi otvetstvennostyu",
    "publichnoe aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "aktsionernoe obshchestvo",
    "tovaristvo z obmezhenoyu vidpovidalnistyu",
    // Chinese (pinyin, syllables apart as transliterated and joined as lists write them)
    "gu fen you xian gong si",
    "you xian ze ren gong si",
    "you xian gong si",
    "gong si",
    "gufen youxian gongsi",
    "youxian zeren gongsi",
    "youxian gongsi",
};

constexpr const char* kWords[] = {
    // legal forms
    "co",
    "corp",
    "corporation",
    "company",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "oy",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "tov",
    "fgup",
    "pte",
    "pty",
    "bhd",
    "kk",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "gongsi",
    "shrkt",
    "sharikat",
    "sherkat",
    // filler
    "the",
    "of",
    "and",
    "for",
};

constexpr const char* kLongWords[] = {"company", "corporation", "limited", "incorporated"};
constexpr absl::string_view kGongsi = "gongsi";

struct Tables {
  std::vector<std::vector<std::string>> phrases;  // longest first
  absl::flat_hash_set<std::string> words;
};

const Tables& GetTables() {
  static const Tables* const kTables = [] {
    auto* t = new Tables;
    for (const char* p : kPhrases) t->phrases.push_back(absl::StrSplit(p, ' '));
    std::stable_sort(t->phrases.begin(), t->phrases.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const char* w : kWords) t->words.insert(w);
    return t;
  }();
  return *kTables;
}

}  // namespace

LegalForms RemoveLegalForms(std::vector<std::string>& tokens) {
  const Tables& t = GetTables();
  std::vector<bool> drop(tokens.size(), false);
  for (const auto& phrase : t.phrases) {
    if (phrase.size() > tokens.size()) continue;
    for (size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
      bool match = true;
      for (size_t j = 0; j < phrase.size() && match; ++j) {
        match = !drop[i + j] && tokens[i + j] == phrase[j];
      }
      if (match) std::fill(drop.begin() + i, drop.begin() + i + phrase.size(), true);
    }
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (t.words.contains(tokens[i])) drop[i] = true;
    // Misspelt long forms ("compny", "corporaton") are still forms.
    for (const char* form : kLongWords) {
      if (!drop[i] && tokens[i].size() >= 6 && DamerauLevenshteinAtMost(tokens[i], form, 1) <= 1) {
        drop[i] = true;
      }
    }
    // Chinese lists glue "gongsi" (company) to the word before it
    // ("zonggongsi", head company), which transliteration writes apart.
    if (!drop[i] && tokens[i].size() > kGongsi.size() && absl::EndsWith(tokens[i], kGongsi)) {
      tokens[i].resize(tokens[i].size() - kGongsi.size());
    }
  }
  if (std::find(drop.begin(), drop.end(), false) == drop.end()) {
    return tokens.empty() ? LegalForms::kNone : LegalForms::kOnly;
  }
  std::vector<std::string> kept;
  kept.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(tokens[i]));
  }
  const bool removed = kept.size() != tokens.size();
  tokens = std::move(kept);
  return removed ? LegalForms::kRemoved : LegalForms::kNone;
}

}  // namespace redflag::screening
