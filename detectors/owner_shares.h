// How much of a customer each owner named in its profile holds, directly or
// through the ownership chain, for the 50 % rules (BIS's affiliates rule for
// Entity List and Military End User parties, OFAC's for SDNs): a beneficial
// owner's share is direct; the chain's first owner holds its share of the
// customer, and each owner above holds its share of the one below, so its
// share of the customer is the product along the way. Pure.
#pragma once

#include <string>
#include <vector>

#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

struct OwnerShare {
  std::string field;  // where the owner is in the profile, as screening names it
  std::string name;
  double percent = 0;  // of the customer, 0-100
  bool known = true;   // false when a share on the way is not stated (0)
};

std::vector<OwnerShare> OwnerShares(const v1::CustomerProfile& profile);

}  // namespace redflag::detectors
