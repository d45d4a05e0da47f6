// Rule unattributed_compute: busy accelerator time of a cluster that maps to
// no job (a GPU no registered job names, a pod in a namespace without the
// customer label, a pod that requested no GPUs) is compute no customer
// answers for: the plainest way to train off the books. Raised from a set
// amount on, or from a smaller amount on when it is a set share of the
// cluster's accelerator time. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace redflag::detectors {

struct ClusterAcceleratorTime {
  std::string cluster;
  uint64_t unattributed_ms = 0;
  uint64_t attributed_ms = 0;  // the cluster's jobs' accelerator time
};

struct UnattributedPolicy {
  uint64_t alert_ms = 8ull * 3600 * 1000;  // raise from this much on
  uint64_t min_ms = 3600 * 1000;           // the share rule's least amount
  double share = 0.02;                     // of the cluster's accelerator time
};

struct UnattributedFinding {
  // "amount" (over alert_ms) or "share" (over min_ms and the share).
  std::string reason;
  double share = 0;  // unattributed / (unattributed + attributed)
  // How many times alert_ms it is, in powers of two (1, 2, 4, ...): the
  // alert's level, so that growth is re-raised and steady state is not.
  uint64_t multiple = 0;
  bool critical = false;  // ten times alert_ms or more
};

std::optional<UnattributedFinding> JudgeUnattributed(const ClusterAcceleratorTime& time,
                                                     const UnattributedPolicy& policy);

}  // namespace redflag::detectors
