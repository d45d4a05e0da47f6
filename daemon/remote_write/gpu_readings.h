// What redflagd reads from dcgm-exporter's series in a remote-write request:
// per GPU (or MIG instance) and timestamp, the tensor-pipe activity (the
// measured signal), SM activity when present, and whether the GPU was busy at
// all (graphics-engine activity or GPU utilisation: evidence, never
// utilisation for operations), with the labels that say whose it is. Values
// outside their range are refused naming the series; NaN stale markers end a
// series. Every other series is ignored and counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "remote_write/remote_write.pb.h"

namespace redflag {

struct GpuPoint {
  int64_t unix_ms = 0;
  bool stale = false;  // the series ended here
  std::optional<double> tensor_active, sm_active;
  bool busy = false;  // any signal above zero
};

// One GPU (or MIG instance) as one job, or no job, saw it.
struct GpuSeries {
  std::string uuid, mig_instance, mig_profile, model, host;
  std::string cluster;
  std::string hpc_job;                      // Slurm: the job id dcgm-exporter mapped the GPU to
  std::string k8s_namespace, pod, pod_uid;  // Kubernetes
  std::vector<GpuPoint> points;             // by time, one per timestamp
};

// The share of a whole GPU a MIG instance is: its compute slices (the "3g"
// of "3g.40gb", or of the compute instance profile "1c.3g.40gb") out of the
// GPU's (4 on an A30, 7 on the others with MIG). 1 for a whole GPU, and for
// a profile not understood: unattributable time is never undercounted.
double MigShare(const std::string& profile, const std::string& model);

struct GpuReadings {
  std::vector<GpuSeries> series;
  uint64_t series_read = 0;  // dcgm-exporter series used
  uint64_t stale_markers = 0;
};

struct GpuLabelNames {
  std::string cluster = "cluster";  // remote_write.cluster_label
  std::string default_cluster = "default";
};

absl::StatusOr<GpuReadings> ReadGpuSeries(const remote_write::WriteRequest& request,
                                          const GpuLabelNames& names);

}  // namespace redflag
