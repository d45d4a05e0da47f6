#include "detectors/access_geography.h"

namespace redflag::detectors {

void AccessTally::Add(const std::string& country, bool anonymizer_used, absl::CivilDay day,
                      const CountryPolicy& policy) {
  ++events;
  ++by_country[country];
  const bool adversary = !country.empty() && policy.AdversaryLinked(country, day) != nullptr;
  if (adversary) ++flagged_by_country[country];
  if (anonymizer_used) ++anonymizer;
  if (adversary || anonymizer_used) ++flagged;
}

bool IsAccessFinding(const AccessTally& tally, const AccessThresholds& t) {
  return tally.events >= t.min_events && tally.flagged_share() >= t.flagged_share;
}

}  // namespace redflag::detectors
