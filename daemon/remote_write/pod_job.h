// The job a Kubernetes pod is: "k8s/<cluster>/<pod uid>", scheduler
// "kubernetes", scheduler_job_id "<namespace>/<pod>", the customer from its
// namespace's label, the GPUs it requests, the accelerator model dcgm-exporter
// names, and what its redflag.io/... labels declare. A declaration that is not
// a known value is left out and named in `refused`: a tenant's bad label must
// not make the pod's compute invisible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/remote_write/kube_state.h"
#include "redflag/v1/jobs.pb.h"

namespace redflag {

struct PodIdentity {
  std::string cluster = {}, uid = {}, k8s_namespace = {}, pod = {}, customer = {},
              accelerator_model = {};
  uint32_t gpus = 0;
  int64_t start_unix_ms = 0;
  bool dedicated = false;  // the cluster is reserved for one customer
};

constexpr char kKubernetesScheduler[] = "kubernetes";

std::string PodJobId(const std::string& cluster, const std::string& uid);

v1::JobSpec PodJobSpec(const PodIdentity& pod, const PodDeclaration& declared,
                       std::vector<std::string>* refused);

}  // namespace redflag
