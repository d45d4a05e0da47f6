#include "detectors/unattributed_compute.h"

namespace redflag::detectors {

std::optional<UnattributedFinding> JudgeUnattributed(const ClusterAcceleratorTime& time,
                                                     const UnattributedPolicy& policy) {
  const uint64_t all = time.unattributed_ms + time.attributed_ms;
  UnattributedFinding f;
  f.share = all == 0 ? 0 : static_cast<double>(time.unattributed_ms) / static_cast<double>(all);
  if (policy.alert_ms > 0 && time.unattributed_ms >= policy.alert_ms) {
    f.reason = "amount";
  } else if (time.unattributed_ms >= policy.min_ms && time.unattributed_ms > 0 &&
             f.share >= policy.share) {
    f.reason = "share";
  } else {
    return std::nullopt;
  }
  f.multiple = 1;
  if (policy.alert_ms > 0) {
    while (f.multiple <= time.unattributed_ms / policy.alert_ms / 2) f.multiple *= 2;
  }
  f.critical = policy.alert_ms > 0 && time.unattributed_ms / 10 >= policy.alert_ms;
  return f;
}

}  // namespace redflag::detectors
