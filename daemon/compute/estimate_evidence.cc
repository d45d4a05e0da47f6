#include "daemon/compute/estimate_evidence.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/alerts/alert_recorder.h"

namespace redflag {
namespace {

std::string Formula(const v1::JobContribution& j) {
  for (const v1::MethodFigure& m : j.methods()) {
    if (m.method() == j.best_method() && !m.formula().empty()) return m.formula();
  }
  return "";
}

}  // namespace

absl::Status AddEstimateEvidence(const ComputeView& view, const std::string& kind,
                                 const std::string& id, v1::Alert& alert) {
  v1::GetEstimateRequest request;
  if (kind == "model") {
    request.set_model_id(id);
  } else if (kind == "customer") {
    request.set_customer_id(id);
  } else if (kind == "parent") {
    request.set_ultimate_parent(id);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("subject kind '", kind, "' has no estimate"));
  }
  absl::StatusOr<v1::EstimateReport> report = view.Report(request);
  if (!report.ok()) {
    SetEvidence(alert, "jobs", absl::StrCat("unavailable: ", report.status().message()));
    return absl::OkStatus();
  }
  SetEvidence(alert, "operations_lower", OpsFigure(report->operations().lower()));
  SetEvidence(alert, "operations_best", OpsFigure(report->operations().best()));
  SetEvidence(alert, "operations_upper", OpsFigure(report->operations().upper()));

  std::vector<const v1::JobContribution*> jobs;
  for (const v1::JobContribution& j : report->jobs()) jobs.push_back(&j);
  std::stable_sort(jobs.begin(), jobs.end(), [](const auto* a, const auto* b) {
    return a->operations().best() > b->operations().best();
  });
  SetEvidence(alert, "jobs", absl::StrCat(jobs.size()));
  v1::OperationsInterval rest;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const v1::JobContribution& j = *jobs[i];
    if (i >= static_cast<size_t>(kEvidenceJobsListed)) {
      rest.set_lower(rest.lower() + j.operations().lower());
      rest.set_best(rest.best() + j.operations().best());
      rest.set_upper(rest.upper() + j.operations().upper());
      continue;
    }
    AddEvidence(
        alert, "job",
        absl::StrCat(j.job_id(), " (customer ", j.customer_id(), ", model ",
                     j.model_id().empty() ? "-" : j.model_id(), "): ", j.accelerator(), ", ",
                     OpsFigure(j.accelerator_seconds()), " accelerator-s; lower ",
                     OpsFigure(j.operations().lower()), ", best ", OpsFigure(j.operations().best()),
                     ", upper ", OpsFigure(j.operations().upper()), " by ", j.best_method(), ": ",
                     Formula(j)));
  }
  if (jobs.size() > static_cast<size_t>(kEvidenceJobsListed)) {
    AddEvidence(
        alert, "jobs_not_listed",
        absl::StrCat(jobs.size() - kEvidenceJobsListed, " jobs: lower ", OpsFigure(rest.lower()),
                     ", best ", OpsFigure(rest.best()), ", upper ", OpsFigure(rest.upper())));
  }
  return absl::OkStatus();
}

}  // namespace redflag
