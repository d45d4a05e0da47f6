// Rule entity_overlap (R11, Red Flags 24/25): a customer whose addresses,
// telephone numbers or web domains are those of a restricted-party entry (the
// CSL and OFAC's files give them), or whose contacts or officers are those of
// another customer here that a list names — a former customer come back under
// a new name. Judged with every screening of a profile (upsert, list change,
// start).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/screening/party_lists.h"
#include "redflag/v1/customers.pb.h"

namespace redflag {

// A profile's contacts and officers, each written one way
// ("phone:613679153", "domain:irisl.net", "address:...", "officer:...").
std::map<std::string, std::string> OverlapKeys(const v1::CustomerProfile& profile);

class EntityOverlap {
 public:
  explicit EntityOverlap(AlertStore& alerts) : recorder_(alerts) {}

  // Alerts for the profile's contacts that listed entries give.
  absl::Status JudgeContacts(const v1::CustomerProfile& profile, const PartyLists& lists,
                             const PartyLists::Snapshot& in_use, absl::Time now);
  // Remembers whether the customer's own names are listed (`listed_as`: the
  // entry, empty if not), so that other customers sharing its contacts or
  // officers can be told.
  void NoteListed(const v1::CustomerProfile& profile, const std::string& listed_as);
  // Alerts for the profile sharing contacts or officers with listed customers.
  absl::Status JudgeAgainstListedCustomers(const v1::CustomerProfile& profile, absl::Time now);

 private:
  AlertRecorder recorder_;
  std::mutex mu_;
  // Listed customers: id -> (what lists them, their overlap keys).
  std::map<std::string, std::pair<std::string, std::map<std::string, std::string>>> listed_;
};

}  // namespace redflag
