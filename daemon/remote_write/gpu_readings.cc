#include "daemon/remote_write/gpu_readings.h"

#include <cmath>
#include <cstring>
#include <map>
#include <tuple>

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

// Prometheus' stale marker: one NaN among many.
bool IsStaleMarker(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits == 0x7ff0000000000002ULL;
}

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
  // The series of one GPU as one job saw it, whatever signal: its identity.
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string>;
  std::map<Key, size_t> index;
  std::vector<std::map<int64_t, GpuPoint>> points;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const remote_write::TimeSeries& ts = request.timeseries(i);
    const absl::string_view metric = LabelValue(ts, "__name__");
    const Known* known = nullptr;
    for (const Known& k : kKnown) {
      if (metric == k.name) known = &k;
    }
    if (known == nullptr) continue;
    ++out.series_read;
    const std::string where = absl::StrCat("timeseries[", i, "] (", metric, ")");
    GpuSeries g;
    g.uuid = Label(ts, "UUID");
    if (g.uuid.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": no UUID label (dcgm-exporter writes the GPU's UUID)"));
    }
    g.mig_instance = Label(ts, "GPU_I_ID");
    g.mig_profile = Label(ts, "GPU_I_PROFILE");
    g.model = Label(ts, "modelName");
    g.host = Label(ts, "Hostname");
    if (g.host.empty()) g.host = Label(ts, "hostname");
    g.cluster = Label(ts, names.cluster.c_str());
    if (g.cluster.empty()) g.cluster = names.default_cluster;
    g.hpc_job = Label(ts, "hpc_job");
    g.k8s_namespace = Label(ts, "namespace");
    g.pod = Label(ts, "pod");
    g.pod_uid = Label(ts, "pod_uid");
    Key key{g.cluster, g.uuid, g.mig_instance, g.hpc_job, g.k8s_namespace, g.pod, g.pod_uid};
    auto [it, added] = index.try_emplace(key, out.series.size());
    if (added) {
      out.series.push_back(std::move(g));
      points.emplace_back();
    }
    std::map<int64_t, GpuPoint>& series_points = points[it->second];
    int64_t previous = 0;
    for (int j = 0; j < ts.samples_size(); ++j) {
      const remote_write::Sample& s = ts.samples(j);
      const std::string at = absl::StrCat(where, ".samples[", j, "]");
      if (s.timestamp() <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(at, ".timestamp: ", s.timestamp(),
                                                       " is not a time (milliseconds since 1970)"));
      }
      if (s.timestamp() <= previous) {
        return absl::InvalidArgumentError(absl::StrCat(
            at, ".timestamp: ", s.timestamp(), " is not after the series' previous sample (",
            previous, "): samples must be in time order"));
      }
      previous = s.timestamp();
      GpuPoint& p = series_points[s.timestamp()];
      p.unix_ms = s.timestamp();
      if (IsStaleMarker(s.value())) {
        p.stale = true;
        ++out.stale_markers;
        continue;
      }
      if (!std::isfinite(s.value()) || s.value() < 0 || s.value() > known->max) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".value: ", s.value(), " is outside 0-", known->max, " for ", metric));
      }
      if (known->signal == Signal::kTensor) p.tensor_active = s.value();
      if (known->signal == Signal::kSm) p.sm_active = s.value();
      p.busy = p.busy || s.value() > 0;
    }
  }
  for (size_t i = 0; i < out.series.size(); ++i) {
    for (auto& [unix_ms, p] : points[i]) out.series[i].points.push_back(p);
  }
  return out;
}

}  // namespace redflag
