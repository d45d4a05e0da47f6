#include "cli/estimate_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace redflag::cli {
namespace {

std::string Ops(double v) { return absl::StrFormat("%.3g", v); }

// `best_method` "none": no method could give a best estimate, only the bound.
std::string Interval(const redflag::v1::OperationsInterval& i, const std::string& best_method) {
  if (best_method == "none") return absl::StrCat("no best estimate (upper ", Ops(i.upper()), ")");
  return absl::StrCat(Ops(i.best()), " (lower ", Ops(i.lower()), ", upper ", Ops(i.upper()), ")");
}

std::string Publication(const redflag::v1::ModelRecord& m) {
  if (m.version() == 0) return "not recorded as published";
  const redflag::v1::ModelPublication& p = m.publication();
  std::string out = p.weights_published() ? "published" : "not published";
  if (p.weights_published() && p.published_unix_ms() > 0) {
    absl::StrAppend(&out, " since ",
                    absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(p.published_unix_ms()),
                                     absl::UTCTimeZone()));
  }
  if (!p.evidence().empty()) absl::StrAppend(&out, " (", p.evidence(), ")");
  absl::StrAppend(&out, ", recorded");
  if (!p.recorded_by().empty()) absl::StrAppend(&out, " by ", p.recorded_by());
  absl::StrAppend(&out, " ",
                  absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(m.updated_unix_ms()),
                                   absl::UTCTimeZone()),
                  ", version ", m.version());
  return out;
}

}  // namespace

std::string FormatEstimateReport(const redflag::v1::EstimateReport& r) {
  std::string out = absl::StrCat(r.subject_kind(), " ", r.subject_id(), ": ",
                                 Interval(r.operations(), r.best_method()), " operations");
  if (!r.best_method().empty() && r.best_method() != "none") {
    absl::StrAppend(&out, ", best from ", r.best_method());
  }
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
  if ((r.subject_kind() == "customer" || r.subject_kind() == "parent") &&
      r.serving_operations().upper() > 0) {
    absl::StrAppend(&out, "serving: ", Interval(r.serving_operations(), ""),
                    " operations of inference and evaluation, not counted as training\n");
  }
  if (r.subject_kind() == "model") {
    absl::StrAppend(&out, "lineage: ", r.subject_id());
    for (const auto& a : r.ancestors()) absl::StrAppend(&out, " <- ", a);
    absl::StrAppend(&out, "\naccounts: ", absl::StrJoin(r.customers(), ", "), "\n");
    absl::StrAppend(&out, "weights: ", Publication(r.model()), "\n");
  }
  absl::StrAppend(&out, "jobs:\n");
  for (const auto& j : r.jobs()) {
    absl::StrAppend(&out, "  ", j.job_id(), " (", j.customer_id());
    if (!j.model_id().empty()) absl::StrAppend(&out, ", model ", j.model_id());
    absl::StrAppend(&out, ", ", j.workload(), j.serving() ? ", serving" : "", ") ", j.accelerator(),
                    ", ", Ops(j.accelerator_seconds()),
                    " accelerator-s: ", Interval(j.operations(), j.best_method()));
    if (j.best_method() != "none") absl::StrAppend(&out, " by ", j.best_method());
    absl::StrAppend(&out, "\n");
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
