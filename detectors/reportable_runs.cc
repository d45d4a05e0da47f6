#include "detectors/reportable_runs.h"

namespace redflag::detectors {
namespace {

void Judge(const char* name, const RunDuty& duty, const Interval& ops,
           std::vector<ReportableRun>& out) {
  if (!duty.on || !(ops.upper > duty.operations)) return;
  out.push_back(
      {.duty = name,
       .threshold = duty.operations,
       .likelihood = ops.best > duty.operations ? Likelihood::kLikely : Likelihood::kPossible,
       .source = duty.source});
}

}  // namespace

std::vector<ReportableRun> ReportableUnder(const Interval& ops, v1::WorkloadKind workload,
                                           const ReportingPolicy& policy) {
  std::vector<ReportableRun> out;
  if (workload == v1::WORKLOAD_KIND_BIOLOGICAL_SEQUENCE) {
    Judge("biological_sequence_runs", policy.biological_sequence_runs, ops, out);
  }
  Judge("runs", policy.runs, ops, out);
  return out;
}

}  // namespace redflag::detectors
