#include "detectors/foreign_person.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace redflag::detectors {

std::optional<std::string> ForeignBasis(const v1::CustomerProfile& customer,
                                        const UltimateParent& parent) {
  const std::string& hq = customer.headquarters_country();
  if (hq.empty()) return "headquarters unknown";
  if (hq != "US") return absl::StrCat("headquarters ", hq);
  // The declared parent, then the one the walk reached.
  const std::string& declared = customer.ultimate_parent_country();
  if (!declared.empty() && declared != "US") {
    return absl::StrCat("ultimate parent ", customer.ultimate_parent_name(), " (", declared, ")");
  }
  if (!parent.path.empty() && parent.path.size() > 1) {
    const OwnershipStep& top = parent.parent();
    if (!top.country.empty() && top.country != "US") {
      return absl::StrCat("ultimate parent ", top.name, " (", top.country, "): ",
                          parent.PathText());
    }
  }
  return std::nullopt;
}

absl::Time RecordDue(absl::Time crossed_by, absl::Time opened, int due_days) {
  return std::min(crossed_by, opened) + absl::Hours(24) * due_days;
}

bool IsOverdue(bool filed, absl::Time due, absl::Time now) { return !filed && now > due; }

}  // namespace redflag::detectors
