#include "detectors/screening/list_fields.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "unicode/locid.h"
#include "unicode/unistr.h"

namespace redflag::screening {

std::vector<absl::string_view> SplitMulti(absl::string_view cell) {
  std::vector<absl::string_view> out;
  for (absl::string_view part : absl::StrSplit(cell, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string CleanName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool blank = false;
  for (char c : absl::StripAsciiWhitespace(name)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      blank = true;
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  return out;
}

std::string SourceCode(absl::string_view source) {
  size_t open = source.find('(');
  size_t close = open == source.npos ? source.npos : source.find(')', open);
  if (close == source.npos || close == open + 1) return std::string(source);
  return std::string(source.substr(open + 1, close - open - 1));
}

void AddCountry(absl::string_view code, std::vector<std::string>& countries) {
  if (code.size() != 2 || !absl::ascii_isupper(static_cast<unsigned char>(code[0])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(code[1]))) {
    return;
  }
  if (std::find(countries.begin(), countries.end(), code) == countries.end()) {
    countries.emplace_back(code);
  }
}

namespace {

// English country names (ICU's) and the spellings OFAC uses where they differ.
absl::flat_hash_map<std::string, std::string> BuildCountryNames() {
  absl::flat_hash_map<std::string, std::string> names;
  for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
    icu::UnicodeString display;
    icu::Locale("", *c).getDisplayCountry(icu::Locale::getEnglish(), display);
    std::string utf8;
    display.toUTF8String(utf8);
    names.emplace(absl::AsciiStrToLower(utf8), *c);
  }
  const std::pair<const char*, const char*> kOfacSpellings[] = {
      {"korea, north", "KP"},
      {"korea, south", "KR"},
      {"burma", "MM"},
      {"congo, democratic republic of the", "CD"},
      {"congo, republic of the", "CG"},
      {"virgin islands, british", "VG"},
      {"the gambia", "GM"},
      {"bahamas, the", "BS"},
      {"cote d ivoire", "CI"},
      {"palestinian", "PS"},
      {"west bank", "PS"},
      {"region: gaza", "PS"},
      {"region: crimea", "UA"},
      {"hong kong", "HK"},
      {"macau", "MO"},
      {"czech republic", "CZ"},
  };
  for (const auto& [name, code] : kOfacSpellings) names.insert_or_assign(name, code);
  return names;
}

}  // namespace

std::string CountryCodeForName(absl::string_view name) {
  static const auto* const kNames =
      new absl::flat_hash_map<std::string, std::string>(BuildCountryNames());
  auto it = kNames->find(absl::AsciiStrToLower(absl::StripAsciiWhitespace(name)));
  return it == kNames->end() ? std::string() : it->second;
}

}  // namespace redflag::screening
