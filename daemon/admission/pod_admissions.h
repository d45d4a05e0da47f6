// The Kubernetes validating admission webhook: POST /admission/v1/pods/<cluster>.
// A pod that requests GPUs is decided as a job (decisions/job_decisions.h)
// for the customer its namespace's label names (the label the remote-write
// mapping reads, from kube-state-metrics); the answer echoes the request's
// uid, and a refusal's message names the reasons. Kubernetes cannot hold a
// pod, so a REVIEW refuses it by default (its controller tries again). A
// dry run is decided but not put on record (the webhook declares
// sideEffects: None). A fault on our side is an HTTP error, so that the API
// server applies the webhook's failurePolicy.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "daemon/http/http_server.h"

namespace redflag {

class JobDecisions;
class PodTracker;
struct IngestLimits;

struct PodAdmissionOptions {
  std::vector<std::string> gpu_resources = {"nvidia.com/gpu", "nvidia.com/mig-"};
  std::string customer_label = "redflag.io/customer";  // named in messages
  // The nodeSelector key naming the GPU product (GPU feature discovery's),
  // and the model for pods that name none.
  std::string accelerator_label = "nvidia.com/gpu.product";
  std::string default_accelerator = {};
  std::vector<std::string> dedicated_clusters = {};  // reserved for one customer each
  bool review_allows = false;                        // REVIEW: admitted with a warning, not refused
  bool unknown_namespace_allows = false;  // no customer known for the namespace: admitted
};

class PodAdmissions {
 public:
  PodAdmissions(PodAdmissionOptions options, JobDecisions& decisions, const PodTracker& pods,
                const IngestLimits& limits)
      : options_(std::move(options)), decisions_(decisions), pods_(pods), limits_(limits) {}

  HttpReply Handle(const HttpCall& call, absl::Time now);

  // Reviews answered, by outcome (a bounded set): allowed (GPU pods
  // admitted), not_judged (no GPUs, another kind or operation), denied,
  // review, no_customer (namespace unknown or unlabelled), malformed, failed.
  struct Stats {
    std::atomic<uint64_t> allowed{0}, not_judged{0}, denied{0}, review{0}, no_customer{0},
        malformed{0}, failed{0};
  };
  const Stats& stats() const { return stats_; }

 private:
  const PodAdmissionOptions options_;
  JobDecisions& decisions_;
  const PodTracker& pods_;
  const IngestLimits& limits_;
  Stats stats_;
};

}  // namespace redflag
