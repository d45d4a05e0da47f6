// The reporting duties of R4 and R5 as policy data. The rules behind them are
// proposed (15 CFR 702.7, the IaaS Customer Identification Program) or revoked
// (EO 14110), so each duty carries its threshold, the rule it comes from and
// that rule's status, and is on or off per policy profile
// (daemon/config/policy_profile.cc). A report names the duty it applied.
#pragma once

#include <string>

namespace redflag::detectors {

// Where a duty comes from and how binding it is.
struct DutySource {
  std::string status = {};    // "proposed", "revoked", "unconfirmed"
  std::string citation = {};  // the rule and where it was published
};

// R4: a training run over `operations` is reported (quarterly).
struct RunDuty {
  bool on = false;
  double operations = 0;
  DutySource source = {};
  // The run is a model's lineage (its ancestors' training included) rather
  // than one job.
  bool by_lineage = false;
};

// R4: a cluster with a theoretical peak over `peak_ops_per_s` (dense, no
// sparsity) connected by more than `interconnect_gbit_s` is reported.
struct ClusterDuty {
  bool on = false;
  double peak_ops_per_s = 0;
  double interconnect_gbit_s = 0;
  DutySource source = {};
};

// R5: a foreign person's lineage crossing `operations` opens a report
// record, due `due_days` after it opened.
struct ForeignRecordDuty {
  bool on = false;
  double operations = 0;
  int due_days = 0;
  DutySource source = {};
  DutySource due_source = {};  // the deadline's own status
};

struct ReportingPolicy {
  RunDuty runs = {};
  RunDuty biological_sequence_runs = {};
  ClusterDuty clusters = {};
  ForeignRecordDuty foreign_person_records = {};
};

// The proposed rules of 2024: 15 CFR 702.7 (runs over 1e26, clusters over
// 1e20 OP/s at 300 Gbit/s) and the IaaS CIP's training-run report (1e26, 15
// days). The biological-sequence duty is off: only EO 14110 had it.
ReportingPolicy ProposedReportingPolicy();

// EO 14110 section 4.2(b) (revoked 20 Jan 2025, kept to read a past period):
// runs over 1e26, runs mainly on biological sequence data over 1e23, clusters
// over 1e20 OP/s at 100 Gbit/s in one datacenter; the CIP record as above.
ReportingPolicy Eo14110ReportingPolicy();

}  // namespace redflag::detectors
