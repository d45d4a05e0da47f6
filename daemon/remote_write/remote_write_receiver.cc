#include "daemon/remote_write/remote_write_receiver.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/ledger/ledger.h"
#include "daemon/log/log.h"
#include "daemon/remote_write/pod_job.h"
#include "daemon/remote_write/write_request.h"
#include "daemon/util/sha256.h"
#include "daemon/validation/validation.h"
#include "detectors/accounting.h"

namespace redflag {
namespace {

HttpReply Refuse(const absl::Status& s, int retry_after) {
  HttpReply r{.status = 400, .body = absl::StrCat(s.message(), "\n")};
  switch (s.code()) {
    case absl::StatusCode::kFailedPrecondition:
      r.status = 415;
      break;
    case absl::StatusCode::kResourceExhausted:
      r.status = 413;
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
      // Retryable: never 429, which Prometheus 2.42 does not retry.
      r.status = 503;
      r.headers.emplace_back("Retry-After", absl::StrCat(retry_after));
      break;
    default:
      break;
  }
  return r;
}

// A store or queue that cannot take the write now: retry, as a whole.
absl::Status Retryable(const absl::Status& s, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", s.message()));
}

// The source of one GPU (or MIG instance) for one job, within the 256 bytes
// an id may have: a long job id is replaced by its hash.
std::string SourceId(const GpuSeries& g, const std::string& job_id) {
  std::string gpu = absl::StrCat("dcgm/", g.cluster, "/", g.uuid);
  if (!g.mig_instance.empty()) absl::StrAppend(&gpu, "/mig", g.mig_instance);
  std::string id = absl::StrCat(gpu, "/", job_id);
  if (id.size() > 256) id = absl::StrCat(gpu.substr(0, 180), "/", Sha256Hex(job_id).substr(0, 32));
  return id;
}

bool IsIdText(const std::string& s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

constexpr absl::Duration kSweepEvery = absl::Seconds(1);

}  // namespace

RemoteWriteReceiver::RemoteWriteReceiver(RemoteWriteOptions options, const IngestLimits* limits,
                                         Ledger* ledger, JobEnded on_job_ended)
    : options_(std::move(options)),
      limits_(limits),
      ledger_(ledger),
      on_job_ended_(std::move(on_job_ended)),
      pods_({.gone_after = options_.pod_gone_after,
             .collection_interval = options_.collection_interval,
             .dedicated_clusters = options_.dedicated_clusters}) {
  std::vector<const v1::JobSpec*> running;
  for (const Ledger::JobSnapshot& j : ledger_->SnapshotJobs()) {
    if (j.end_unix_ms == 0 && j.spec->scheduler() == kKubernetesScheduler)
      running.push_back(j.spec);
  }
  pods_.Restore(running);
}

size_t RemoteWriteReceiver::series_tracked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return series_seen_.size();
}

std::map<std::string, uint64_t> RemoteWriteReceiver::UnattributedPoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unattributed_points_;
}

std::map<std::string, uint64_t> RemoteWriteReceiver::UnattributedMs() const {
  std::map<std::string, uint64_t> out;
  const std::string prefix(detectors::kHoldingAccountPrefix);
  for (const v1::Job& job : ledger_->ListJobs("", prefix, kMaxClusters + 2)) {
    if (!detectors::IsHoldingAccount(job.spec().job_id())) break;
    out[job.spec().cluster()] = job.totals().accelerator_ms();
  }
  return out;
}

std::vector<UnattributedGpu> RemoteWriteReceiver::UnattributedGpus(const std::string& cluster,
                                                                   size_t limit) const {
  std::vector<UnattributedGpu> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = unattributed_gpus_.find(cluster);
    if (it == unattributed_gpus_.end()) return out;
    for (const auto& [uuid, gpu] : it->second) out.push_back(gpu);
  }
  std::sort(out.begin(), out.end(), [](const UnattributedGpu& a, const UnattributedGpu& b) {
    return a.busy_points != b.busy_points ? a.busy_points > b.busy_points : a.uuid < b.uuid;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<std::string> RemoteWriteReceiver::UnattributedReasons(
    const std::string& cluster) const {
  std::set<std::string> reasons;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = unattributed_gpus_.find(cluster); it != unattributed_gpus_.end()) {
    for (const auto& [uuid, gpu] : it->second) reasons.insert(gpu.reason);
  }
  return {reasons.begin(), reasons.end()};
}

absl::StatusOr<std::string> RemoteWriteReceiver::HoldingAccount(const std::string& cluster) {
  std::string name = cluster;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!IsIdText(name) ||
        (!holding_clusters_.contains(name) && holding_clusters_.size() >= kMaxClusters)) {
      name = "other";
    }
    if (holding_clusters_.contains(name))
      return absl::StrCat(detectors::kHoldingAccountPrefix, name);
  }
  v1::JobSpec spec;
  spec.set_job_id(absl::StrCat(detectors::kHoldingAccountPrefix, name));
  spec.set_customer_id("unattributed");
  spec.set_cluster(name);
  spec.set_scheduler("unattributed");
  spec.set_accelerator_model("any");
  spec.set_accelerator_count(1);  // each source is one GPU
  absl::StatusOr<RegisterOutcome> out = ledger_->RegisterJob(spec);
  if (!out.ok()) return Retryable(out.status(), "registering the unattributed account");
  std::lock_guard<std::mutex> lock(mu_);
  holding_clusters_.insert(name);
  return spec.job_id();
}

absl::StatusOr<RemoteWriteReceiver::Attribution> RemoteWriteReceiver::Attribute(
    const GpuSeries& g, absl::flat_hash_map<std::string, bool>& usable_jobs) {
  if (!g.hpc_job.empty()) {
    const std::string job_id = absl::StrCat("slurm/", g.cluster, "/", g.hpc_job);
    auto [it, added] = usable_jobs.try_emplace(job_id, false);
    if (added) {
      absl::StatusOr<v1::Job> job = ledger_->GetJob(job_id);
      it->second = job.ok() && job->spec().accelerator_count() > 0;
    }
    if (it->second) return Attribution{.job_id = job_id};
    return Attribution{.reason = "job_unknown"};
  }
  if (g.pod.empty()) return Attribution{.reason = "no_job_label"};
  PodLookup pod = pods_.Find(g.cluster, g.k8s_namespace, g.pod, g.pod_uid,
                             g.model.empty() ? "unknown" : g.model);
  if (pod.kind == PodLookup::Kind::kJob) return Attribution{.job_id = pod.job_id};
  if (pod.kind == PodLookup::Kind::kUnattributed) return Attribution{.reason = pod.reason};
  const std::string job_id = pod.spec.job_id();
  const std::string uid = job_id.substr(PodJobId(g.cluster, "").size());
  if (absl::Status s = ValidateJobSpec(pod.spec, *limits_, absl::Now()); !s.ok()) {
    log::Warn("pod not registered as a job: its GPU time is unattributed",
              {{"job_id", job_id}, {"error", std::string(s.message())}});
    pods_.Refused(g.cluster, uid);  // logged once
    return Attribution{.reason = "job_refused"};
  }
  absl::StatusOr<RegisterOutcome> out = ledger_->RegisterJob(pod.spec);
  if (!out.ok() && out.status().code() != absl::StatusCode::kAlreadyExists) {
    return Retryable(out.status(), absl::StrCat("registering pod job ", job_id));
  }
  // Already there with another spec (another request registered it with the
  // GPUs or model it saw): that registration stands.
  pods_.Registered(g.cluster, uid, job_id);
  if (out.ok() && out->created) {
    ++stats_.pod_jobs_registered;
    stats_.declarations_refused += pod.refused_declarations.size();
    log::Info("pod registered as a job",
              {{"job_id", job_id},
               {"customer_id", pod.spec.customer_id()},
               {"pod", pod.spec.scheduler_job_id()},
               {"accelerators", absl::StrCat(pod.spec.accelerator_count())},
               {"labels_refused", absl::StrJoin(pod.refused_declarations, ",")}});
  }
  return Attribution{.job_id = job_id};
}

void RemoteWriteReceiver::EndPods(const std::string& principal) {
  std::unique_lock<std::mutex> sweep(sweep_mu_, std::try_to_lock);
  if (!sweep.owns_lock() || absl::Now() - last_sweep_ < kSweepEvery) return;
  last_sweep_ = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time forget = absl::Now() - options_.pod_gone_after;
    absl::erase_if(series_seen_, [&](const auto& kv) { return kv.second < forget; });
  }
  for (const PodEnding& e : pods_.Sweep()) {
    int64_t end = e.end_unix_ms;
    v1::EndJobRequest req;
    req.set_job_id(e.job_id);
    req.set_end_unix_ms(end);
    absl::StatusOr<v1::Job> job = [&]() -> absl::StatusOr<v1::Job> {
      if (absl::Status s = ValidateEndJob(req, *limits_, absl::Now()); !s.ok()) return s;
      return ledger_->EndJob(e.job_id, end);
    }();
    if (job.status().code() == absl::StatusCode::kFailedPrecondition) {
      // Its GPUs reported after what kube-state-metrics says: it ran at least
      // that long.
      absl::StatusOr<v1::Job> now = ledger_->GetJob(e.job_id);
      if (now.ok() && now->end_unix_ms() == 0) {
        end = std::max(end, now->totals().last_window_end_unix_ms());
        job = ledger_->EndJob(e.job_id, end);
      }
    }
    if (!job.ok()) {
      log::Warn("pod job not ended (retried)", {{"job_id", e.job_id},
                                                {"end_unix_ms", absl::StrCat(end)},
                                                {"error", std::string(job.status().message())}});
      if (job.status().code() == absl::StatusCode::kInvalidArgument ||
          job.status().code() == absl::StatusCode::kNotFound) {
        pods_.Ended(e);  // can never be ended as said
      }
      continue;
    }
    pods_.Ended(e);
    ++stats_.pod_jobs_ended;
    if (on_job_ended_) on_job_ended_(*job, principal, e.why);
  }
}

void RemoteWriteReceiver::NoteUnattributed(const GpuSeries& g, const std::string& reason,
                                           uint64_t busy_points) {
  if (busy_points == 0) return;
  unattributed_points_[reason] += busy_points;
  auto cluster = unattributed_gpus_.find(g.cluster);
  if (cluster == unattributed_gpus_.end()) {
    if (unattributed_gpus_.size() >= kMaxClusters) return;
    cluster = unattributed_gpus_.emplace(g.cluster, std::map<std::string, UnattributedGpu>()).first;
  }
  std::string key = g.mig_instance.empty() ? g.uuid : absl::StrCat(g.uuid, "/mig", g.mig_instance);
  auto it = cluster->second.find(key);
  if (it == cluster->second.end()) {
    if (cluster->second.size() >= kMaxGpusPerCluster) return;
    it = cluster->second.emplace(key, UnattributedGpu{.uuid = key}).first;
  }
  UnattributedGpu& gpu = it->second;
  gpu.host = g.host;
  gpu.model = g.model;
  gpu.where = !g.hpc_job.empty() ? absl::StrCat("hpc_job ", g.hpc_job)
              : g.pod.empty()    ? ""
                                 : absl::StrCat(g.k8s_namespace, "/", g.pod);
  gpu.reason = reason;
  gpu.busy_points += busy_points;
  gpu.last_unix_ms = std::max(gpu.last_unix_ms, g.points.back().unix_ms);
}

HttpReply RemoteWriteReceiver::Handle(const HttpCall& call) {
  // The request and the batches made of it, freed at once.
  google::protobuf::Arena arena;
  absl::StatusOr<remote_write::WriteRequest*> request =
      DecodeWriteRequest({.content_type = call.header("Content-Type"),
                          .content_encoding = call.header("Content-Encoding"),
                          .version = call.header("X-Prometheus-Remote-Write-Version")},
                         call.body, options_.max_request_bytes, &arena);
  if (!request.ok()) {
    ++stats_.requests_rejected;
    return Refuse(request.status(), options_.retry_after_seconds);
  }
  absl::StatusOr<GpuReadings> readings = ReadGpuSeries(**request, options_.labels);
  absl::StatusOr<KubeStateReadings> kube = ReadKubeState(**request, options_.kube_labels);
  for (const absl::Status& s : {readings.status(), kube.status()}) {
    if (!s.ok()) {
      ++stats_.requests_rejected;
      return Refuse(s, options_.retry_after_seconds);
    }
  }
  // Facts, not telemetry: applying them again on a retry changes nothing.
  pods_.Apply(*kube);
  EndPods(call.principal);

  const int64_t interval_ms = absl::ToInt64Milliseconds(options_.collection_interval);
  v1::SampleBatch& batch = *google::protobuf::Arena::CreateMessage<v1::SampleBatch>(&arena);
  // Per job named in the request: registered, with accelerators.
  absl::flat_hash_map<std::string, bool> usable_jobs;
  uint64_t stale = 0, unattributed_points = 0;
  std::vector<std::pair<std::string, std::optional<int64_t>>> pending_ended;
  std::vector<std::pair<const GpuSeries*, Attribution>> unattributed;
  for (const GpuSeries& g : readings->series) {
    absl::StatusOr<Attribution> to = Attribute(g, usable_jobs);
    if (!to.ok()) {
      ++stats_.requests_rejected;
      return Refuse(to.status(), options_.retry_after_seconds);
    }
    std::string job_id = to->job_id;
    if (job_id.empty()) {
      absl::StatusOr<std::string> holding = HoldingAccount(g.cluster);
      if (!holding.ok()) {
        ++stats_.requests_rejected;
        return Refuse(holding.status(), options_.retry_after_seconds);
      }
      job_id = *holding;
    }
    const std::string source = SourceId(g, job_id);
    std::optional<int64_t> ended;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto e = ended_.find(source); e != ended_.end()) ended = e->second;
    }
    const double share = g.mig_instance.empty() ? 1 : MigShare(g.mig_profile, g.model);
    uint64_t busy = 0;
    for (const GpuPoint& p : g.points) {
      v1::Sample* s = batch.add_samples();
      s->set_source_id(source);
      s->set_seq(static_cast<uint64_t>(p.unix_ms));
      s->set_job_id(job_id);
      s->set_window_start_unix_ms(p.unix_ms - interval_ms);
      s->set_window_end_unix_ms(p.unix_ms);
      s->set_continues_previous(true);
      if (share < 1) s->set_accelerator_share(share);
      if (p.stale) {
        // The series ended: its time since the last point is not busy time,
        // and the next point (if it comes back) starts afresh.
        s->set_active_accelerators(0);
        ended = p.unix_ms;
        ++stale;
        continue;
      }
      if (ended && *ended < p.unix_ms) {
        // Back after a stale marker: one collection interval, not the time
        // the series was gone (and never before the marker).
        s->set_continues_previous(false);
        s->set_window_start_unix_ms(std::max(*ended, p.unix_ms - interval_ms));
        ended.reset();
      }
      if (!to->job_id.empty()) {
        s->set_active_accelerators(p.busy || p.tensor_active.has_value() ? 1 : 0);
        if (p.tensor_active) s->set_tensor_active(*p.tensor_active);
        if (p.sm_active) s->set_sm_active(*p.sm_active);
      } else {
        // The holding account counts busy time only: an idle GPU nobody has
        // is not compute.
        s->set_active_accelerators(p.busy ? 1 : 0);
        busy += p.busy;
      }
    }
    pending_ended.emplace_back(source, ended);
    if (to->job_id.empty()) {
      unattributed_points += busy;
      unattributed.emplace_back(&g, *to);
    }
  }
  stats_.series_ignored +=
      (*request)->timeseries_size() - readings->series_read - kube->series_read;
  // In parts of at most ingest.max_batch_samples, every part checked before
  // any is applied: each is all-or-nothing and a resent part counts nothing
  // twice, so the request as a whole is exact even when a retry follows a
  // failure between parts.
  const int part = static_cast<int>(std::max<uint32_t>(1, limits_->max_batch_samples));
  std::vector<v1::SampleBatch*> pieces;
  for (int from = 0; from < batch.samples_size(); from += part) {
    if (from == 0 && batch.samples_size() <= part) {
      pieces.push_back(&batch);  // the usual case: one part
      break;
    }
    v1::SampleBatch& piece =
        *pieces.emplace_back(google::protobuf::Arena::CreateMessage<v1::SampleBatch>(&arena));
    for (int i = from; i < std::min(batch.samples_size(), from + part); ++i) {
      piece.add_samples()->Swap(batch.mutable_samples(i));
    }
  }
  for (const v1::SampleBatch* piece : pieces) {
    if (absl::Status s =
            ValidateSampleBatch(*piece, *limits_, absl::Now(), HoldingAccounts::kAllowed);
        !s.ok()) {
      ++stats_.requests_rejected;
      return Refuse(s, options_.retry_after_seconds);
    }
  }
  for (const v1::SampleBatch* piece : pieces) {
    absl::StatusOr<BatchOutcome> outcome = ledger_->Ingest(*piece);
    if (!outcome.ok()) {
      ++stats_.requests_rejected;
      return Refuse(outcome.status(), options_.retry_after_seconds);
    }
    stats_.samples_accepted += outcome->accepted;
    stats_.samples_duplicate += outcome->duplicate - outcome->outside_job;
    stats_.samples_outside_job += outcome->outside_job;
  }
  {
    // Only once durable: a refused request changes no series' state.
    std::lock_guard<std::mutex> lock(mu_);
    if (ended_.size() > 100'000) ended_.clear();  // bounded; the cost is the gap rule
    const absl::Time now = absl::Now();
    for (const auto& [source, at] : pending_ended) {
      if (at) {
        ended_[source] = *at;
      } else {
        ended_.erase(source);
      }
      if (series_seen_.size() < 1'000'000 || series_seen_.contains(source)) {
        series_seen_[source] = now;
      }
    }
    for (const auto& [g, to] : unattributed) {
      uint64_t busy = 0;
      for (const GpuPoint& p : g->points) busy += p.busy && !p.stale;
      NoteUnattributed(*g, to.reason, busy);
    }
  }
  stats_.samples_stale += stale;
  stats_.samples_unattributed += unattributed_points;
  return HttpReply{.status = 204};
}

}  // namespace redflag
