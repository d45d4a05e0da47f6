// Words that say what kind of organisation a party is ("Airlines",
// "Industries", "Trading", "Association"), as people abbreviate them and as
// they vary ("Intl", "Mfg", "Inds", "Univ.", "Airways"), and the names of
// countries. Matching counts the spellings of one generic word as the same
// word, forgives a name that lacks one, and holds a country word the other
// name lacks against it.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace redflag::screening {

enum class WordClass : uint8_t {
  kName,     // says which party it is
  kKind,     // says only what a party is ("finance", "university")
  kGeneric,  // a kind a name may carry or leave out and stay the name ("group")
  kCountry,  // a one-word country name in English ("china"), from ICU
};

struct WordMeaning {
  // The spellings of one generic word share an id ("intl", "international"
  // and "internationl"); 0 for other words.
  uint16_t equivalent = 0;
  WordClass word_class = WordClass::kName;
};

// What a normalised word (lower-case ASCII) means to matching. Long generic
// words are also recognised misspelt by one edit ("technlogies").
WordMeaning MeaningOf(absl::string_view word);

}  // namespace redflag::screening
