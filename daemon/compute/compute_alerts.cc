#include "daemon/compute/compute_alerts.h"

#include "absl/strings/str_cat.h"
#include "daemon/compute/estimate_evidence.h"

namespace redflag {
namespace {

void AddFigure(v1::Alert& a, const detectors::Interval& ops) {
  AddEvidence(a, "operations_lower", OpsFigure(ops.lower));
  AddEvidence(a, "operations_best", OpsFigure(ops.best));
  AddEvidence(a, "operations_upper", OpsFigure(ops.upper));
}

}  // namespace

ComputeAlerts::ComputeAlerts(const ComputeView& view, AlertStore& alerts, absl::Duration horizon)
    : view_(view), recorder_(alerts), horizon_(horizon) {}

absl::Status ComputeAlerts::EvaluateOnce(absl::Time now) {
  absl::StatusOr<ComputeEvaluation> evaluated = view_.EvaluateAll();
  if (!evaluated.ok()) return evaluated.status();
  return Evaluate(*evaluated, now);
}

absl::Status ComputeAlerts::Evaluate(const ComputeEvaluation& eval, absl::Time now) {
  const std::vector<detectors::Level>& levels = view_.levels();
  const detectors::Level& top = levels.back();
  for (const auto& subject : eval.subjects) {
    for (const detectors::Crossing& c : detectors::Crossings(subject.ops, levels)) {
      v1::Alert a = NewAlert("compute_level", subject.kind, subject.id, c.level.name);
      if (subject.kind == "customer") a.set_customer_id(subject.id);
      const char* likelihood = detectors::LikelihoodName(c.likelihood);
      a.set_level(absl::StrCat(c.level.name, "/", likelihood));
      a.set_severity(ToSeverity(detectors::SeverityOf(c, view_.possible_severity_step())));
      a.set_summary(absl::StrCat(
          subject.kind, " ", subject.id,
          c.likelihood == detectors::Likelihood::kLikely ? " has likely reached "
                                                         : " may have reached ",
          OpsRounded(c.level.ops), " operations (level ", c.level.name, "): best estimate ",
          OpsRounded(subject.ops.best), ", upper bound ", OpsRounded(subject.ops.upper)));
      AddFigure(a, subject.ops);
      AddEvidence(a, "level_operations", OpsFigure(c.level.ops));
      AddEvidence(a, "judged_on",
                  c.likelihood == detectors::Likelihood::kLikely
                      ? "best estimate"
                      : "upper bound (measured activity or physical ceiling)");
      AddEvidence(a, "explain",
                  absl::StrCat("redflagctl compute show ", subject.kind, " ", subject.id));
      const auto gather = [&](v1::Alert& w) {
        return AddEstimateEvidence(view_, subject.kind, subject.id, w);
      };
      if (absl::Status s = recorder_.Record(std::move(a), now, true, gather); !s.ok()) return s;
    }
    std::optional<absl::Time> when =
        detectors::ProjectCrossing(subject.ops.best, subject.rate, top, now, horizon_);
    if (when) {
      v1::Alert a = NewAlert("compute_projection", subject.kind, subject.id, top.name);
      if (subject.kind == "customer") a.set_customer_id(subject.id);
      a.set_level(top.name);
      a.set_severity(v1::SEVERITY_HIGH);
      const std::string date = absl::FormatTime("%Y-%m-%d", *when, absl::UTCTimeZone());
      a.set_summary(absl::StrCat(subject.kind, " ", subject.id, " is expected to reach ",
                                 OpsRounded(top.ops), " operations (level ", top.name, ") around ",
                                 date, " at its recent rate of ", OpsRounded(subject.rate),
                                 " operations/s"));
      AddFigure(a, subject.ops);
      AddEvidence(a, "rate_operations_per_s", OpsFigure(subject.rate));
      AddEvidence(a, "expected_date", date);
      if (absl::Status s = recorder_.Record(std::move(a), now, false); !s.ok()) return s;
    }
  }
  for (const auto& f : eval.findings) {
    v1::Alert a = NewAlert("data_quality", "job", f.job_id, detectors::DataIssueName(f.kind));
    a.set_level(detectors::DataIssueName(f.kind));
    // Figures that contradict the hardware may be a tenant hiding compute.
    const bool contradicts = f.kind == detectors::DataIssue::kReportedFarBelow ||
                             f.kind == detectors::DataIssue::kAboveMeasuredBound;
    a.set_severity(contradicts ? v1::SEVERITY_HIGH : v1::SEVERITY_WARNING);
    a.set_summary(absl::StrCat("job ", f.job_id, ": ", f.detail));
    AddEvidence(a, "detail", f.detail);
    if (absl::Status s = recorder_.Record(std::move(a), now, false); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace redflag
