#include "daemon/remote_write/kube_state.h"

#include <cmath>

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/remote_write/write_request.h"

namespace redflag {
namespace {

enum class Metric { kNone, kNamespaceLabels, kPod };

struct PodMetric {
  const char* name;
  PodFact::Kind kind;
};
constexpr PodMetric kPodMetrics[] = {
    {"kube_pod_info", PodFact::Kind::kInfo},
    {"kube_pod_labels", PodFact::Kind::kLabels},
    {"kube_pod_container_resource_requests", PodFact::Kind::kGpuRequest},
    {"kube_pod_start_time", PodFact::Kind::kStartTime},
    {"kube_pod_completion_time", PodFact::Kind::kCompletionTime},
    {"kube_pod_status_phase", PodFact::Kind::kPhase},
};

// The largest GPU request believed: more is a sender's error.
constexpr double kMaxGpus = 1 << 16;

std::string Label(const remote_write::TimeSeries& s, absl::string_view name) {
  return std::string(LabelValue(s, name));
}

absl::Status Missing(const std::string& where, const char* label) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": no ", label, " label (kube-state-metrics writes it on every series)"));
}

// Checks one sample's value for a pod fact and fills the fact from it;
// false when the sample says nothing (a phase the pod is not in, a request
// for another resource).
absl::StatusOr<bool> FillValue(PodFact& f, double v, absl::FunctionRef<std::string()> at) {
  auto bad = [&](absl::string_view want) {
    return absl::InvalidArgumentError(absl::StrCat(at(), ".value: ", v, " is not ", want));
  };
  switch (f.kind) {
    case PodFact::Kind::kInfo:
    case PodFact::Kind::kLabels:
      return true;
    case PodFact::Kind::kGpuRequest:
      if (!std::isfinite(v) || v < 0 || v > kMaxGpus || v != std::floor(v)) {
        return bad("a whole number of GPUs");
      }
      f.gpus = static_cast<uint32_t>(v);
      return true;
    case PodFact::Kind::kStartTime:
    case PodFact::Kind::kCompletionTime:
      if (!std::isfinite(v) || v <= 0 || v > 1e11) return bad("a time (seconds since 1970)");
      f.time_ms = std::llround(v * 1000);
      return true;
    case PodFact::Kind::kPhase:
      if (v != 0 && v != 1) return bad("0 or 1");
      return v == 1;
  }
  return false;
}

}  // namespace

std::string KubeStateLabelName(const std::string& kubernetes_label) {
  std::string out = "label_";
  for (char c : kubernetes_label) out += absl::ascii_isalnum(c) || c == '_' ? c : '_';
  return out;
}

absl::StatusOr<KubeStateReadings> ReadKubeState(const remote_write::WriteRequest& request,
                                                const KubeLabelNames& names) {
  KubeStateReadings out;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const remote_write::TimeSeries& ts = request.timeseries(i);
    const absl::string_view metric = LabelValue(ts, "__name__");
    const PodMetric* pod_metric = nullptr;
    for (const PodMetric& m : kPodMetrics) {
      if (metric == m.name) pod_metric = &m;
    }
    if (pod_metric == nullptr && metric != "kube_namespace_labels") continue;
    auto where = [&] { return absl::StrCat("timeseries[", i, "] (", metric, ")"); };
    std::string cluster = Label(ts, names.cluster);
    if (cluster.empty()) cluster = names.default_cluster;
    const std::string k8s_namespace = Label(ts, "namespace");
    if (k8s_namespace.empty()) return Missing(where(), "namespace");
    if (pod_metric != nullptr && pod_metric->kind == PodFact::Kind::kGpuRequest) {
      // GPUs, or MIG instances (nvidia.com/mig-3g.40gb): a CPU or memory
      // request is not read (and not counted as read).
      const absl::string_view resource = LabelValue(ts, "resource");
      if (resource != names.gpu_resource &&
          resource.substr(0, names.mig_resource_prefix.size()) != names.mig_resource_prefix) {
        continue;
      }
    }
    ++out.series_read;
    NamespaceFact ns;
    PodFact pod;
    if (pod_metric == nullptr) {
      ns = {.cluster = cluster, .name = k8s_namespace, .customer = Label(ts, names.customer)};
    } else {
      pod.kind = pod_metric->kind;
      pod.cluster = cluster;
      pod.k8s_namespace = k8s_namespace;
      pod.pod = Label(ts, "pod");
      if (pod.pod.empty()) return Missing(where(), "pod");
      pod.uid = Label(ts, "uid");
      if (pod.uid.empty()) return Missing(where(), "uid");
      pod.node = Label(ts, "node");
      pod.container = Label(ts, "container");
      pod.resource = Label(ts, "resource");
      pod.phase = Label(ts, "phase");
      if (pod.kind == PodFact::Kind::kPhase && pod.phase.empty()) return Missing(where(), "phase");
      pod.declared = {.model = Label(ts, "label_redflag_io_model"),
                      .parent_model = Label(ts, "label_redflag_io_parent_model"),
                      .workload = Label(ts, "label_redflag_io_workload"),
                      .precision = Label(ts, "label_redflag_io_precision"),
                      .parameters = Label(ts, "label_redflag_io_parameters")};
    }
    int64_t previous = 0;
    for (int j = 0; j < ts.samples_size(); ++j) {
      const remote_write::Sample& s = ts.samples(j);
      auto at = [&] { return absl::StrCat(where(), ".samples[", j, "]"); };
      if (s.timestamp() <= previous) {
        return absl::InvalidArgumentError(
            absl::StrCat(at(), ".timestamp: ", s.timestamp(),
                         " is not a time after the series' previous sample"));
      }
      previous = s.timestamp();
      if (IsStaleMarker(s.value())) {
        ++out.stale_markers;
        continue;
      }
      if (pod_metric == nullptr) {
        if (s.value() != 1) {
          return absl::InvalidArgumentError(absl::StrCat(at(), ".value: ", s.value(), " is not 1"));
        }
        ns.unix_ms = s.timestamp();
        out.namespaces.push_back(ns);
        continue;
      }
      PodFact f = pod;
      f.unix_ms = s.timestamp();
      absl::StatusOr<bool> says = FillValue(f, s.value(), at);
      if (!says.ok()) return says.status();
      if (*says) out.pods.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace redflag
