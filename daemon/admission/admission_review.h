// Kubernetes admission (admission.k8s.io/v1): what redflagd reads from an
// AdmissionReview the API server sends a validating webhook for a pod (its
// uid to echo, namespace and name, operation, and the GPUs its containers
// request), and the AdmissionReview it answers. A review that is not one is
// refused naming what is wrong: the API server then applies the webhook's
// failurePolicy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace redflag {

struct PodAdmission {
  std::string uid;  // the request's, echoed in the response
  std::string k8s_namespace, name, operation;
  bool dry_run = false;
  bool is_pod = false;  // another kind is not judged here
  // The largest of requests and limits for each GPU resource, summed over
  // containers (init containers run before them: their largest counts if
  // more).
  uint32_t gpus = 0;
  // The pod's labels (redflag.io/workload, ...) and nodeSelector (the GPU
  // product a node pool is chosen by), string values only.
  std::map<std::string, std::string> labels = {}, node_selector = {};
};

// `gpu_resources`: the resource names that are GPUs ("nvidia.com/gpu", and
// MIG instances "nvidia.com/mig-3g.40gb" when listed by prefix "nvidia.com/mig-").
absl::StatusOr<PodAdmission> ParseAdmissionReview(absl::string_view json,
                                                  const std::vector<std::string>& gpu_resources);

// The response: `uid` echoed, allowed or not, and when not, the status code
// and message the API server shows the user; warnings (kubectl prints them)
// either way.
std::string AdmissionResponse(const std::string& uid, bool allowed, int code,
                              const std::string& message,
                              const std::vector<std::string>& warnings = {});

}  // namespace redflag
