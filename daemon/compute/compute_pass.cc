#include "daemon/compute/compute_pass.h"

#include "absl/strings/str_cat.h"

namespace redflag {

ComputePass::ComputePass(const ComputeView& view,
                         std::vector<std::pair<std::string, Detector>> detectors,
                         absl::Duration interval)
    : view_(view), detectors_(std::move(detectors)) {
  timer_ = std::make_unique<Periodic>("rf-compute", interval,
                                      [this](absl::Time now) { return RunOnce(now); });
}

absl::Status ComputePass::RunOnce(absl::Time now) {
  absl::StatusOr<ComputeEvaluation> eval = view_.EvaluateAll();
  if (!eval.ok()) return eval.status();
  absl::Status first;
  for (const auto& [name, detector] : detectors_) {
    absl::Status s = detector(*eval, now);
    if (!s.ok() && first.ok())
      first = absl::Status(s.code(), absl::StrCat(name, ": ", s.message()));
  }
  return first;
}

}  // namespace redflag
