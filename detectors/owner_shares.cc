#include "detectors/owner_shares.h"

#include "absl/strings/str_cat.h"

namespace redflag::detectors {

std::vector<OwnerShare> OwnerShares(const v1::CustomerProfile& p) {
  std::vector<OwnerShare> out;
  for (int i = 0; i < p.beneficial_owners_size(); ++i) {
    const v1::Person& b = p.beneficial_owners(i);
    out.push_back({absl::StrCat("beneficial_owners[", i, "].name"), b.name(), b.ownership_percent(),
                   b.ownership_percent() > 0});
  }
  double through = 100;  // share of the customer held through the chain so far
  bool known = true;
  for (int i = 0; i < p.ownership_chain_size(); ++i) {
    const v1::OwnershipLink& l = p.ownership_chain(i);
    known = known && l.ownership_percent() > 0;
    through = known ? through * l.ownership_percent() / 100 : 0;
    out.push_back(
        {absl::StrCat("ownership_chain[", i, "].owner_name"), l.owner_name(), through, known});
  }
  return out;
}

}  // namespace redflag::detectors
