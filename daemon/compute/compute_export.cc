#include "daemon/compute/compute_export.h"

#include <algorithm>

namespace redflag {

absl::Status ComputeExport::Evaluate(const ComputeEvaluation& eval, absl::Time) {
  ComputeSnapshot next;
  next.evaluated = true;
  std::map<std::string, std::vector<ComputeSnapshot::Figure>> over_floor;
  for (const auto& s : eval.subjects) {
    for (const detectors::Crossing& c : detectors::Crossings(s.ops, levels_)) {
      ++next.at_level[{s.kind, c.level.name, detectors::LikelihoodName(c.likelihood)}];
    }
    if (s.ops.upper >= floor_) over_floor[s.kind].push_back({s.kind, s.id, s.ops});
  }
  for (auto& [kind, figures] : over_floor) {
    std::sort(figures.begin(), figures.end(), [](const auto& a, const auto& b) {
      return a.ops.best != b.ops.best ? a.ops.best > b.ops.best : a.id < b.id;
    });
    if (figures.size() > top_n_) {
      next.left_out[kind] = figures.size() - top_n_;
      figures.resize(top_n_);
    }
    for (auto& f : figures) next.largest.push_back(std::move(f));
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::move(next);
  return absl::OkStatus();
}

ComputeSnapshot ComputeExport::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

}  // namespace redflag
