// Turns a name in any script into the words matching compares: Latin
// lower-case ASCII, accents and width folded, other scripts transliterated
// with ICU (Cyrillic by BGN/PCGN, as US lists romanise it), punctuation
// dropped, spelled-out initials joined ("S.A." -> "sa"), legal forms and
// filler words removed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "unicode/uversion.h"

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace redflag::screening {

struct NormalizedName {
  std::vector<std::string> words;  // in the name's order
  // The non-Latin script the name was written in ("Cyrillic", "Han",
  // "Arabic", ...), empty for Latin.
  std::string script;
  bool legal_form_removed = false;
  // The name is nothing but legal-form or filler words ("Ltd").
  bool legal_form_only = false;
};

class NameNormalizer {
 public:
  // Fails only if ICU lacks the transliterators (a broken ICU install).
  static absl::StatusOr<std::unique_ptr<NameNormalizer>> Create();
  ~NameNormalizer();

  // Not thread-safe (ICU transliterators keep state): one per thread.
  NormalizedName Normalize(absl::string_view utf8);

 private:
  explicit NameNormalizer(std::unique_ptr<icu::Transliterator> to_latin);
  std::unique_ptr<icu::Transliterator> to_latin_;
};

}  // namespace redflag::screening
