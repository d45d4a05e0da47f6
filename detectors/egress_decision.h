// Whether a model's weights (a checkpoint) may be copied to a destination:
// DENY while its lineage is at the ECCN 4E091 level by the best estimate,
// its weights are not published, the destination is outside the AI
// authorization destinations, and no Red Flag 28 inquiry about it has the
// answer "export under licence" (R1, R8). At the level by the upper bound
// only, REVIEW. Otherwise ALLOW, with what clears it. Pure: the daemon
// gathers the facts (daemon/egress/egress_decisions.cc).
#pragma once

#include <string>
#include <vector>

#include "detectors/estimate.h"
#include "detectors/job_decision.h"

namespace redflag::detectors {

struct EgressInquiry {
  std::string inquiry_id = {};
  std::string state = {};   // "open", "customer_asked", "answered", "closed"
  std::string answer = {};  // "export_under_licence", "no_export", ... or empty
  std::string answered_by = {};
  std::string note = {};  // the answer's note (the licence number)
};

struct EgressFacts {
  std::string model_id = {};
  bool trained_here = false;  // the ledger holds training of its lineage
  Interval ops = {};          // the lineage's operations
  double level = 1e26;        // the 4E091 level (policy.rf28_level)
  bool weights_published = false;
  std::string destination = {};  // "AE" or "AE customer bucket", for the evidence
  bool destination_authorized = false;
  std::vector<EgressInquiry> inquiries = {};
};

JobDecision DecideEgress(const EgressFacts& facts);

}  // namespace redflag::detectors
