#include "detectors/lineage.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace redflag::detectors {
namespace {

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

bool CountsAsTraining(redflag::v1::WorkloadKind w, const LineageOptions& options) {
  switch (w) {
    case redflag::v1::WORKLOAD_KIND_INFERENCE:
    case redflag::v1::WORKLOAD_KIND_EVALUATION:
      return false;
    case redflag::v1::WORKLOAD_KIND_SYNTHETIC_DATA_GENERATION:
      return options.count_synthetic_data;
    default:
      return true;  // unspecified and other count: a missing label must not hide training
  }
}

std::map<std::string, ModelLineage> BuildLineages(const std::vector<LineageJob>& jobs,
                                                  const LineageOptions& options) {
  std::map<std::string, ModelLineage> models;
  auto model = [&](const std::string& id) -> ModelLineage& {
    ModelLineage& m = models[id];
    m.model_id = id;
    return m;
  };
  for (const LineageJob& j : jobs) {
    if (j.model_id.empty()) continue;
    ModelLineage& m = model(j.model_id);
    if (!j.parent_model_id.empty()) {
      AddUnique(m.parents, j.parent_model_id);
      model(j.parent_model_id);
    }
    if (!CountsAsTraining(j.workload, options)) continue;
    Add(m.own, j.ops);
    m.own_rate += j.rate;
    m.jobs.push_back(j.job_id);
    AddUnique(m.customers, j.customer_id);
  }

  for (auto& [id, m] : models) {
    m.cumulative = m.own;
    m.cumulative_rate = m.own_rate;
    std::vector<std::string> customers = m.customers;
    absl::flat_hash_set<std::string> seen = {id};
    std::deque<std::string> queue(m.parents.begin(), m.parents.end());
    while (!queue.empty()) {
      std::string a = std::move(queue.front());
      queue.pop_front();
      if (a == id) {
        m.findings.push_back(absl::StrCat("the lineage of '", id, "' loops back to itself"));
        continue;
      }
      if (!seen.insert(a).second) continue;  // merged lineages: count each ancestor once
      const ModelLineage& anc = models.at(a);
      m.ancestors.push_back(a);
      Add(m.cumulative, anc.own);
      m.cumulative_rate += anc.own_rate;
      for (const auto& c : anc.customers) AddUnique(customers, c);
      queue.insert(queue.end(), anc.parents.begin(), anc.parents.end());
    }
    m.customers = std::move(customers);
  }
  return models;
}

}  // namespace redflag::detectors
