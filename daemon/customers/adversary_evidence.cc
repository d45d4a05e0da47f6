#include "daemon/customers/adversary_evidence.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/alerts/alert_recorder.h"

namespace redflag {

std::string LinkClause(const detectors::AdversaryLink& link) {
  return absl::StrCat("whose ", link.basis, " (", link.entity, ") is in ", link.country, ", ",
                      link.row->group == "macau" ? "Macau" : "Country Group D:5");
}

void AddLinkEvidence(v1::Alert& alert, const std::vector<detectors::AdversaryLink>& links,
                     const detectors::UltimateParent& parent) {
  std::vector<std::string> described;
  for (const detectors::AdversaryLink& l : links) {
    described.push_back(absl::StrCat(l.basis, ": ", l.entity, " (", l.country, ")"));
  }
  AddEvidence(alert, "links", absl::StrJoin(described, "; "));
  AddEvidence(alert, "country_group", detectors::CountryPolicy::Describe(*links.front().row));
  AddEvidence(alert, "ownership_path", parent.PathText());
}

}  // namespace redflag
