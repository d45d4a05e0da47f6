#include "daemon/config/policy_profile.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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
  p.reporting.runs.by_lineage = c.reportable_runs_by_lineage;
  p.reporting.foreign_person_records.due_days = c.foreign_record_due_days;
  if (c.foreign_record_due_days != 15) {
    p.reporting.foreign_person_records.due_source = {.status = "configured",
                                                     .citation = "policy.foreign_record_due_days"};
  }
  return p;
}

PolicyProfile ProfileFromRecord(const std::map<std::string, std::string>& details) {
  auto get = [&](const char* name) {
    auto it = details.find(name);
    return it == details.end() ? std::string() : it->second;
  };
  PolicyConfig c;
  const std::string label = get("profile");
  if (!label.empty()) c.profile = label.substr(0, label.find('@'));
  for (absl::string_view r : absl::StrSplit(get("rules"), ',', absl::SkipEmpty())) {
    c.rules.emplace_back(r);
  }
  c.reportable_runs_by_lineage = get("reportable_runs_by") == "lineage";
  int days = 0;
  if (absl::SimpleAtoi(get("foreign_record_due_days"), &days) && days > 0) {
    c.foreign_record_due_days = days;
  }
  PolicyProfile p = ResolvePolicyProfile(c);
  // The version the record names (a custom profile's digest covers settings
  // the record does not repeat).
  if (size_t at = label.find('@'); at != std::string::npos) p.version = label.substr(at + 1);
  return p;
}

}  // namespace redflag
