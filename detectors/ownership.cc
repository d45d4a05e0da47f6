#include "detectors/ownership.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace redflag::detectors {
namespace {

// More than this share is control; an unknown share (0) counts as control,
// since the link was declared as ownership.
constexpr double kControlPercent = 50;

// Marks the entity of a step as visited, by customer id and by name and
// country, however a chain names it; false when it was visited before.
bool Visit(const OwnershipStep& s, absl::flat_hash_set<std::string>& seen) {
  bool fresh =
      seen.insert(absl::StrCat("name:", absl::AsciiStrToLower(absl::StripAsciiWhitespace(s.name)),
                               "/", s.country))
          .second;
  if (!s.customer_id.empty())
    fresh = seen.insert(absl::StrCat("id:", s.customer_id)).second && fresh;
  return fresh;
}

}  // namespace

std::string UltimateParent::PathText() const {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const OwnershipStep& s = path[i];
    if (i > 0) {
      out += s.percent > 0 ? absl::StrFormat(" <- %g%% ", s.percent) : " <- ";
    }
    absl::StrAppend(&out, s.name, " (", s.country.empty() ? "?" : s.country, ")");
  }
  if (cycle) out += " <- (cycle)";
  if (truncated) out += " <- (depth limit)";
  return out;
}

UltimateParent FindUltimateParent(
    const v1::CustomerProfile& customer,
    const std::function<const v1::CustomerProfile*(const std::string&)>& profile_of,
    int max_depth) {
  UltimateParent result;
  result.path.push_back(
      {customer.legal_name(), customer.headquarters_country(), 0, customer.customer_id()});
  absl::flat_hash_set<std::string> seen;
  Visit(result.path.back(), seen);
  const v1::CustomerProfile* current = &customer;
  while (current != nullptr) {
    const v1::CustomerProfile* next = nullptr;
    for (const v1::OwnershipLink& link : current->ownership_chain()) {
      OwnershipStep step{link.owner_name(), link.owner_country(), link.ownership_percent(),
                         link.owner_customer_id()};
      const v1::CustomerProfile* owner =
          step.customer_id.empty() ? nullptr : profile_of(step.customer_id);
      // The owner's own profile knows its headquarters best.
      if (owner != nullptr && !owner->headquarters_country().empty()) {
        step.country = owner->headquarters_country();
      }
      if (step.percent > 0 && step.percent <= kControlPercent) {
        result.minority_owners.push_back(std::move(step));
        next = nullptr;
        break;
      }
      if (!Visit(step, seen)) {
        result.cycle = true;
        next = nullptr;
        break;
      }
      if (static_cast<int>(result.path.size()) > max_depth) {
        result.truncated = true;
        next = nullptr;
        break;
      }
      result.path.push_back(std::move(step));
      next = owner;
    }
    // The top of this chain is itself a customer: go on up its own chain.
    current = next != current ? next : nullptr;
    if (result.cycle || result.truncated) break;
  }
  if (!customer.ultimate_parent_name().empty()) {
    const OwnershipStep& top = result.parent();
    result.declared_differs =
        absl::AsciiStrToLower(top.name) != absl::AsciiStrToLower(customer.ultimate_parent_name()) ||
        (!customer.ultimate_parent_country().empty() &&
         top.country != customer.ultimate_parent_country());
  }
  return result;
}

}  // namespace redflag::detectors
