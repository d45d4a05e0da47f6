// The policy profile in force: which rules run, and the name and version
// every alert records (Alert.policy_profile), so a finding can be read
// against the rules of its day.
#pragma once

#include <map>
#include <string>

#include "daemon/config/config.h"
#include "detectors/reporting_policy.h"

namespace redflag {

struct PolicyProfile {
  std::string name;     // "may_2025_guidance", "ai_diffusion_2025", "eo_14110", "custom"
  std::string version;  // the rule's date, or a digest of a custom profile's settings
  bool rf28 = false;
  bool adversary_linked_training = false;
  bool weight_egress = false;
  // The reporting duties of R4 and R5, each with its source and status.
  detectors::ReportingPolicy reporting;

  // "name@version", as alerts record it.
  std::string Label() const { return name + "@" + version; }
};

PolicyProfile ResolvePolicyProfile(const PolicyConfig& config);

// The profile an in_force "policy" audit record names, rebuilt from its
// details ("profile" as "name@version", "rules", "reportable_runs_by",
// "foreign_record_due_days"), so that a past period is read under the
// profile then in force, under the version the record names. Details a
// record lacks take their defaults.
PolicyProfile ProfileFromRecord(const std::map<std::string, std::string>& details);

}  // namespace redflag
