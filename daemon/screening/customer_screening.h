// Screens customers against the restricted-party lists: every name a profile
// holds (legal name, aliases, ultimate parent, owners, beneficial owners,
// officers) at each upsert, and every stored customer again when a list
// changes. Each hit becomes an alert (rule "restricted_party") with the
// evidence a reviewer needs; owners found on the lists whose shares add up to
// 50 % or more make the customer count as listed (rule "listed_ownership");
// its addresses, phones and domains matching a listed entry's, or a listed
// customer's, are rule "entity_overlap" (entity_overlap.h).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/screening/entity_overlap.h"
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
  // `affiliates_rule`: Entity List and MEU owners count toward 50 % (SDN
  // owners always do). Screening records go to `store`.
  CustomerScreening(const PartyLists& lists, Store& store, bool sync, AlertStore& alerts,
                    CustomerRegistry& customers, bool affiliates_rule)
      : lists_(lists),
        store_(store),
        sync_(sync),
        recorder_(alerts),
        customers_(customers),
        affiliates_rule_(affiliates_rule),
        overlap_(alerts) {}

  // Screens one customer's profile at `now` against the lists in use,
  // records an alert per listed entry hit and the screening itself
  // (`trigger`: "upsert", "list_change", "start"), and returns every finding.
  absl::StatusOr<std::vector<v1::ScreeningFinding>> Screen(const v1::Customer& customer,
                                                           absl::Time now,
                                                           absl::string_view trigger);

  // Every stored customer again; returns how many were screened.
  absl::StatusOr<size_t> ScreenAll(absl::Time now, absl::string_view trigger);

  // A customer's screening records, newest first, at most `limit`.
  absl::StatusOr<std::vector<v1::ScreeningRecord>> Records(const std::string& customer_id,
                                                           size_t limit);

 private:
  // Rule listed_ownership, from the findings of one screening.
  absl::Status JudgeOwnership(const v1::CustomerProfile& profile,
                              const std::vector<v1::ScreeningFinding>& findings, absl::Time now);

  const PartyLists& lists_;
  Store& store_;
  const bool sync_;
  std::atomic<uint32_t> sequence_{0};  // orders records of the same millisecond
  AlertRecorder recorder_;
  CustomerRegistry& customers_;
  const bool affiliates_rule_;
  EntityOverlap overlap_;
};

}  // namespace redflag
