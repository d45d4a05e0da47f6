#include "daemon/remote_write/pod_job.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "redflag/v1/common.pb.h"

namespace redflag {
namespace {

// "fine_tuning", "fine-tuning" or "FINE_TUNING" -> PREFIX_FINE_TUNING.
std::string EnumName(const char* prefix, const std::string& value) {
  return absl::StrCat(prefix, absl::AsciiStrToUpper(absl::StrReplaceAll(value, {{"-", "_"}})));
}

}  // namespace

std::string PodJobId(const std::string& cluster, const std::string& uid) {
  return absl::StrCat("k8s/", cluster, "/", uid);
}

v1::JobSpec PodJobSpec(const PodIdentity& pod, const PodDeclaration& declared,
                       std::vector<std::string>* refused) {
  v1::JobSpec spec;
  spec.set_job_id(PodJobId(pod.cluster, pod.uid));
  spec.set_customer_id(pod.customer);
  spec.set_cluster(pod.cluster);
  spec.set_scheduler(kKubernetesScheduler);
  spec.set_scheduler_job_id(absl::StrCat(pod.k8s_namespace, "/", pod.pod));
  spec.set_accelerator_model(pod.accelerator_model);
  spec.set_accelerator_count(pod.gpus);
  spec.set_start_unix_ms(pod.start_unix_ms);
  spec.set_dedicated(pod.dedicated);
  spec.set_model_id(declared.model);
  if (declared.parent_model != declared.model) spec.set_parent_model_id(declared.parent_model);
  if (!declared.parent_model.empty() && declared.parent_model == declared.model) {
    refused->push_back("redflag.io/parent-model");
  }
  if (!declared.workload.empty()) {
    v1::WorkloadKind kind;
    if (v1::WorkloadKind_Parse(EnumName("WORKLOAD_KIND_", declared.workload), &kind) &&
        kind != v1::WORKLOAD_KIND_UNSPECIFIED) {
      spec.set_workload(kind);
    } else {
      refused->push_back("redflag.io/workload");
    }
  }
  if (!declared.precision.empty()) {
    v1::Precision precision;
    if (v1::Precision_Parse(EnumName("PRECISION_", declared.precision), &precision) &&
        precision != v1::PRECISION_UNSPECIFIED) {
      spec.set_precision(precision);
    } else {
      refused->push_back("redflag.io/precision");
    }
  }
  if (!declared.parameters.empty()) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(declared.parameters, &n) && n > 0) {
      spec.set_declared_parameters(n);
    } else {
      refused->push_back("redflag.io/parameters");
    }
  }
  return spec;
}

}  // namespace redflag
