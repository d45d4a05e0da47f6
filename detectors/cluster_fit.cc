#include "detectors/cluster_fit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace redflag::detectors {
namespace {

// The catalog entries a name may be; for a name it does not know, the name.
std::vector<std::string> Candidates(const Catalog& catalog, const std::string& name) {
  const Resolution r = catalog.Resolve(name);
  std::vector<std::string> out;
  for (const Accelerator* a : r.candidates) out.push_back(a->model);
  if (out.empty()) out.push_back(Catalog::NormalizeName(name));
  return out;
}

bool MayBeTheSame(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) {
    return std::find(b.begin(), b.end(), x) != b.end();
  });
}

}  // namespace

std::optional<std::string> JobDoesNotFit(uint32_t accelerators, const std::string& model,
                                         const v1::Cluster& cluster, const Catalog& catalog) {
  uint64_t have = 0;
  const std::vector<std::string> wanted =
      model.empty() ? std::vector<std::string>{} : Candidates(catalog, model);
  for (const v1::ClusterAccelerators& g : cluster.accelerators()) {
    if (model.empty() || MayBeTheSame(wanted, Candidates(catalog, g.model()))) have += g.count();
  }
  if (accelerators <= have) return std::nullopt;
  if (have == 0 && !model.empty()) {
    return absl::StrCat("the job's ", accelerators, " x ", model, " are not among cluster ",
                        cluster.cluster_id(), "'s accelerators (as of ", cluster.effective_date(),
                        ")");
  }
  return absl::StrCat("the job holds ", accelerators, " accelerators",
                      model.empty() ? "" : absl::StrCat(" of ", model), " but cluster ",
                      cluster.cluster_id(), " has ", have, " (as of ", cluster.effective_date(),
                      ")");
}

}  // namespace redflag::detectors
