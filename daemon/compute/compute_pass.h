// The compute timer: every compute.evaluation_interval, the figures of every
// job, lineage, customer and ultimate parent are computed once and handed to
// each detector that judges them (levels and projections, Red Flag 28,
// structuring), so adding a detector does not add a pass over all jobs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/compute/compute_view.h"
#include "daemon/util/periodic.h"

namespace redflag {

class ComputePass {
 public:
  using Detector = std::function<absl::Status(const ComputeEvaluation&, absl::Time)>;

  ComputePass(const ComputeView& view, std::vector<std::pair<std::string, Detector>> detectors,
              absl::Duration interval);

  // One pass; the first detector error is returned after all have run.
  absl::Status RunOnce(absl::Time now);

 private:
  const ComputeView& view_;
  const std::vector<std::pair<std::string, Detector>> detectors_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag
