// The access-geography finding (R7): over a window, the share of a
// customer's access events that come from Country Group D:5 or Macau (as of
// each event's day) or through anonymisers, judged against a configured
// share for a customer headquartered elsewhere. Pure: events in, tally and
// verdict out.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "detectors/country_policy.h"

namespace redflag::detectors {

struct AccessTally {
  uint64_t events = 0;
  uint64_t flagged = 0;                                // from D:5/Macau or through an anonymiser
  uint64_t anonymizer = 0;                             // through an anonymiser
  std::map<std::string, uint64_t> by_country;          // "" = unknown
  std::map<std::string, uint64_t> flagged_by_country;  // D:5/Macau countries only

  void Add(const std::string& country, bool anonymizer, absl::CivilDay day,
           const CountryPolicy& policy);
  double flagged_share() const {
    return events == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(events);
  }
};

struct AccessThresholds {
  uint64_t min_events = 20;
  double flagged_share = 0.2;
};

// A finding when enough events were seen and the flagged share reaches the
// threshold.
bool IsAccessFinding(const AccessTally& tally, const AccessThresholds& thresholds);

}  // namespace redflag::detectors
