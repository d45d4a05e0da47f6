// Whether a customer is "headquartered in, or has an ultimate parent
// headquartered in, Country Group D:5 or Macau" on a given day (15 CFR
// 742.6(a)(6)(iii)(A); the May 2025 guidance on training for such parties),
// and why. Every country the question can turn on is checked: the
// customer's headquarters, the ultimate parent the profile declares, and the
// one the ownership chain leads to. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "detectors/country_policy.h"
#include "detectors/ownership.h"
#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

struct AdversaryLink {
  // "headquarters", "declared ultimate parent" or "ultimate parent by ownership".
  std::string basis;
  std::string entity;   // the entity headquartered there
  std::string country;  // as recorded (Hong Kong stays "HK")
  const CountryGroupRow* row = nullptr;
};

// Every link found on `day`, in the order above; empty when none.
std::vector<AdversaryLink> FindAdversaryLinks(const v1::CustomerProfile& customer,
                                              const UltimateParent& parent,
                                              const CountryPolicy& policy, absl::CivilDay day);

}  // namespace redflag::detectors
