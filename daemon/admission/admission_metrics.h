// /metrics for the Kubernetes admission webhook: reviews by outcome.
#pragma once

namespace redflag {

class Metrics;
class PodAdmissions;

void RegisterAdmissionMetrics(Metrics& metrics, const PodAdmissions& admissions);

}  // namespace redflag
