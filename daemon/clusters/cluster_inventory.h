// The cluster inventory of rule R4: every description of a cluster kept
// under the day it holds from, so the inventory as it was on any date can be
// read again (a quarter's report). A description dated in the past changes
// the past: it is late data, and its audit record says who wrote it when.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/store.h"
#include "detectors/catalog.h"
#include "detectors/reporting_policy.h"
#include "redflag/v1/clusters.pb.h"

namespace redflag {

// Of one cluster's descriptions (oldest first), the one in effect at
// `unix_ms`; null before the first or once retired.
const v1::ClusterVersion* InEffectAt(const std::vector<v1::ClusterVersion>& versions,
                                     int64_t unix_ms);

class ClusterInventory {
 public:
  ClusterInventory(Store& store, AuditLog& audit, std::shared_ptr<const detectors::Catalog> catalog,
                   detectors::ClusterDuty duty)
      : store_(store), audit_(audit), catalog_(std::move(catalog)), duty_(std::move(duty)) {}

  struct Upserted {
    v1::ClusterVersion version;
    bool changed = false;
  };
  // `cluster` must have passed ValidateCluster; an empty effective date is
  // today's. `actor`: who, for the audit record written with it.
  absl::StatusOr<Upserted> Upsert(v1::Cluster cluster, const std::string& actor, absl::Time now);

  // Records the descriptions of an inventory file (inventory_file.h) as the
  // principal "config <path>"; how many were new or changed.
  absl::StatusOr<int> RecordFile(const std::string& path, absl::Time now);

  // Each cluster's description in effect at `as_of`, by cluster_id; retired
  // ones left out.
  absl::StatusOr<std::vector<v1::ClusterVersion>> AsOf(absl::Time as_of);
  // One cluster's description in effect at `as_of`; nullopt when it had none
  // or was retired.
  absl::StatusOr<std::optional<v1::ClusterVersion>> Find(const std::string& cluster_id,
                                                         absl::Time as_of);
  // Every description of every cluster, by cluster_id, each oldest first.
  absl::StatusOr<std::map<std::string, std::vector<v1::ClusterVersion>>> All();
  // Every description of one cluster, oldest first.
  absl::StatusOr<std::vector<v1::ClusterVersion>> History(const std::string& cluster_id);

  // The inventory at `as_of`, each cluster with its peak's arithmetic and
  // whether it is reportable under the profile's duty.
  absl::StatusOr<v1::ListClustersResponse> Assess(absl::Time as_of);

  const detectors::Catalog& catalog() const { return *catalog_; }

 private:
  Store& store_;
  AuditLog& audit_;
  const std::shared_ptr<const detectors::Catalog> catalog_;
  const detectors::ClusterDuty duty_;
  std::mutex mu_;  // an upsert's read and write of one day's description
};

}  // namespace redflag
