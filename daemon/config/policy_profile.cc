#include "daemon/config/policy_profile.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/util/sha256.h"

namespace redflag {

PolicyProfile ResolvePolicyProfile(const PolicyConfig& c) {
  PolicyProfile p;
  p.name = c.profile;
  p.reporting = detectors::ProposedReportingPolicy();
  if (c.profile == "eo_14110") {
    // Revoked on 20 Jan 2025: kept to read a period it governed. Neither
    // Red Flag 28 nor the May 2025 guidance existed then.
    p.version = "2023-10-30";
    p.reporting = detectors::Eo14110ReportingPolicy();
  } else if (c.profile == "ai_diffusion_2025") {
    p.version = "2025-01-15";  // Framework for AI Diffusion, 90 FR 4544
    p.rf28 = true;
    p.weight_egress = true;  // ECCN 4E091 came with the same rule
  } else if (c.profile == "custom") {
    auto on = [&](const char* rule) {
      return std::find(c.rules.begin(), c.rules.end(), rule) != c.rules.end();
    };
    p.rf28 = on("rf28");
    p.adversary_linked_training = on("adversary_linked_training");
    p.weight_egress = on("weight_egress");
    p.reporting.runs.on = on("reportable_runs");
    p.reporting.biological_sequence_runs.on = on("biological_sequence_runs");
    p.reporting.clusters.on = on("reportable_clusters");
    p.reporting.foreign_person_records.on = on("foreign_person_records");
    p.version = Sha256Hex(absl::StrCat(absl::StrJoin(c.rules, ","), "|", c.rf28_level, "|",
                                       c.rf28_pre_alert_fraction))
                    .substr(0, 12);
  } else {
    p.version = "2025-05-13";  // rescission announced; guidance on training for D:5 parties
    p.adversary_linked_training = true;
  }
  return p;
}

}  // namespace redflag
