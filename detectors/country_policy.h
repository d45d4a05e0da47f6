// Country groups as dated policy data (config/country_groups.csv): which
// countries were in Country Group D:5, Macau's group, or the AI authorization
// destinations on a given day. Pure: text in, answers out.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace redflag::detectors {

struct CountryGroupRow {
  std::string group;    // "d5", "macau" or "aia"
  std::string country;  // ISO 3166-1 alpha-2
  std::string name;
  // In the group on days in [from, until); unset ends are open.
  bool has_from = false, has_until = false;
  absl::CivilDay from, until;
  std::string source;
  int line = 0;
};

class CountryPolicy {
 public:
  // Columns group, country, name, from, until, source; errors are
  // "file:line: column: what".
  static absl::StatusOr<CountryPolicy> Parse(absl::string_view text, absl::string_view file);

  // Hong Kong counts as China (default true).
  void set_hong_kong_as_china(bool v) { hong_kong_as_china_ = v; }

  // The row placing `country` in `group` on `day`, or null.
  const CountryGroupRow* Membership(absl::string_view group, absl::string_view country,
                                    absl::CivilDay day) const;
  // In D:5 or Macau's group on `day`: the "Macau or D:5" of the rules. Hong
  // Kong is looked up as China when so configured.
  const CountryGroupRow* AdversaryLinked(absl::string_view country, absl::CivilDay day) const;
  // One of the AI authorization destinations on `day`.
  const CountryGroupRow* AiAuthorized(absl::string_view country, absl::CivilDay day) const;

  // "KH in d5 until 2026-02-03 (source)" for evidence.
  static std::string Describe(const CountryGroupRow& row);

  const std::vector<CountryGroupRow>& rows() const { return rows_; }

 private:
  std::vector<CountryGroupRow> rows_;
  bool hong_kong_as_china_ = true;
};

}  // namespace redflag::detectors
