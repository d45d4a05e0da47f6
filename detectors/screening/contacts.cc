#include "detectors/screening/contacts.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "detectors/free_mail.h"

namespace redflag::screening {
namespace {

constexpr size_t kPhoneKeyDigits = 9;
constexpr size_t kMinPhoneDigits = 8;

// Street words and their one spelling.
const absl::flat_hash_map<std::string, std::string>& StreetWords() {
  static const auto* m = new absl::flat_hash_map<std::string, std::string>{
      {"street", "st"},     {"str", "st"},         {"road", "rd"},           {"avenue", "ave"},
      {"av", "ave"},        {"boulevard", "blvd"}, {"building", "bldg"},     {"bld", "bldg"},
      {"house", "hse"},     {"floor", "fl"},       {"room", "rm"},           {"suite", "ste"},
      {"district", "dist"}, {"ulitsa", "ul"},      {"prospekt", "pr"},       {"prosp", "pr"},
      {"pereulok", "per"},  {"square", "sq"},      {"highway", "hwy"},       {"lane", "ln"},
      {"tower", "twr"},     {"industrial", "ind"}, {"international", "intl"}};
  return *m;
}

// The value after a label in "Label Value", "Label, Value" or "Label: Value".
bool ValueAfter(absl::string_view part, absl::string_view label, absl::string_view* value) {
  if (!absl::StartsWithIgnoreCase(part, label)) return false;
  absl::string_view rest = part.substr(label.size());
  if (!rest.empty() && absl::ascii_isalnum(static_cast<unsigned char>(rest.front()))) return false;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',' || rest.front() == ':' ||
                           rest.front() == '.')) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && (rest.back() == '.' || rest.back() == '"' || rest.back() == ' ')) {
    rest.remove_suffix(1);
  }
  *value = rest;
  return !rest.empty();
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

std::string DomainOf(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  if (size_t at = s.rfind('@'); at != s.npos) s = s.substr(at + 1);
  for (absl::string_view scheme : {"https://", "http://"}) absl::ConsumePrefix(&s, scheme);
  s = s.substr(0, s.find_first_of("/?#: "));
  std::string d = absl::AsciiStrToLower(s);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (absl::StartsWith(d, "www.")) d.erase(0, 4);
  if (d.find('.') == d.npos || d.size() > 253) return "";
  for (char c : d) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return "";
  }
  if (detectors::IsFreeMailDomain(d)) return "";
  return d;
}

std::string PhoneKey(absl::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    if (digits.size() > 32) return "";  // not a telephone number
  }
  if (digits.size() < kMinPhoneDigits) return "";
  return digits.substr(digits.size() > kPhoneKeyDigits ? digits.size() - kPhoneKeyDigits : 0);
}

std::vector<std::string> AddressWords(absl::string_view address) {
  std::vector<std::string> words;
  std::string w;
  auto flush = [&] {
    if (w.empty()) return;
    if (w != "no" && w != "nr") {
      auto it = StreetWords().find(w);
      words.push_back(it == StreetWords().end() ? w : it->second);
    }
    w.clear();
  };
  for (char ch : address) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80 && absl::ascii_isalnum(c)) {
      w.push_back(absl::ascii_tolower(c));
    } else if (c != '\'') {
      flush();
    }
  }
  flush();
  return words;
}

void AddContactsFromText(absl::string_view text, ListEntry& entry) {
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    part = absl::StripAsciiWhitespace(part);
    absl::string_view value;
    if (ValueAfter(part, "Website", &value) || ValueAfter(part, "Email Address", &value) ||
        ValueAfter(part, "Email", &value)) {
      AddUnique(entry.domains, DomainOf(value));
    } else if (ValueAfter(part, "Telephone No", &value) || ValueAfter(part, "Telephone", &value) ||
               ValueAfter(part, "Phone Number", &value) || ValueAfter(part, "Phone No", &value) ||
               ValueAfter(part, "Phone", &value)) {
      if (!PhoneKey(value).empty()) AddUnique(entry.phones, std::string(value));
    }
  }
}

}  // namespace redflag::screening
