// A data-quality check of rule R4's inventory: a job that names a cluster
// cannot hold more accelerators of a model than the cluster has. A job larger
// than its cluster means the inventory or the job's spec is wrong, and either
// way the cluster's reported peak is not to be trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "detectors/catalog.h"
#include "redflag/v1/clusters.pb.h"

namespace redflag::detectors {

// Why the job does not fit the cluster as described, or nullopt when it does.
// Models are compared as the catalog reads them (a GRES "h100" job fits a
// cluster of "NVIDIA H100 SXM5 80GB" when the name may be that model);
// a job without an accelerator model is compared with the cluster's total.
std::optional<std::string> JobDoesNotFit(uint32_t accelerators, const std::string& model,
                                         const v1::Cluster& cluster, const Catalog& catalog);

}  // namespace redflag::detectors
