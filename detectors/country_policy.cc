#include "detectors/country_policy.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "detectors/csv.h"

namespace redflag::detectors {
namespace {

constexpr const char* kColumns[] = {"group", "country", "name", "from", "until", "source"};
constexpr const char* kGroups[] = {"d5", "macau", "aia"};

bool IsCountryCode(absl::string_view c) {
  return c.size() == 2 && absl::ascii_isupper(static_cast<unsigned char>(c[0])) &&
         absl::ascii_isupper(static_cast<unsigned char>(c[1]));
}

}  // namespace

absl::StatusOr<CountryPolicy> CountryPolicy::Parse(absl::string_view text, absl::string_view file) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":", records.status().message()));
  }
  if (records->empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": empty file"));
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < records->front().fields.size(); ++i) {
    column.emplace(absl::AsciiStrToLower(absl::StripAsciiWhitespace(records->front().fields[i])),
                   i);
  }
  for (const char* c : kColumns) {
    if (!column.contains(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":1: the header has no \"", c, "\" column"));
    }
  }
  CountryPolicy policy;
  std::vector<std::string> errors;
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    auto cell = [&](const char* name) -> std::string {
      size_t i = column[name];
      return i < rec.fields.size() ? std::string(absl::StripAsciiWhitespace(rec.fields[i])) : "";
    };
    auto error = [&](const char* col, absl::string_view what) {
      errors.push_back(absl::StrCat(file, ":", rec.line, ": ", col, ": ", what));
    };
    CountryGroupRow row;
    row.line = rec.line;
    row.group = cell("group");
    row.country = cell("country");
    row.name = cell("name");
    row.source = cell("source");
    if (std::find(std::begin(kGroups), std::end(kGroups), row.group) == std::end(kGroups)) {
      error("group",
            absl::StrCat("\"", row.group, "\" is not one of ", absl::StrJoin(kGroups, ", ")));
      continue;
    }
    if (!IsCountryCode(row.country)) {
      error("country", absl::StrCat("\"", row.country, "\" is not an ISO 3166-1 alpha-2 code"));
      continue;
    }
    bool dates_ok = true;
    for (auto [col, has, day] : {std::tuple{"from", &row.has_from, &row.from},
                                 std::tuple{"until", &row.has_until, &row.until}}) {
      std::string v = cell(col);
      if (v.empty()) continue;
      if (!absl::ParseCivilTime(v, day)) {
        error(col, absl::StrCat("\"", v, "\" is not a date (YYYY-MM-DD)"));
        dates_ok = false;
      }
      *has = true;
    }
    if (!dates_ok) continue;
    if (row.has_from && row.has_until && row.until <= row.from) {
      error("until", "must be after from");
      continue;
    }
    if (row.source.empty()) {
      error("source", "is empty: every row names where it comes from");
      continue;
    }
    for (const CountryGroupRow& other : policy.rows_) {
      const bool overlap = other.group == row.group && other.country == row.country &&
                           (!other.has_until || !row.has_from || row.from < other.until) &&
                           (!row.has_until || !other.has_from || other.from < row.until);
      if (overlap) {
        error("country", absl::StrCat(row.country, " is already in ", row.group,
                                      " for some of these days (line ", other.line, ")"));
        dates_ok = false;
        break;
      }
    }
    if (dates_ok) policy.rows_.push_back(std::move(row));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return policy;
}

const CountryGroupRow* CountryPolicy::Membership(absl::string_view group, absl::string_view country,
                                                 absl::CivilDay day) const {
  for (const CountryGroupRow& r : rows_) {
    if (r.group == group && r.country == country && (!r.has_from || r.from <= day) &&
        (!r.has_until || day < r.until)) {
      return &r;
    }
  }
  return nullptr;
}

const CountryGroupRow* CountryPolicy::AdversaryLinked(absl::string_view country,
                                                      absl::CivilDay day) const {
  if (hong_kong_as_china_ && country == "HK") country = "CN";
  if (const CountryGroupRow* r = Membership("d5", country, day)) return r;
  return Membership("macau", country, day);
}

const CountryGroupRow* CountryPolicy::AiAuthorized(absl::string_view country,
                                                   absl::CivilDay day) const {
  return Membership("aia", country, day);
}

std::string CountryPolicy::Describe(const CountryGroupRow& row) {
  std::string out = absl::StrCat(row.country, " in ", row.group);
  if (row.has_from) absl::StrAppend(&out, " from ", absl::FormatCivilTime(row.from));
  if (row.has_until) absl::StrAppend(&out, " until ", absl::FormatCivilTime(row.until));
  absl::StrAppend(&out, " (", row.source, ")");
  return out;
}

}  // namespace redflag::detectors
