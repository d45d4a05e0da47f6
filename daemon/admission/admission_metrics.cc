#include "daemon/admission/admission_metrics.h"

#include "daemon/admission/pod_admissions.h"
#include "daemon/metrics/metrics.h"

namespace redflag {

void RegisterAdmissionMetrics(Metrics& metrics, const PodAdmissions& admissions) {
  metrics.AddCollector([&admissions](std::vector<prometheus::MetricFamily>& out) {
    const PodAdmissions::Stats& s = admissions.stats();
    auto reviews = CounterFamily(
        "redflag_admission_reviews_total",
        "Kubernetes admission reviews answered, by outcome: allowed (a GPU pod admitted), "
        "not_judged (no GPUs, another kind or operation), denied, review, no_customer (the "
        "namespace is unknown or names no customer), malformed, failed (HTTP 503: the API "
        "server applies the webhook's failurePolicy)");
    AddSample(reviews, s.allowed.load(), {{"outcome", "allowed"}});
    AddSample(reviews, s.not_judged.load(), {{"outcome", "not_judged"}});
    AddSample(reviews, s.denied.load(), {{"outcome", "denied"}});
    AddSample(reviews, s.review.load(), {{"outcome", "review"}});
    AddSample(reviews, s.no_customer.load(), {{"outcome", "no_customer"}});
    AddSample(reviews, s.malformed.load(), {{"outcome", "malformed"}});
    AddSample(reviews, s.failed.load(), {{"outcome", "failed"}});
    out.push_back(std::move(reviews));
  });
}

}  // namespace redflag
