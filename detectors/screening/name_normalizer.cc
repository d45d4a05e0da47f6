#include "detectors/screening/name_normalizer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "detectors/screening/legal_forms.h"
#include "unicode/translit.h"
#include "unicode/unistr.h"
#include "unicode/uscript.h"
#include "unicode/utf8.h"

namespace redflag::screening {
namespace {

// Compatibility forms first (ligatures, circled and full-width letters:
// NFKC), then Cyrillic by the BGN/PCGN romanisation US lists use
// ("obshchestvo", not "obsestvo"), every other script by ICU's default, then
// ASCII lower case.
constexpr char kToLatin[] = "NFKC; Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower";

// The first script of a letter that is neither Latin nor shared by all.
std::string ForeignScript(absl::string_view utf8) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  int32_t i = 0;
  const auto n = static_cast<int32_t>(utf8.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0x80 || !u_isalpha(c)) continue;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (U_SUCCESS(status) && script != USCRIPT_LATIN && script != USCRIPT_COMMON &&
        script != USCRIPT_INHERITED) {
      return uscript_getName(script);
    }
  }
  return "";
}

// Splits lower-case ASCII into words: letters and digits make words,
// apostrophes and non-ASCII leftovers vanish ("o'brien" -> "obrien"), all
// else separates. Runs of one-letter words are initials and join ("s a" ->
// "sa").
std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool last_is_initials = false;  // the last word was built from one-letter words
  auto flush = [&] {
    if (word.empty()) return;
    const bool initial =
        word.size() == 1 && absl::ascii_isalpha(static_cast<unsigned char>(word[0]));
    if (initial && last_is_initials) {
      words.back().push_back(word[0]);
    } else {
      words.push_back(word);
      last_is_initials = initial;
    }
    word.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || c == '\'' || c == '`') continue;
    if (absl::ascii_isalnum(c)) {
      word.push_back(absl::ascii_tolower(c));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NameNormalizer>> NameNormalizer::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(kToLatin), UTRANS_FORWARD, status));
  if (U_FAILURE(status) || t == nullptr) {
    return absl::InternalError(
        absl::StrCat("ICU transliterator \"", kToLatin, "\": ", u_errorName(status)));
  }
  return std::unique_ptr<NameNormalizer>(new NameNormalizer(std::move(t)));
}

NameNormalizer::NameNormalizer(std::unique_ptr<icu::Transliterator> to_latin)
    : to_latin_(std::move(to_latin)) {}
NameNormalizer::~NameNormalizer() = default;

NormalizedName NameNormalizer::Normalize(absl::string_view utf8) {
  NormalizedName out;
  bool ascii = true;
  for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    out.words = Words(utf8);
  } else {
    out.script = ForeignScript(utf8);
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    to_latin_->transliterate(u);
    std::string latin;
    u.toUTF8String(latin);
    out.words = Words(latin);
  }
  const LegalForms forms = RemoveLegalForms(out.words);
  out.legal_form_removed = forms == LegalForms::kRemoved;
  out.legal_form_only = forms == LegalForms::kOnly;
  return out;
}

}  // namespace redflag::screening
