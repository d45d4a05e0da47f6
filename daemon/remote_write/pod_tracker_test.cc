#include "daemon/remote_write/pod_tracker.h"

#include <gtest/gtest.h>

#include "daemon/remote_write/pod_job.h"

namespace redflag {
namespace {

constexpr int64_t kT = 1'780'000'000'000;
constexpr int64_t kMinute = 60'000;

PodFact Fact(PodFact::Kind kind, int64_t at, const std::string& uid = "u-1",
             const std::string& pod = "train-0") {
  return PodFact{.kind = kind,
                 .cluster = "east",
                 .uid = uid,
                 .k8s_namespace = "team-a",
                 .pod = pod,
                 .unix_ms = at};
}

// A pod's whole report at `at`: started at kT, requesting 4 + 4 GPUs.
KubeStateReadings Report(int64_t at, const std::string& customer = "acme",
                         const std::string& uid = "u-1") {
  KubeStateReadings r;
  r.namespaces.push_back(
      {.cluster = "east", .name = "team-a", .customer = customer, .unix_ms = at});
  PodFact info = Fact(PodFact::Kind::kInfo, at, uid);
  info.node = "gpu-node-7";
  r.pods.push_back(info);
  PodFact labels = Fact(PodFact::Kind::kLabels, at, uid);
  labels.declared = {.model = "frontier-2",
                     .parent_model = "frontier-1",
                     .workload = "fine_tuning",
                     .precision = "bf16",
                     .parameters = "70000000000"};
  r.pods.push_back(labels);
  for (const char* container : {"trainer", "helper"}) {
    PodFact gpus = Fact(PodFact::Kind::kGpuRequest, at, uid);
    gpus.container = container;
    gpus.gpus = 4;
    r.pods.push_back(gpus);
  }
  PodFact start = Fact(PodFact::Kind::kStartTime, at, uid);
  start.time_ms = kT;
  r.pods.push_back(start);
  return r;
}

// Another pod of the same cluster: kube-state-metrics still reports.
KubeStateReadings Other(int64_t at) {
  KubeStateReadings r;
  r.pods.push_back(Fact(PodFact::Kind::kInfo, at, "u-other", "other-0"));
  return r;
}

const PodTrackerOptions kOptions{.gone_after = absl::Minutes(2),
                                 .collection_interval = absl::Seconds(30)};

TEST(PodTracker, APodRequestingGpusIsAJobOfItsNamespacesCustomer) {
  PodTracker t(kOptions);
  t.Apply(Report(kT + 10'000));
  PodLookup l = t.Find("east", "team-a", "train-0", "", "NVIDIA H100 80GB HBM3");
  ASSERT_EQ(l.kind, PodLookup::Kind::kRegister) << l.reason;
  EXPECT_EQ(l.spec.job_id(), "k8s/east/u-1");
  EXPECT_EQ(l.spec.customer_id(), "acme");
  EXPECT_EQ(l.spec.scheduler(), "kubernetes");
  EXPECT_EQ(l.spec.scheduler_job_id(), "team-a/train-0");
  EXPECT_EQ(l.spec.accelerator_model(), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(l.spec.accelerator_count(), 8u);  // both containers
  EXPECT_EQ(l.spec.start_unix_ms(), kT);
  EXPECT_EQ(l.spec.model_id(), "frontier-2");
  EXPECT_EQ(l.spec.parent_model_id(), "frontier-1");
  EXPECT_EQ(l.spec.workload(), v1::WORKLOAD_KIND_FINE_TUNING);
  EXPECT_EQ(l.spec.precision(), v1::PRECISION_BF16);
  EXPECT_EQ(l.spec.declared_parameters(), 70'000'000'000u);
  EXPECT_TRUE(l.refused_declarations.empty());
  // By uid too (dcgm-exporter's pod_uid), and once registered it is the job.
  EXPECT_EQ(t.Find("east", "", "", "u-1", "x").kind, PodLookup::Kind::kRegister);
  t.Registered("east", "u-1", l.spec.job_id());
  l = t.Find("east", "team-a", "train-0", "", "x");
  EXPECT_EQ(l.kind, PodLookup::Kind::kJob);
  EXPECT_EQ(l.job_id, "k8s/east/u-1");
  EXPECT_EQ(t.counts().jobs_running, 1u);
}

TEST(PodTracker, APodOfAReservedClusterIsDedicatedCapacity) {
  PodTracker shared(kOptions);
  shared.Apply(Report(kT));
  EXPECT_FALSE(shared.Find("east", "team-a", "train-0", "", "H100").spec.dedicated());
  PodTrackerOptions o = kOptions;
  o.dedicated_clusters = {"west", "east"};
  PodTracker reserved(o);
  reserved.Apply(Report(kT));
  PodLookup l = reserved.Find("east", "team-a", "train-0", "", "H100");
  ASSERT_EQ(l.kind, PodLookup::Kind::kRegister) << l.reason;
  EXPECT_TRUE(l.spec.dedicated());
}

TEST(PodTracker, ABadDeclarationIsLeftOutNotTheJob) {
  PodTracker t(kOptions);
  KubeStateReadings r = Report(kT);
  r.pods[1].declared.workload = "mining";
  r.pods[1].declared.parameters = "70B";
  t.Apply(r);
  PodLookup l = t.Find("east", "team-a", "train-0", "", "H100");
  ASSERT_EQ(l.kind, PodLookup::Kind::kRegister);
  EXPECT_EQ(l.spec.workload(), v1::WORKLOAD_KIND_UNSPECIFIED);
  EXPECT_FALSE(l.spec.has_declared_parameters());
  EXPECT_EQ(l.spec.model_id(), "frontier-2");
  EXPECT_EQ(l.refused_declarations,
            (std::vector<std::string>{"redflag.io/workload", "redflag.io/parameters"}));
}

TEST(PodTracker, WhatCannotBeAJobSaysWhy) {
  PodTracker t(kOptions);
  EXPECT_EQ(t.Find("east", "team-a", "train-0", "", "H100").reason, "pod_unknown");
  KubeStateReadings r = Report(kT);
  KubeStateReadings no_namespace = r;
  no_namespace.namespaces.clear();
  t.Apply(no_namespace);
  EXPECT_EQ(t.Find("east", "team-a", "train-0", "", "H100").reason, "namespace_unknown");
  t.Apply(Report(kT, /*customer=*/""));
  EXPECT_EQ(t.Find("east", "team-a", "train-0", "", "H100").reason, "no_customer_label");
  // The label added later: the pod becomes a job.
  t.Apply(Report(kT + 30'000));
  EXPECT_EQ(t.Find("east", "team-a", "train-0", "", "H100").kind, PodLookup::Kind::kRegister);

  PodTracker cpu_only(kOptions);
  KubeStateReadings cpu = Report(kT);
  for (PodFact& f : cpu.pods) f.gpus = 0;
  cpu_only.Apply(cpu);
  EXPECT_EQ(cpu_only.Find("east", "team-a", "train-0", "", "H100").reason, "no_gpu_request");

  PodTracker pending(kOptions);
  KubeStateReadings unstarted = Report(kT);
  unstarted.pods.pop_back();  // no start time yet
  pending.Apply(unstarted);
  EXPECT_EQ(pending.Find("east", "team-a", "train-0", "", "H100").reason, "not_started");
  // In another cluster the same names are another pod.
  t.Apply(Report(kT));
  EXPECT_EQ(t.Find("west", "team-a", "train-0", "", "H100").reason, "pod_unknown");
}

TEST(PodTracker, APodWhoseJobWasRefusedIsNotTriedAgain) {
  PodTracker t(kOptions);
  t.Apply(Report(kT));
  ASSERT_EQ(t.Find("east", "team-a", "train-0", "", "H100").kind, PodLookup::Kind::kRegister);
  t.Refused("east", "u-1");
  PodLookup l = t.Find("east", "team-a", "train-0", "", "H100");
  EXPECT_EQ(l.kind, PodLookup::Kind::kUnattributed);
  EXPECT_EQ(l.reason, "job_refused");
}

TEST(PodTracker, AJobEndsAtItsCompletionTime) {
  PodTracker t(kOptions);
  t.Apply(Report(kT));
  t.Registered("east", "u-1", "k8s/east/u-1");
  EXPECT_TRUE(t.Sweep().empty());
  KubeStateReadings done;
  PodFact completion = Fact(PodFact::Kind::kCompletionTime, kT + 10 * kMinute);
  completion.time_ms = kT + 9 * kMinute;
  done.pods.push_back(completion);
  PodFact phase = Fact(PodFact::Kind::kPhase, kT + 10 * kMinute);
  phase.phase = "Succeeded";
  done.pods.push_back(phase);
  t.Apply(done);
  std::vector<PodEnding> e = t.Sweep();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].job_id, "k8s/east/u-1");
  EXPECT_EQ(e[0].end_unix_ms, kT + 9 * kMinute);
  EXPECT_EQ(e[0].why, "completed");
  EXPECT_EQ(t.Sweep().size(), 1u);  // until it is ended
  t.Ended(e[0]);
  EXPECT_TRUE(t.Sweep().empty());
  // Its late GPU points still find the (ended) job, never a new one.
  EXPECT_EQ(t.Find("east", "team-a", "train-0", "", "H100").kind, PodLookup::Kind::kJob);
  EXPECT_EQ(t.counts().jobs_running, 0u);
}

TEST(PodTracker, AFailedPodEndsAtThePhasesTime) {
  PodTracker t(kOptions);
  t.Apply(Report(kT));
  t.Registered("east", "u-1", "k8s/east/u-1");
  KubeStateReadings failed;
  PodFact phase = Fact(PodFact::Kind::kPhase, kT + 5 * kMinute);
  phase.phase = "Failed";
  failed.pods.push_back(phase);
  t.Apply(failed);
  std::vector<PodEnding> e = t.Sweep();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].end_unix_ms, kT + 5 * kMinute);
  EXPECT_EQ(e[0].why, "phase Failed");
}

TEST(PodTracker, AGonePodEndsOnlyWhileItsClusterGoesOnReporting) {
  PodTracker t(kOptions);
  t.Apply(Report(kT));
  t.Registered("east", "u-1", "k8s/east/u-1");
  // kube-state-metrics silent (down, or its series not forwarded): no
  // report at all is no evidence that the pod is gone.
  EXPECT_TRUE(t.Sweep().empty());
  // It reports other pods, not this one, for just under gone_after...
  t.Apply(Other(kT + 2 * kMinute - 1));
  EXPECT_TRUE(t.Sweep().empty());
  // ... and then for gone_after: ended one interval after its last sighting.
  t.Apply(Other(kT + 2 * kMinute));
  std::vector<PodEnding> e = t.Sweep();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].end_unix_ms, kT + 30'000);
  EXPECT_EQ(e[0].why, "gone");
  t.Ended(e[0]);
  // Forgotten once gone without a running job.
  t.Sweep();
  EXPECT_EQ(t.counts().pods, 1u);  // the other pod
}

TEST(PodTracker, APodOfTheSameNameLaterIsAnotherJob) {
  PodTracker t(kOptions);
  t.Apply(Report(kT));
  t.Registered("east", "u-1", "k8s/east/u-1");
  t.Apply(Report(kT + kMinute, "acme", "u-2"));  // the StatefulSet's pod, recreated
  PodLookup l = t.Find("east", "team-a", "train-0", "", "H100");
  ASSERT_EQ(l.kind, PodLookup::Kind::kRegister);
  EXPECT_EQ(l.spec.job_id(), "k8s/east/u-2");
}

TEST(PodTracker, RunningPodJobsAreRestoredAndEndWhenGone) {
  v1::JobSpec running;
  running.set_job_id("k8s/east/u-1");
  running.set_cluster("east");
  running.set_scheduler("kubernetes");
  running.set_scheduler_job_id("team-a/train-0");
  running.set_start_unix_ms(kT);
  v1::JobSpec slurm = running;
  slurm.set_job_id("slurm/east/7");
  slurm.set_scheduler("slurm");
  PodTracker t(kOptions);
  t.Restore({&running, &slurm});
  PodLookup l = t.Find("east", "team-a", "train-0", "", "H100");
  ASSERT_EQ(l.kind, PodLookup::Kind::kJob);
  EXPECT_EQ(l.job_id, "k8s/east/u-1");
  EXPECT_EQ(t.counts().pods, 1u);
  // Seen from the cluster's first report since the start: gone after
  // gone_after more without it.
  t.Apply(Other(kT + 60 * kMinute));
  EXPECT_TRUE(t.Sweep().empty());
  t.Apply(Other(kT + 62 * kMinute));
  std::vector<PodEnding> e = t.Sweep();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].end_unix_ms, kT + 60 * kMinute + 30'000);
}

TEST(PodTracker, TrackedPodsAreBounded) {
  PodTracker t({.max_pods = 1});
  t.Apply(Report(kT));
  t.Apply(Report(kT, "acme", "u-2"));
  EXPECT_EQ(t.counts().pods, 1u);
  EXPECT_EQ(t.counts().untracked, 5u);  // each of its facts
}

}  // namespace
}  // namespace redflag
