// What every alert about an adversary-linked customer says of the link, in
// one wording for R2's and R3's alerts: the clause of its summary and the
// evidence rows (every link, the country-group row, the ownership path).
#pragma once

#include <string>
#include <vector>

#include "detectors/adversary_link.h"
#include "detectors/ownership.h"
#include "redflag/v1/alerts.pb.h"

namespace redflag {

// "whose headquarters (Dragon Ltd) is in CN, Country Group D:5"
std::string LinkClause(const detectors::AdversaryLink& link);

void AddLinkEvidence(v1::Alert& alert, const std::vector<detectors::AdversaryLink>& links,
                     const detectors::UltimateParent& parent);

}  // namespace redflag
