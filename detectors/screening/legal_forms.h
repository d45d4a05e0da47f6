// Words that say what kind of legal entity a party is, not which one ("Ltd",
// "JSC", "Joint Stock Company", and their transliterated Russian, Ukrainian,
// Chinese and Arabic forms), and filler words; matching ignores them.
#pragma once

#include <string>
#include <vector>

namespace redflag::screening {

enum class LegalForms {
  kNone,     // no legal form or filler word in the name
  kRemoved,  // some words removed
  kOnly,     // nothing but such words: kept, since something must remain
};

// Removes legal-form phrases (longest first) and filler words from
// normalised tokens, in place, unless that would leave nothing ("Company
// Limited" stays a name).
LegalForms RemoveLegalForms(std::vector<std::string>& tokens);

}  // namespace redflag::screening
