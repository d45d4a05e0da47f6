#include "daemon/remote_write/gpu_readings.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/remote_write/write_request.h"

namespace redflag {
namespace {

enum class Signal { kTensor, kSm, kGrEngine, kGpuUtil };

struct Known {
  const char* name;
  Signal signal;
  double max;  // values run from 0 to this
};
constexpr Known kKnown[] = {{"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Signal::kTensor, 1},
                            {"DCGM_FI_PROF_SM_ACTIVE", Signal::kSm, 1},
                            {"DCGM_FI_PROF_GR_ENGINE_ACTIVE", Signal::kGrEngine, 1},
                            {"DCGM_FI_DEV_GPU_UTIL", Signal::kGpuUtil, 100}};

std::string Label(const remote_write::TimeSeries& s, const char* name) {
  return std::string(LabelValue(s, name));
}

}  // namespace

double MigShare(const std::string& profile, const std::string& model) {
  if (profile.empty()) return 1;
  // "<g>g.<memory>" or "<c>c.<g>g.<memory>", maybe with "+me" and the like.
  absl::string_view rest = profile;
  if (size_t dot = rest.find('.');
      dot != absl::string_view::npos && dot > 0 && rest[dot - 1] == 'c') {
    rest.remove_prefix(dot + 1);
  }
  const size_t g = rest.find('g');
  int slices = 0;
  if (g == absl::string_view::npos || g == 0 || !absl::SimpleAtoi(rest.substr(0, g), &slices)) {
    return 1;
  }
  const int of = model.find("A30") != std::string::npos ? 4 : 7;
  if (slices <= 0 || slices >= of) return 1;
  return static_cast<double>(slices) / of;
}

absl::StatusOr<GpuReadings> ReadGpuSeries(const remote_write::WriteRequest& request,
                                          const GpuLabelNames& names) {
  GpuReadings out;
  // The series of one GPU as one job saw it, whatever signal, by its
  // identity: cluster, UUID, MIG instance and the job labels.
  absl::flat_hash_map<std::string, size_t> index;
  std::string key;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const remote_write::TimeSeries& ts = request.timeseries(i);
    const absl::string_view metric = LabelValue(ts, "__name__");
    const Known* known = nullptr;
    for (const Known& k : kKnown) {
      if (metric == k.name) known = &k;
    }
    if (known == nullptr) continue;
    ++out.series_read;
    // Spelled out only for an error.
    auto where = [&] { return absl::StrCat("timeseries[", i, "] (", metric, ")"); };
    const absl::string_view uuid = LabelValue(ts, "UUID");
    if (uuid.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": no UUID label (dcgm-exporter writes the GPU's UUID)"));
    }
    absl::string_view cluster = LabelValue(ts, names.cluster);
    if (cluster.empty()) cluster = names.default_cluster;
    const absl::string_view mig = LabelValue(ts, "GPU_I_ID"), job = LabelValue(ts, "hpc_job"),
                            ns = LabelValue(ts, "namespace"), pod = LabelValue(ts, "pod"),
                            pod_uid = LabelValue(ts, "pod_uid");
    key.clear();
    absl::StrAppend(&key, cluster, "\n", uuid, "\n", mig, "\n", job, "\n", ns, "\n", pod, "\n",
                    pod_uid);
    auto [it, added] = index.try_emplace(key, out.series.size());
    if (added) {
      GpuSeries& g = out.series.emplace_back();
      g.uuid = std::string(uuid);
      g.mig_instance = std::string(mig);
      g.mig_profile = Label(ts, "GPU_I_PROFILE");
      g.model = Label(ts, "modelName");
      g.host = Label(ts, "Hostname");
      if (g.host.empty()) g.host = Label(ts, "hostname");
      g.cluster = std::string(cluster);
      g.hpc_job = std::string(job);
      g.k8s_namespace = std::string(ns);
      g.pod = std::string(pod);
      g.pod_uid = std::string(pod_uid);
    }
    std::vector<GpuPoint>& series_points = out.series[it->second].points;
    int64_t previous = 0;
    for (int j = 0; j < ts.samples_size(); ++j) {
      const remote_write::Sample& s = ts.samples(j);
      auto at = [&] { return absl::StrCat(where(), ".samples[", j, "]"); };
      if (s.timestamp() <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(at(), ".timestamp: ", s.timestamp(),
                                                       " is not a time (milliseconds since 1970)"));
      }
      if (s.timestamp() <= previous) {
        return absl::InvalidArgumentError(absl::StrCat(
            at(), ".timestamp: ", s.timestamp(), " is not after the series' previous sample (",
            previous, "): samples must be in time order"));
      }
      previous = s.timestamp();
      // The same GPU's other signals come at the same times: few points each.
      auto at_time = std::find_if(series_points.rbegin(), series_points.rend(),
                                  [&](const GpuPoint& p) { return p.unix_ms == s.timestamp(); });
      GpuPoint& p = at_time != series_points.rend() ? *at_time : series_points.emplace_back();
      p.unix_ms = s.timestamp();
      if (IsStaleMarker(s.value())) {
        p.stale = true;
        ++out.stale_markers;
        continue;
      }
      if (!std::isfinite(s.value()) || s.value() < 0 || s.value() > known->max) {
        return absl::InvalidArgumentError(absl::StrCat(
            at(), ".value: ", s.value(), " is outside 0-", known->max, " for ", metric));
      }
      if (known->signal == Signal::kTensor) p.tensor_active = s.value();
      if (known->signal == Signal::kSm) p.sm_active = s.value();
      p.busy = p.busy || s.value() > 0;
    }
  }
  for (GpuSeries& g : out.series) {
    std::sort(g.points.begin(), g.points.end(),
              [](const GpuPoint& a, const GpuPoint& b) { return a.unix_ms < b.unix_ms; });
  }
  return out;
}

}  // namespace redflag
