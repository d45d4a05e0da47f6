// Know-your-customer anomalies (R11/R12, BIS red flags for diversion): a
// score from weighted flags, so that no single flag decides and every
// contributing flag is evidence. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

struct KycWeights {
  double formed_recently_large_request = 2;  // formed after 2022-10-07, many accelerators
  double residential_address = 1;
  double forwarder_address = 2;
  double third_country_payment = 1.5;
  double third_party_payment = 1.5;  // paid by someone other than the customer
  double reseller_undisclosed = 2;   // a reseller that does not name its end customers
  double no_end_use = 1;             // declared no end use
  double listed_officer = 3;         // an officer matches a restricted-party entry
  double no_web_presence = 0.5;      // no contact domain
  double young_domain = 0.5;         // its web domain registered less than a year ago
  uint32_t large_request_accelerators = 1000;
};

struct KycFlag {
  std::string name;  // "forwarder_address", ...
  double weight;
  std::string fact;  // what made it so
};

struct KycScore {
  double score = 0;
  std::vector<KycFlag> flags;
};

// `max_accelerators`: the most accelerators one of its jobs asked for;
// `listed_officers`: officers whose names matched a restricted-party entry;
// `today`: the day the score is for (a domain's age is counted to it).
KycScore ScoreKyc(const v1::CustomerProfile& profile, uint32_t max_accelerators,
                  const std::vector<std::string>& listed_officers, const KycWeights& weights,
                  absl::CivilDay today);

}  // namespace redflag::detectors
