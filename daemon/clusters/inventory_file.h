// The cluster inventory as a file (clusters.inventory_file), for operators
// whose inventory system exports one: YAML (or JSON) of the form
//   clusters:
//     - cluster_id: iad-train-1
//       region: us-east
//       datacenter: iad-7
//       interconnect_gbit_s: 400
//       effective_date: "2026-07-01"
//       accelerators:
//         - {model: NVIDIA H100 SXM5 80GB, count: 60000}
// (examples/clusters.yaml). Every error names the file, line and field.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "redflag/v1/clusters.pb.h"

namespace redflag {

// At most this many descriptions in one file, and this many bytes.
inline constexpr size_t kMaxInventoryClusters = 10'000;
inline constexpr size_t kMaxInventoryBytes = 16 << 20;

// The descriptions of `text`, each checked as ValidateCluster checks an API
// call's; the same cluster and effective date twice is refused.
absl::StatusOr<std::vector<v1::Cluster>> ParseInventoryFile(absl::string_view text,
                                                            absl::string_view file);

}  // namespace redflag
