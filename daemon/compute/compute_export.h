// What the compute pass tells Prometheus: how many models, accounts and
// ultimate parents stand at each level, and the figures of the largest ones
// (those whose upper bound reaches compute.export_floor, at most
// compute.export_top_n of each kind). The named series are bounded by
// top_n, so a global Prometheus can sum one subject across regional daemons
// without a label per job or per small customer (docs/operations.md).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/compute/compute_view.h"

namespace redflag {

struct ComputeSnapshot {
  // (kind, level name, likelihood) -> subjects.
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> at_level;
  struct Figure {
    std::string kind;
    std::string id;
    detectors::Interval ops;
  };
  std::vector<Figure> largest;
  // Subjects over the floor left out by top_n, per kind.
  std::map<std::string, uint64_t> left_out;
  bool evaluated = false;
};

class ComputeExport {
 public:
  ComputeExport(std::vector<detectors::Level> levels, double floor, uint32_t top_n)
      : levels_(std::move(levels)), floor_(floor), top_n_(top_n) {}

  // A detector of the compute pass: keeps this evaluation's figures.
  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);
  ComputeSnapshot Snapshot() const;

 private:
  const std::vector<detectors::Level> levels_;
  const double floor_;
  const uint32_t top_n_;
  mutable std::mutex mu_;
  ComputeSnapshot last_;
};

}  // namespace redflag
