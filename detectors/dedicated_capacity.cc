#include "detectors/dedicated_capacity.h"

#include <algorithm>
#include <iterator>

namespace redflag::detectors {
namespace {

// Bits of each v1::Precision's operands, for the total processing performance.
constexpr int kBits[] = {0, 64, 32, 32, 16, 16, 8, 8};

}  // namespace

bool IsAdvancedComputing(const Accelerator& accelerator) {
  double tpp = 0;
  for (size_t p = 1; p < accelerator.peak.size() && p < std::size(kBits); ++p) {
    tpp = std::max(tpp, accelerator.peak[p] / 1e12 * kBits[p]);
  }
  return tpp >= 4800;
}

bool IsAdvancedComputing(const Catalog& catalog, absl::string_view reported_name) {
  const Resolution r = catalog.Resolve(reported_name);
  return r.fastest == nullptr || IsAdvancedComputing(*r.fastest);
}

std::optional<DedicatedCapacity> LicenceRequired(const std::vector<DedicatedJob>& jobs) {
  DedicatedCapacity out;
  for (const DedicatedJob& j : jobs) {
    if (!j.dedicated || !j.advanced || !j.adversary_linked) continue;
    out.accelerators += j.accelerators;
    out.job_ids.push_back(j.job_id);
  }
  if (out.job_ids.empty()) return std::nullopt;
  return out;
}

}  // namespace redflag::detectors
