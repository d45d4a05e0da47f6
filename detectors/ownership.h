// Who controls a customer: the ownership chain walked upwards, link by link
// and across other customers' profiles, to the ultimate parent, with the path
// as evidence. Cycle-safe and depth-limited, since the chains come from
// customer declarations and operators' records.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

struct OwnershipStep {
  std::string name;
  std::string country;
  double percent = 0;  // share of the step below held; 0 = unknown
  std::string customer_id;
};

struct UltimateParent {
  // The customer itself first, then each controlling owner upwards; the last
  // step is the ultimate parent (the customer itself when nobody controls it).
  std::vector<OwnershipStep> path;
  // An owner above the parent holding 50 % or less: named, not followed.
  std::vector<OwnershipStep> minority_owners;
  bool cycle = false;      // the chain led back to an entity already on it
  bool truncated = false;  // stopped at the depth limit
  // The profile names a different ultimate parent than the walk reached.
  bool declared_differs = false;

  const OwnershipStep& parent() const { return path.back(); }
  // "Acme Cloud (US) <- 100% Acme Europe (NL) <- 60% Dragon Holdings (CN)"
  std::string PathText() const;
};

// `profile_of`: another customer's profile by customer_id, or null.
UltimateParent FindUltimateParent(
    const v1::CustomerProfile& customer,
    const std::function<const v1::CustomerProfile*(const std::string&)>& profile_of,
    int max_depth = 64);

}  // namespace redflag::detectors
