#include "daemon/compute/biological_runs.h"

#include "absl/strings/str_cat.h"
#include "detectors/reportable_runs.h"

namespace redflag {

absl::Status BiologicalSequenceRuns::Evaluate(const ComputeEvaluation& eval, absl::Time now) {
  for (const ComputeEvaluation::Run& run : eval.runs) {
    if (run.workload != v1::WORKLOAD_KIND_BIOLOGICAL_SEQUENCE) continue;
    for (const detectors::ReportableRun& r :
         detectors::ReportableUnder(run.ops, run.workload, policy_)) {
      if (r.duty != "biological_sequence_runs") continue;
      const bool likely = r.likelihood == detectors::Likelihood::kLikely;
      v1::Alert a = NewAlert("biological_sequence_run", "job", run.job_id, OpsFigure(r.threshold));
      a.set_customer_id(run.customer_id);
      a.set_level(
          absl::StrCat(OpsFigure(r.threshold), " ", detectors::LikelihoodName(r.likelihood)));
      a.set_severity(likely ? v1::SEVERITY_HIGH : v1::SEVERITY_WARNING);
      a.set_summary(absl::StrCat(
          "job ", run.job_id, " (customer ", run.customer_id, ", model ",
          run.model_id.empty() ? "-" : run.model_id,
          ") trains mainly on biological sequence data: ", OpsRounded(run.ops.best),
          " operations (upper bound ", OpsRounded(run.ops.upper), ") is ",
          likely ? "over " : "possibly over ", OpsRounded(r.threshold),
          ", a run to report for its quarter (", r.source.status, ": ", r.source.citation, ")"));
      AddEvidence(a, "operations_lower", OpsFigure(run.ops.lower));
      AddEvidence(a, "operations_best", OpsFigure(run.ops.best));
      AddEvidence(a, "operations_upper", OpsFigure(run.ops.upper));
      AddEvidence(a, "threshold", OpsFigure(r.threshold));
      AddEvidence(a, "duty", absl::StrCat(r.source.status, ": ", r.source.citation));
      AddEvidence(a, "explain", absl::StrCat("redflagctl compute show job ", run.job_id));
      if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace redflag
