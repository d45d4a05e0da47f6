#include "daemon/clusters/cluster_fit_alerts.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "detectors/cluster_fit.h"

namespace redflag {
namespace {

constexpr size_t kJobsShown = 20;

struct Misfit {
  std::vector<std::string> job_ids;
  std::string first_reason;
};

}  // namespace

void ClusterFitAlerts::Start(absl::Duration interval) {
  timer_ = std::make_unique<Periodic>("rf-cluster-fit", interval,
                                      [this](absl::Time now) { return EvaluateOnce(now); });
}

absl::Status ClusterFitAlerts::EvaluateOnce(absl::Time now) {
  absl::StatusOr<std::map<std::string, std::vector<v1::ClusterVersion>>> inventory =
      clusters_.All();
  if (!inventory.ok()) return inventory.status();
  if (inventory->empty()) return absl::OkStatus();
  // Jobs mostly repeat a few shapes: each (description, model, count) is
  // judged once per pass.
  std::map<std::tuple<const v1::ClusterVersion*, std::string, uint32_t>, std::optional<std::string>>
      judged;
  std::map<std::string, Misfit> misfits;
  for (const Ledger::JobSnapshot& job : ledger_.SnapshotJobs()) {
    const v1::JobSpec& spec = *job.spec;
    if (spec.cluster().empty()) continue;
    auto versions = inventory->find(spec.cluster());
    if (versions == inventory->end()) continue;
    const v1::ClusterVersion* v = InEffectAt(versions->second, spec.start_unix_ms());
    if (v == nullptr) continue;
    auto [it, fresh] = judged.try_emplace({v, spec.accelerator_model(), spec.accelerator_count()});
    if (fresh) {
      it->second = detectors::JobDoesNotFit(spec.accelerator_count(), spec.accelerator_model(),
                                            v->cluster(), clusters_.catalog());
    }
    if (!it->second) continue;
    Misfit& m = misfits[spec.cluster()];
    if (m.job_ids.empty()) m.first_reason = *it->second;
    m.job_ids.push_back(spec.job_id());
  }
  for (auto& [cluster_id, m] : misfits) {
    v1::Alert a = NewAlert("cluster_inventory_mismatch", "cluster", cluster_id, "capacity");
    // The level grows in powers of two of the jobs that do not fit, so more of
    // them update the alert (and its evidence) while a steady count writes nothing.
    uint64_t jobs = 1;
    while (jobs * 2 <= m.job_ids.size()) jobs *= 2;
    a.set_level(absl::StrCat("jobs>=", jobs));
    a.set_severity(v1::SEVERITY_WARNING);
    a.set_summary(absl::StrCat(
        "cluster ", cluster_id, ": ", m.job_ids.size(), m.job_ids.size() == 1 ? " job" : " jobs",
        " larger than the inventory says the cluster is (", m.first_reason,
        "): correct the inventory or the jobs' specs; until then the cluster's reported peak is "
        "not to be trusted"));
    AddEvidence(a, "jobs", absl::StrCat(m.job_ids.size()));
    const std::vector<std::string> shown(
        m.job_ids.begin(), m.job_ids.begin() + std::min(m.job_ids.size(), kJobsShown));
    AddEvidence(a, "job_ids", absl::StrJoin(shown, ", "));
    AddEvidence(a, "first", m.first_reason);
    AddEvidence(a, "explain", absl::StrCat("redflagctl clusters history ", cluster_id));
    if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace redflag
