#include "daemon/remote_write/remote_write_receiver.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "daemon/ledger/ledger.h"
#include "daemon/remote_write/write_request.h"
#include "daemon/util/sha256.h"
#include "daemon/validation/validation.h"

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

// The source of one GPU (or MIG instance) for one job, within the 256 bytes
// an id may have: a long job id is replaced by its hash.
std::string SourceId(const GpuSeries& g, const std::string& job_id) {
  std::string gpu = absl::StrCat("dcgm/", g.cluster, "/", g.uuid);
  if (!g.mig_instance.empty()) absl::StrAppend(&gpu, "/mig", g.mig_instance);
  std::string id = absl::StrCat(gpu, "/", job_id);
  if (id.size() > 256) id = absl::StrCat(gpu.substr(0, 180), "/", Sha256Hex(job_id).substr(0, 32));
  return id;
}

}  // namespace

std::map<std::string, uint64_t> RemoteWriteReceiver::UnattributedMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unattributed_ms_;
}

void RemoteWriteReceiver::CountUnattributed(const std::string& cluster, uint64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = unattributed_ms_.find(cluster);
  if (it == unattributed_ms_.end()) {
    it = unattributed_ms_.size() < kMaxClusters ? unattributed_ms_.emplace(cluster, 0).first
                                                : unattributed_ms_.try_emplace("other", 0).first;
  }
  it->second += ms;
}

HttpReply RemoteWriteReceiver::Handle(const HttpCall& call) {
  absl::StatusOr<remote_write::WriteRequest> request =
      DecodeWriteRequest({.content_type = call.header("Content-Type"),
                          .content_encoding = call.header("Content-Encoding"),
                          .version = call.header("X-Prometheus-Remote-Write-Version")},
                         call.body, options_.max_request_bytes);
  if (!request.ok()) {
    ++stats_.requests_rejected;
    return Refuse(request.status(), options_.retry_after_seconds);
  }
  absl::StatusOr<GpuReadings> readings = ReadGpuSeries(*request, options_.labels);
  if (!readings.ok()) {
    ++stats_.requests_rejected;
    return Refuse(readings.status(), options_.retry_after_seconds);
  }
  const int64_t interval_ms = absl::ToInt64Milliseconds(options_.collection_interval);
  v1::SampleBatch batch;
  // Per job named in the request: registered, with accelerators.
  absl::flat_hash_map<std::string, bool> usable_jobs;
  std::map<std::string, uint64_t> unattributed;  // this request's, counted once it is durable
  uint64_t stale = 0, unattributed_points = 0;
  std::vector<std::pair<std::string, std::optional<int64_t>>> pending_ended;
  for (const GpuSeries& g : readings->series) {
    std::string job_id;
    if (!g.hpc_job.empty()) job_id = absl::StrCat("slurm/", g.cluster, "/", g.hpc_job);
    auto [it, added] = usable_jobs.try_emplace(job_id, false);
    if (added && !job_id.empty()) {
      absl::StatusOr<v1::Job> job = ledger_->GetJob(job_id);
      it->second = job.ok() && job->spec().accelerator_count() > 0;
    }
    if (!it->second) {
      for (const GpuPoint& p : g.points) {
        if (!p.busy) continue;
        unattributed[g.cluster] += static_cast<uint64_t>(interval_ms);
        ++unattributed_points;
      }
      continue;
    }
    const std::string source = SourceId(g, job_id);
    std::optional<int64_t> ended;
    {
      std::lock_guard<std::mutex> lock(ended_mu_);
      if (auto e = ended_.find(source); e != ended_.end()) ended = e->second;
    }
    for (const GpuPoint& p : g.points) {
      v1::Sample* s = batch.add_samples();
      s->set_source_id(source);
      s->set_seq(static_cast<uint64_t>(p.unix_ms));
      s->set_job_id(job_id);
      s->set_window_start_unix_ms(p.unix_ms - interval_ms);
      s->set_window_end_unix_ms(p.unix_ms);
      s->set_continues_previous(true);
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
      s->set_active_accelerators(p.busy || p.tensor_active.has_value() ? 1 : 0);
      if (p.tensor_active) s->set_tensor_active(*p.tensor_active);
      if (p.sm_active) s->set_sm_active(*p.sm_active);
    }
    pending_ended.emplace_back(source, ended);
  }
  stats_.series_ignored += readings->ignored_series;
  // In parts of at most ingest.max_batch_samples, every part checked before
  // any is applied: each is all-or-nothing and a resent part counts nothing
  // twice, so the request as a whole is exact even when a retry follows a
  // failure between parts.
  const int part = static_cast<int>(std::max<uint32_t>(1, limits_->max_batch_samples));
  std::vector<v1::SampleBatch> pieces;
  for (int from = 0; from < batch.samples_size(); from += part) {
    v1::SampleBatch& piece = pieces.emplace_back();
    for (int i = from; i < std::min(batch.samples_size(), from + part); ++i) {
      *piece.add_samples() = std::move(*batch.mutable_samples(i));
    }
    if (absl::Status s = ValidateSampleBatch(piece, *limits_, absl::Now()); !s.ok()) {
      ++stats_.requests_rejected;
      return Refuse(s, options_.retry_after_seconds);
    }
  }
  for (const v1::SampleBatch& piece : pieces) {
    absl::StatusOr<BatchOutcome> outcome = ledger_->Ingest(piece);
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
    std::lock_guard<std::mutex> lock(ended_mu_);
    if (ended_.size() > 100'000) ended_.clear();  // bounded; the cost is the gap rule
    for (const auto& [source, at] : pending_ended) {
      if (at) {
        ended_[source] = *at;
      } else {
        ended_.erase(source);
      }
    }
  }
  stats_.samples_stale += stale;
  stats_.samples_unattributed += unattributed_points;
  for (const auto& [cluster, ms] : unattributed) CountUnattributed(cluster, ms);
  return HttpReply{.status = 204};
}

}  // namespace redflag
