#include "detectors/adversary_link.h"

namespace redflag::detectors {

std::vector<AdversaryLink> FindAdversaryLinks(const v1::CustomerProfile& customer,
                                              const UltimateParent& parent,
                                              const CountryPolicy& policy, absl::CivilDay day) {
  std::vector<AdversaryLink> links;
  auto check = [&](const char* basis, const std::string& entity, const std::string& country) {
    if (country.empty()) return;
    for (const AdversaryLink& l : links) {
      if (l.entity == entity && l.country == country) return;  // the same fact twice
    }
    if (const CountryGroupRow* row = policy.AdversaryLinked(country, day)) {
      links.push_back({basis, entity, country, row});
    }
  };
  check("headquarters", customer.legal_name(), customer.headquarters_country());
  check("declared ultimate parent", customer.ultimate_parent_name(),
        customer.ultimate_parent_country());
  if (parent.path.size() > 1) {
    check("ultimate parent by ownership", parent.parent().name, parent.parent().country);
  }
  return links;
}

}  // namespace redflag::detectors
