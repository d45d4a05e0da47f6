#include "detectors/screening/csl_parser.h"

#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "detectors/csv.h"
#include "detectors/screening/contacts.h"
#include "detectors/screening/list_fields.h"

namespace redflag::screening {
namespace {

constexpr const char* kNeeded[] = {"_id", "source", "name", "alt_names", "addresses"};

// "2023-11-16": four digits, two, two.
bool IsIsoDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The country code ending an address: "..., Beijing, 100033, CN" -> "CN".
void AddAddressCountries(absl::string_view addresses, std::vector<std::string>& out) {
  for (absl::string_view address : SplitMulti(addresses)) {
    size_t comma = address.rfind(',');
    absl::string_view last =
        absl::StripAsciiWhitespace(comma == address.npos ? address : address.substr(comma + 1));
    AddCountry(last, out);
  }
}

}  // namespace

absl::StatusOr<PartyList> ParseCsl(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  int unclosed = 0;
  const std::vector<detectors::CsvRecord> records = detectors::ParseCsvRecords(text, &unclosed);
  if (records.empty()) return absl::InvalidArgumentError("the file is empty (no header row)");

  const std::vector<std::string>& header = records.front().fields;
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) {
    column.emplace(absl::AsciiStrToLower(absl::StripAsciiWhitespace(header[i])), i);
  }
  for (const char* name : kNeeded) {
    if (!column.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1: the header has no \"", name, "\" column (is this a CSL file?)"));
    }
  }
  auto cell = [&](const detectors::CsvRecord& r, const char* name) -> absl::string_view {
    auto it = column.find(name);
    if (it == column.end()) return {};
    return absl::StripAsciiWhitespace(r.fields[it->second]);
  };

  PartyList list;
  absl::flat_hash_map<std::string, int> first_line;
  for (size_t i = 1; i < records.size(); ++i) {
    const detectors::CsvRecord& r = records[i];
    if (r.fields == header) continue;  // the published file may repeat its header
    if (r.fields.size() != header.size()) {
      list.problems.push_back({"", r.line,
                               absl::StrCat(r.fields.size(), " fields, the header has ",
                                            header.size(), " (truncated row?)")});
      continue;
    }
    ListEntry e;
    e.id = std::string(cell(r, "_id"));
    e.name = CleanName(cell(r, "name"));
    if (e.id.empty()) {
      list.problems.push_back({"", r.line, "_id is empty"});
      continue;
    }
    if (e.name.empty()) {
      list.problems.push_back({"", r.line, absl::StrCat("name is empty (_id ", e.id, ")")});
      continue;
    }
    e.source = std::string(cell(r, "source"));
    e.source_code = SourceCode(e.source);
    // One party may be listed by several agencies under the same _id.
    auto [it, fresh] = first_line.emplace(absl::StrCat(e.source_code, "/", e.id), r.line);
    if (!fresh) {
      list.problems.push_back({"", r.line,
                               absl::StrCat("_id ", e.id, " of ", e.source_code,
                                            " repeats the row on line ", it->second)});
      continue;
    }
    e.type = std::string(cell(r, "type"));
    e.programs = std::string(cell(r, "programs"));
    for (absl::string_view alias : SplitMulti(cell(r, "alt_names"))) {
      std::string a = CleanName(alias);
      if (!a.empty() && a != e.name) e.aliases.push_back(std::move(a));
    }
    AddAddressCountries(cell(r, "addresses"), e.countries);
    for (absl::string_view address : SplitMulti(cell(r, "addresses"))) {
      e.addresses.push_back(CleanName(address));
    }
    if (absl::string_view start = cell(r, "start_date");
        IsIsoDate(start) && start > list.newest_entry_date) {
      list.newest_entry_date = std::string(start);
    }
    for (const char* field : {"citizenships", "nationalities"}) {
      for (absl::string_view code : SplitMulti(cell(r, field))) AddCountry(code, e.countries);
    }
    AddContactsFromText(cell(r, "ids"), e);
    e.source_url = std::string(cell(r, "source_information_url"));
    if (e.source_url.empty()) e.source_url = std::string(cell(r, "source_list_url"));
    list.entries.push_back(std::move(e));
  }
  if (unclosed != 0) {
    list.problems.push_back({"", unclosed, "a quoted field is not closed (truncated file?)"});
  }
  return list;
}

}  // namespace redflag::screening
