#include "daemon/remote_write/kube_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace redflag {
namespace {

constexpr int64_t kT = 1'780'000'000'000;

// One series with its labels (sorted, as remote-write requires) and samples.
void Add(remote_write::WriteRequest& r, const std::map<std::string, std::string>& labels,
         std::vector<std::pair<int64_t, double>> samples) {
  remote_write::TimeSeries* ts = r.add_timeseries();
  for (const auto& [k, v] : labels) {
    remote_write::Label* l = ts->add_labels();
    l->set_name(k);
    l->set_value(v);
  }
  for (const auto& [t, v] : samples) {
    remote_write::Sample* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
}

std::map<std::string, std::string> Pod(const std::string& metric) {
  return {{"__name__", metric}, {"namespace", "team-a"}, {"pod", "train-0"}, {"uid", "u-1"}};
}

double StaleMarker() {
  uint64_t bits = 0x7ff0000000000002ULL;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

TEST(KubeState, LabelNamesAreConvertedAsKubeStateMetricsDoes) {
  EXPECT_EQ(KubeStateLabelName("redflag.io/customer"), "label_redflag_io_customer");
  EXPECT_EQ(KubeStateLabelName("tenant-id"), "label_tenant_id");
}

TEST(KubeState, ReadsTheFactsOfAPodAndItsNamespace) {
  remote_write::WriteRequest r;
  Add(r,
      {{"__name__", "kube_namespace_labels"},
       {"cluster", "east"},
       {"label_redflag_io_customer", "acme"},
       {"namespace", "team-a"}},
      {{kT, 1}});
  auto info = Pod("kube_pod_info");
  info["node"] = "gpu-node-7";
  Add(r, info, {{kT, 1}});
  auto labels = Pod("kube_pod_labels");
  labels["label_redflag_io_model"] = "frontier-2";
  labels["label_redflag_io_workload"] = "fine_tuning";
  Add(r, labels, {{kT, 1}});
  auto gpus = Pod("kube_pod_container_resource_requests");
  gpus["container"] = "trainer";
  gpus["resource"] = "nvidia_com_gpu";
  gpus["unit"] = "integer";
  Add(r, gpus, {{kT, 8}});
  auto cpu = Pod("kube_pod_container_resource_requests");
  cpu["resource"] = "cpu";
  Add(r, cpu, {{kT, 0.5}});  // not a GPU request: not read
  Add(r, Pod("kube_pod_start_time"), {{kT, 1'779'999'000.5}});
  auto running = Pod("kube_pod_status_phase");
  running["phase"] = "Running";
  Add(r, running, {{kT, 1}});
  auto pending = Pod("kube_pod_status_phase");
  pending["phase"] = "Pending";
  Add(r, pending, {{kT, 0}});
  Add(r, {{"__name__", "up"}}, {{kT, 1}});

  auto k = ReadKubeState(r, {});
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->series_read, 7u);  // not the CPU request, not `up`
  ASSERT_EQ(k->namespaces.size(), 1u);
  EXPECT_EQ(k->namespaces[0].cluster, "east");
  EXPECT_EQ(k->namespaces[0].customer, "acme");
  ASSERT_EQ(k->pods.size(), 5u);  // the Pending phase at 0 says nothing
  std::map<PodFact::Kind, PodFact> by_kind;
  for (const PodFact& f : k->pods) {
    EXPECT_EQ(f.cluster, "default");
    EXPECT_EQ(f.uid, "u-1");
    by_kind[f.kind] = f;
  }
  EXPECT_EQ(by_kind[PodFact::Kind::kInfo].node, "gpu-node-7");
  EXPECT_EQ(by_kind[PodFact::Kind::kLabels].declared.model, "frontier-2");
  EXPECT_EQ(by_kind[PodFact::Kind::kLabels].declared.workload, "fine_tuning");
  EXPECT_EQ(by_kind[PodFact::Kind::kGpuRequest].gpus, 8u);
  EXPECT_EQ(by_kind[PodFact::Kind::kGpuRequest].container, "trainer");
  EXPECT_EQ(by_kind[PodFact::Kind::kStartTime].time_ms, 1'779'999'000'500);
  EXPECT_EQ(by_kind[PodFact::Kind::kPhase].phase, "Running");
}

TEST(KubeState, MigInstancesAreGpuRequests) {
  remote_write::WriteRequest r;
  auto mig = Pod("kube_pod_container_resource_requests");
  mig["container"] = "trainer";
  mig["resource"] = "nvidia_com_mig_3g_40gb";
  Add(r, mig, {{kT, 2}});
  auto k = ReadKubeState(r, {});
  ASSERT_TRUE(k.ok());
  ASSERT_EQ(k->pods.size(), 1u);
  EXPECT_EQ(k->pods[0].gpus, 2u);
  EXPECT_EQ(k->pods[0].resource, "nvidia_com_mig_3g_40gb");
}

TEST(KubeState, StaleMarkersAreCountedAndSayNothing) {
  remote_write::WriteRequest r;
  Add(r, Pod("kube_pod_info"), {{kT, 1}, {kT + 30'000, StaleMarker()}});
  auto k = ReadKubeState(r, {});
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->stale_markers, 1u);
  EXPECT_EQ(k->pods.size(), 1u);
}

TEST(KubeState, BadSeriesAreRefusedNamingThem) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    std::string name;
    std::map<std::string, std::string> labels;
    double value;
    std::string message;
  };
  auto no_uid = Pod("kube_pod_info");
  no_uid.erase("uid");
  auto no_pod = Pod("kube_pod_info");
  no_pod.erase("pod");
  auto gpus = Pod("kube_pod_container_resource_requests");
  gpus["resource"] = "nvidia_com_gpu";
  auto phase = Pod("kube_pod_status_phase");
  phase["phase"] = "Running";
  auto no_phase = Pod("kube_pod_status_phase");
  const std::vector<Case> cases = {
      {"no uid", no_uid, 1, "timeseries[0] (kube_pod_info): no uid label"},
      {"no pod", no_pod, 1, "no pod label"},
      {"no namespace", {{"__name__", "kube_namespace_labels"}}, 1, "no namespace label"},
      {"half a GPU", gpus, 0.5, "is not a whole number of GPUs"},
      {"negative GPUs", gpus, -1, "is not a whole number of GPUs"},
      {"NaN GPUs", gpus, nan, "is not a whole number of GPUs"},
      {"a start that is no time", Pod("kube_pod_start_time"), -5, "is not a time"},
      {"an infinite completion", Pod("kube_pod_completion_time"),
       std::numeric_limits<double>::infinity(), "is not a time"},
      {"a phase of 2", phase, 2, "is not 0 or 1"},
      {"a phase without its name", no_phase, 1, "no phase label"},
  };
  for (const Case& c : cases) {
    remote_write::WriteRequest r;
    Add(r, c.labels, {{kT, c.value}});
    auto k = ReadKubeState(r, {});
    ASSERT_FALSE(k.ok()) << c.name;
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(k.status().message().find(c.message), std::string::npos)
        << c.name << ": " << k.status().message();
  }
  remote_write::WriteRequest unordered;
  Add(unordered, Pod("kube_pod_info"), {{kT, 1}, {kT, 1}});
  EXPECT_FALSE(ReadKubeState(unordered, {}).ok());
}

}  // namespace
}  // namespace redflag
