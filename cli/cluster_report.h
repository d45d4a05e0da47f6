// `redflagctl clusters list` for people: each cluster of the inventory as it
// was at a time, its peak's arithmetic and whether it is reportable.
#pragma once

#include <string>

#include "redflag/v1/clusters.pb.h"

namespace redflag::cli {

std::string FormatClusters(const v1::ListClustersResponse& list);

}  // namespace redflag::cli
