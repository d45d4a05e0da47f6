#include "daemon/admission/pod_admissions.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/admission/admission_review.h"
#include "daemon/config/config.h"
#include "daemon/decisions/job_decisions.h"
#include "daemon/log/log.h"
#include "daemon/remote_write/pod_tracker.h"
#include "daemon/validation/validation.h"

namespace redflag {
namespace {

HttpReply Answer(const std::string& uid, bool allowed, const std::string& message,
                 const std::vector<std::string>& warnings = {}) {
  return HttpReply{.content_type = "application/json",
                   .body = AdmissionResponse(uid, allowed, allowed ? 200 : 403, message, warnings)};
}

// "DENY adversary_linked_training: headquarters CN (...); DENY ...", the
// reasons in force, then those an analyst lifted.
std::string Reasons(const v1::Decision& d) {
  std::vector<std::string> parts;
  for (const v1::DecisionReason& r : d.reasons()) {
    if (r.lifted()) {
      parts.push_back(absl::StrCat(r.rule(), " lifted by ", r.lifted_by()));
    } else {
      parts.push_back(absl::StrCat(r.rule(), ": ", r.evidence()));
    }
  }
  return absl::StrJoin(parts, "; ");
}

v1::WorkloadKind Workload(const std::map<std::string, std::string>& labels) {
  auto it = labels.find("redflag.io/workload");
  v1::WorkloadKind kind = v1::WORKLOAD_KIND_UNSPECIFIED;
  if (it != labels.end()) {
    (void)v1::WorkloadKind_Parse(absl::StrCat("WORKLOAD_KIND_", absl::AsciiStrToUpper(it->second)),
                                 &kind);
  }
  return kind;
}

}  // namespace

HttpReply PodAdmissions::Handle(const HttpCall& call, absl::Time now) {
  absl::StatusOr<PodAdmission> pod = ParseAdmissionReview(call.body, options_.gpu_resources);
  if (!pod.ok()) {
    ++stats_.malformed;
    return HttpReply{.status = 400, .body = absl::StrCat(pod.status().message(), "\n")};
  }
  if (!pod->is_pod || pod->operation != "CREATE" || pod->gpus == 0) {
    ++stats_.not_judged;
    return Answer(pod->uid, true, "");
  }
  const std::string& cluster = call.segment;
  const std::string where = absl::StrCat("namespace ", pod->k8s_namespace, " of cluster ", cluster);
  const std::optional<std::string> customer = pods_.NamespaceCustomer(cluster, pod->k8s_namespace);
  if (!customer.has_value() || customer->empty()) {
    ++stats_.no_customer;
    const std::string why =
        !customer.has_value()
            ? absl::StrCat(where,
                           " is not known to redflagd yet (kube-state-metrics reports namespaces "
                           "through remote_write); try again shortly")
            : absl::StrCat(where, " has no ", options_.customer_label,
                           " label, so no customer answers for its GPUs");
    if (options_.unknown_namespace_allows) return Answer(pod->uid, true, "", {why});
    return Answer(pod->uid, false, absl::StrCat("redflagd refused this pod: ", why));
  }

  v1::CheckJobRequest req;
  req.set_customer_id(*customer);
  auto product = pod->node_selector.find(options_.accelerator_label);
  req.set_accelerator_model(product != pod->node_selector.end() ? product->second
                            : !options_.default_accelerator.empty()
                                ? options_.default_accelerator
                                : "unknown (the pod names no GPU product)");
  req.set_accelerator_count(pod->gpus);
  req.set_dedicated(std::find(options_.dedicated_clusters.begin(),
                              options_.dedicated_clusters.end(),
                              cluster) != options_.dedicated_clusters.end());
  req.set_cluster(cluster);
  req.set_scheduler("kubernetes");
  req.set_scheduler_job_id(absl::StrCat(pod->k8s_namespace, "/", pod->name));
  req.set_workload(Workload(pod->labels));
  if (absl::Status s = ValidateCheckJob(req, limits_); !s.ok()) {
    ++stats_.malformed;
    return Answer(pod->uid, false,
                  absl::StrCat("redflagd cannot check this pod (", where, "): ", s.message()));
  }
  const std::string asked_by = absl::StrCat(call.principal.empty() ? "anonymous" : call.principal,
                                            " (kubernetes admission)");
  absl::StatusOr<v1::Decision> d =
      pod->dry_run ? decisions_.Preview(req, now) : decisions_.Check(req, asked_by, now);
  if (!d.ok()) {
    ++stats_.failed;
    log::Error("admission review failed",
               {{"cluster", cluster}, {"error", std::string(d.status().message())}});
    return HttpReply{.status = 503, .body = absl::StrCat(d.status().message(), "\n")};
  }
  const std::string reasons = Reasons(*d);
  switch (d->verdict()) {
    case v1::VERDICT_DENY:
      ++stats_.denied;
      return Answer(
          pod->uid, false,
          absl::StrCat("redflagd refused this pod for customer ", *customer, " (DENY): ", reasons));
    case v1::VERDICT_REVIEW: {
      ++stats_.review;
      const std::string why =
          absl::StrCat("redflagd holds customer ", *customer, " for review (REVIEW): ", reasons);
      if (options_.review_allows) return Answer(pod->uid, true, "", {why});
      return Answer(pod->uid, false, why);
    }
    default:
      ++stats_.allowed;
      return Answer(pod->uid, true, "");
  }
}

}  // namespace redflag
