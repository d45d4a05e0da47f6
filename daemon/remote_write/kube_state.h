// What redflagd reads from kube-state-metrics' series in a remote-write
// request: namespaces with the customer label, and for each pod its node,
// declared labels (redflag.io/...), GPU requests per container, start and
// completion times and phase. Each is a fact at a sample time; the pod
// tracker (pod_tracker.h) assembles them. A series missing the labels
// kube-state-metrics always writes, or a value that cannot be what the
// metric says, is refused naming the series. Stale markers are counted and
// otherwise ignored: a pod's end is judged by its absence (pod_tracker.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "remote_write/remote_write.pb.h"

namespace redflag {

// What a pod's labels declare (kube-state-metrics writes the pod label
// redflag.io/model as label_redflag_io_model, when allowed by
// --metric-labels-allowlist).
struct PodDeclaration {
  std::string model = {}, parent_model = {}, workload = {}, precision = {}, parameters = {};
};

struct NamespaceFact {
  std::string cluster = {}, name = {};
  std::string customer = {};  // the customer label's value; empty when absent
  int64_t unix_ms = 0;
};

struct PodFact {
  enum class Kind { kInfo, kLabels, kGpuRequest, kStartTime, kCompletionTime, kPhase };
  Kind kind = Kind::kInfo;
  std::string cluster = {}, uid = {}, k8s_namespace = {}, pod = {};
  int64_t unix_ms = 0;
  std::string node = {};         // kInfo
  PodDeclaration declared = {};  // kLabels
  std::string container = {};    // kGpuRequest, with the resource
  std::string resource = {};
  uint32_t gpus = 0;       // kGpuRequest
  int64_t time_ms = 0;     // kStartTime, kCompletionTime: the value, in ms
  std::string phase = {};  // kPhase: the phase whose value is 1
};

struct KubeStateReadings {
  std::vector<NamespaceFact> namespaces;
  std::vector<PodFact> pods;
  uint64_t series_read = 0;  // kube-state-metrics series used
  uint64_t stale_markers = 0;
};

struct KubeLabelNames {
  std::string cluster = "cluster";  // remote_write.cluster_label
  std::string default_cluster = "default";
  // The namespace label naming the customer, as kube-state-metrics writes
  // it (remote_write.kubernetes.customer_label, converted).
  std::string customer = "label_redflag_io_customer";
  std::string gpu_resource = "nvidia_com_gpu";
  std::string mig_resource_prefix = "nvidia_com_mig_";  // nvidia.com/mig-<profile>
};

// kube-state-metrics' name for a Kubernetes label: "label_" and the name
// with every character outside [A-Za-z0-9_] replaced by '_'.
std::string KubeStateLabelName(const std::string& kubernetes_label);

absl::StatusOr<KubeStateReadings> ReadKubeState(const remote_write::WriteRequest& request,
                                                const KubeLabelNames& names);

}  // namespace redflag
