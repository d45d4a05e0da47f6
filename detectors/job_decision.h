// The admission decision for a job a scheduler is about to start: ALLOW,
// REVIEW or DENY, with every reason (its rule, the alert behind it and one
// line of evidence), derived only from the customer's stored findings and
// standing and the policy. Pure: the daemon gathers the facts
// (daemon/decisions), this judges them.
//
// Defaults (the May 2025 guidance):
//   restricted_party at or above the block score, not dispositioned false
//     positive                                                     DENY  (R9)
//   listed_ownership of 50 % or more                               DENY
//   listed_ownership with shares unknown                           REVIEW
//   headquartered or ultimately owned in D:5 or Macau, training    DENY  (R2; policy: REVIEW)
//   the same party, dedicated capacity of 3A090/4A090-class
//     accelerators                                                 DENY  (R3: licence required)
//   kyc_anomaly at the strong score                                REVIEW
//   a customer without a profile                                   REVIEW (policy)
// An analyst's disposition lifts a reason (false positive for screening,
// ownership and KYC findings; licence obtained for R2 and R3, while the job
// is within the licence's end date and size) and is named in the answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace redflag::detectors {

enum class Verdict { kAllow = 0, kReview = 1, kDeny = 2 };

const char* VerdictName(Verdict v);

// A stored finding about the customer, as the decision reads it.
struct CustomerFinding {
  // restricted_party, listed_ownership, adversary_linked_training, kyc_anomaly, ...
  std::string rule = {};
  std::string alert_id = {};
  std::string level = {};  // listed_ownership: "50_percent" or "share_unknown"
  double score = 0;        // restricted_party: the match score; kyc_anomaly: the flags' sum
  // Resolved by an analyst, how and by whom (empty while open).
  std::string disposition = {};  // "false_positive", "licence_obtained", ...
  std::string resolved_by = {};
  std::string evidence = {};  // one line: the alert's summary
  // licence_obtained: the licence's number (empty on alerts resolved before
  // licences were recorded), when it ends and the largest job it covers
  // (0: any). A reason is lifted on it only within both.
  std::string licence = {};
  absl::Time licence_expires = absl::InfiniteFuture();
  uint32_t licence_max_accelerators = 0;
};

struct CustomerStanding {
  bool has_profile = false;
  // Headquartered or ultimately owned in a Country Group D:5 country or
  // Macau (the caller applies the dated country groups), and which.
  bool adversary_linked = false;
  std::string adversary_basis = {};  // e.g. "headquarters CN" or "ultimate parent MO"
  std::vector<CustomerFinding> findings = {};
};

struct JobAsk {
  std::string customer_id = {};
  uint32_t accelerators = 0;
  // Bare metal or a reserved cluster for this customer alone, not shared.
  bool dedicated = false;
  // The accelerator is of the 3A090/4A090 class (the catalog says).
  bool advanced_accelerator = false;
  // Training (or unknown): adds to a model's operations. Inference and
  // evaluation are not what R2 holds back.
  bool training = true;
  // When it is asked: a licence that has ended by then lifts nothing.
  absl::Time at = absl::UnixEpoch();
};

struct DecisionPolicy {
  double block_score = 0.95;    // a restricted-party hit scoring at least this blocks
  double kyc_review_score = 6;  // the strong KYC score
  Verdict adversary_training = Verdict::kDeny;  // R2: may_2025_guidance DENY, else REVIEW
  Verdict no_profile = Verdict::kReview;
  bool dedicated_needs_licence = true;  // R3
};

struct DecisionReason {
  std::string rule = {};
  Verdict verdict = Verdict::kAllow;  // what it asks for
  std::string alert_id = {};          // the finding behind it, when there is one
  std::string evidence = {};
  // Lifted by an analyst's disposition: named, and no longer counted.
  bool lifted = false;
  std::string lifted_by = {};  // "false_positive by alice"
};

struct JobDecision {
  Verdict verdict = Verdict::kAllow;
  std::vector<DecisionReason> reasons = {};  // the strongest first, lifted ones last
  // The answer holds until then at the latest: the end of a licence it
  // rests on (a caller must not cache it past that).
  absl::Time valid_until = absl::InfiniteFuture();
};

JobDecision DecideJob(const JobAsk& job, const CustomerStanding& customer,
                      const DecisionPolicy& policy);

// Where a recorded licence stands at `now`, for the notice ahead of its end
// (rule licence_ending): in force beyond `notice`, ending within it, or ended
// (from then on the reason it lifted counts again). A licence without an end
// (InfiniteFuture) is always in force.
enum class LicenceTerm { kInForce, kEndsSoon, kEnded };
LicenceTerm LicenceTermAt(absl::Time expires, absl::Time now, absl::Duration notice);

}  // namespace redflag::detectors
