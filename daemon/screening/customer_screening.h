// Screens customers against the restricted-party lists: every name a profile
// holds (legal name, aliases, ultimate parent, owners, beneficial owners,
// officers) at each upsert, and every stored customer again when a list
// changes. Each hit becomes an alert (rule "restricted_party") with the
// evidence a reviewer needs.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/screening/party_lists.h"
#include "redflag/v1/customers.pb.h"

namespace redflag {

struct NameToScreen {
  std::string field;  // "legal_name", "beneficial_owners[0].name", ...
  std::string name;
  std::string country;  // the country that goes with it, if any
};

// Every name of a profile worth screening, with the field it came from.
std::vector<NameToScreen> NamesToScreen(const v1::CustomerProfile& profile);

class CustomerScreening {
 public:
  CustomerScreening(const PartyLists& lists, AlertStore& alerts, CustomerRegistry& customers)
      : lists_(lists), recorder_(alerts), customers_(customers) {}

  // Screens one profile at `now`, records an alert per listed entry hit, and
  // returns every finding.
  absl::StatusOr<std::vector<v1::ScreeningFinding>> Screen(const v1::CustomerProfile& profile,
                                                           absl::Time now);

  // Every stored customer again; returns how many were screened.
  absl::StatusOr<size_t> ScreenAll(absl::Time now);

 private:
  const PartyLists& lists_;
  AlertRecorder recorder_;
  CustomerRegistry& customers_;
};

}  // namespace redflag
