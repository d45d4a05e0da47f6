#include "cli/estimate_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace redflag::cli {
namespace {

std::string Ops(double v) { return absl::StrFormat("%.3g", v); }

std::string Interval(const redflag::v1::OperationsInterval& i) {
  return absl::StrCat(Ops(i.best()), " (lower ", Ops(i.lower()), ", upper ", Ops(i.upper()), ")");
}

}  // namespace

std::string FormatEstimateReport(const redflag::v1::EstimateReport& r) {
  std::string out = absl::StrCat(r.subject_kind(), " ", r.subject_id(), ": ",
                                 Interval(r.operations()), " operations");
  if (!r.best_method().empty()) absl::StrAppend(&out, ", best from ", r.best_method());
  absl::StrAppend(&out, "\n");
  if (r.crossings().empty()) {
    absl::StrAppend(&out, "levels: none reached, not even by the upper bound\n");
  } else {
    std::vector<std::string> levels;
    for (const auto& c : r.crossings()) {
      levels.push_back(absl::StrCat(c.level(), " ", c.likelihood(), " (", c.severity(), ")"));
    }
    absl::StrAppend(&out, "levels: ", absl::StrJoin(levels, ", "), "\n");
  }
  if (r.subject_kind() == "model") {
    absl::StrAppend(&out, "lineage: ", r.subject_id());
    for (const auto& a : r.ancestors()) absl::StrAppend(&out, " <- ", a);
    absl::StrAppend(&out, "\naccounts: ", absl::StrJoin(r.customers(), ", "), "\n");
  }
  absl::StrAppend(&out, "jobs:\n");
  for (const auto& j : r.jobs()) {
    absl::StrAppend(&out, "  ", j.job_id(), " (", j.customer_id());
    if (!j.model_id().empty()) absl::StrAppend(&out, ", model ", j.model_id());
    absl::StrAppend(&out, ", ", j.workload(), ") ", j.accelerator(), ", ",
                    Ops(j.accelerator_seconds()), " accelerator-s: ", Interval(j.operations()),
                    " by ", j.best_method(), "\n");
    for (const auto& m : j.methods()) {
      absl::StrAppend(&out, "    ", m.method(), ": ", m.formula(), " = ",
                      Ops(m.operations().best()), "\n");
    }
  }
  for (const auto& f : r.findings()) {
    absl::StrAppend(&out, "finding: ", f.job_id(), " ", f.kind(), ": ", f.detail(), "\n");
  }
  for (const auto& n : r.notes()) absl::StrAppend(&out, "note: ", n, "\n");
  return out;
}

}  // namespace redflag::cli
