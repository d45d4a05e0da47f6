#include "detectors/screening/ofac_parser.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "detectors/csv.h"
#include "detectors/screening/contacts.h"
#include "detectors/screening/list_fields.h"

namespace redflag::screening {
namespace {

constexpr size_t kSdnFields = 12;  // ent_num, name, type, programs, title, ..., remarks
constexpr size_t kAddFields = 6;   // ent_num, add_num, address, city, country, remarks
constexpr size_t kAltFields = 5;   // ent_num, alt_num, alt_type, alt_name, remarks

absl::string_view Cell(const detectors::CsvRecord& r, size_t i) {
  absl::string_view v = absl::StripAsciiWhitespace(r.fields[i]);
  return v == "-0-" ? absl::string_view() : v;
}

// Rows of one file with the expected field count; the others become problems.
std::vector<detectors::CsvRecord> Rows(absl::string_view text, const char* file, size_t fields,
                                       PartyList& list) {
  while (!text.empty() && (text.back() == '\x1a' || absl::ascii_isspace(text.back()))) {
    text.remove_suffix(1);  // the Ctrl-Z end-of-file mark
  }
  int unclosed = 0;
  std::vector<detectors::CsvRecord> records = detectors::ParseCsvRecords(text, &unclosed);
  if (unclosed != 0) {
    list.problems.push_back({file, unclosed, "a quoted field is not closed (truncated file?)"});
  }
  std::vector<detectors::CsvRecord> good;
  good.reserve(records.size());
  for (detectors::CsvRecord& r : records) {
    if (r.fields.size() != fields) {
      list.problems.push_back(
          {file, r.line, absl::StrCat(r.fields.size(), " fields, expected ", fields)});
      continue;
    }
    good.push_back(std::move(r));
  }
  return good;
}

}  // namespace

absl::StatusOr<PartyList> ParseOfac(absl::string_view sdn_csv, absl::string_view add_csv,
                                    absl::string_view alt_csv) {
  PartyList list;
  const std::vector<detectors::CsvRecord> sdn = Rows(sdn_csv, "sdn.csv", kSdnFields, list);
  const std::vector<detectors::CsvRecord> add = Rows(add_csv, "add.csv", kAddFields, list);
  const std::vector<detectors::CsvRecord> alt = Rows(alt_csv, "alt.csv", kAltFields, list);

  absl::flat_hash_map<std::string, size_t> by_ent_num;  // -> index in list.entries
  absl::flat_hash_map<std::string, int> line_of;
  for (const detectors::CsvRecord& r : sdn) {
    absl::string_view ent_num = Cell(r, 0);
    uint64_t number;
    if (!absl::SimpleAtoi(ent_num, &number)) {
      list.problems.push_back(
          {"sdn.csv", r.line, absl::StrCat("ent_num \"", ent_num, "\" is not a number")});
      continue;
    }
    ListEntry e;
    e.id = std::string(ent_num);
    e.name = CleanName(Cell(r, 1));
    if (e.name.empty()) {
      list.problems.push_back(
          {"sdn.csv", r.line, absl::StrCat("name is empty (ent_num ", ent_num, ")")});
      continue;
    }
    auto [it, fresh] = line_of.emplace(e.id, r.line);
    if (!fresh) {
      list.problems.push_back(
          {"sdn.csv", r.line,
           absl::StrCat("ent_num ", ent_num, " repeats the row on line ", it->second)});
      continue;
    }
    e.source = "Specially Designated Nationals (SDN) - Treasury Department";
    AddContactsFromText(Cell(r, 11), e);  // remarks: "Website ...; Telephone No. ..."
    e.source_code = "SDN";
    e.type = Cell(r, 2).empty() ? "Entity" : std::string(Cell(r, 2));
    e.type[0] = absl::ascii_toupper(e.type[0]);
    e.programs = std::string(Cell(r, 3));
    e.source_url = absl::StrCat("https://sanctionssearch.ofac.treas.gov/Details.aspx?id=", ent_num);
    by_ent_num.emplace(e.id, list.entries.size());
    list.entries.push_back(std::move(e));
  }

  auto entry_of = [&](const detectors::CsvRecord& r, const char* file) -> ListEntry* {
    auto it = by_ent_num.find(Cell(r, 0));
    if (it == by_ent_num.end()) {
      if (list.orphans.size() < PartyList::kOrphansKept) {
        list.orphans.push_back(
            {file, r.line, absl::StrCat("ent_num ", Cell(r, 0), " is not in sdn.csv")});
      }
      ++list.orphan_rows;
      return nullptr;
    }
    return &list.entries[it->second];
  };
  for (const detectors::CsvRecord& r : add) {
    ListEntry* e = entry_of(r, "add.csv");
    if (e == nullptr) continue;
    std::string code = CountryCodeForName(Cell(r, 4));
    if (!code.empty()) AddCountry(code, e->countries);
    std::string address;
    for (int field : {2, 3, 4}) {
      std::string part = CleanName(Cell(r, field));
      if (part.empty()) continue;
      if (!address.empty()) address += ", ";
      address += part;
    }
    if (!address.empty()) e->addresses.push_back(std::move(address));
  }
  for (const detectors::CsvRecord& r : alt) {
    ListEntry* e = entry_of(r, "alt.csv");
    if (e == nullptr) continue;
    std::string name = CleanName(Cell(r, 3));
    if (name.empty()) {
      list.problems.push_back({"alt.csv", r.line, "alt_name is empty"});
      continue;
    }
    if (name != e->name) e->aliases.push_back(std::move(name));
  }
  return list;
}

}  // namespace redflag::screening
