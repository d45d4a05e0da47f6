// String similarity measures for matching names, on ASCII words.
#pragma once

#include "absl/strings/string_view.h"

namespace redflag::screening {

// Jaro-Winkler similarity in [0, 1]: 1 for equal strings, with a bonus for a
// common prefix of up to 4 characters (scale 0.1, applied above 0.7).
double JaroWinkler(absl::string_view a, absl::string_view b);

// Edit distance counting insertions, deletions, substitutions and swaps of
// adjacent characters (optimal string alignment), for strings up to 64
// characters; longer strings get max(|a|, |b|).
int DamerauLevenshtein(absl::string_view a, absl::string_view b);

// DamerauLevenshtein(a, b) when it is at most `max`, else max + 1: stops as
// soon as the distance must exceed `max`, so a far pair costs little.
int DamerauLevenshteinAtMost(absl::string_view a, absl::string_view b, int max);

// 1 - DamerauLevenshtein / longer length; 1 for two empty strings.
double EditSimilarity(absl::string_view a, absl::string_view b);

}  // namespace redflag::screening
