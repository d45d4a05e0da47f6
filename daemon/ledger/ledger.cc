// The ledger's queue, committer, job lifecycle and reads.
#include <google/protobuf/util/message_differencer.h>
#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "daemon/ledger/job_day_keys.h"
#include "daemon/ledger/ledger_internal.h"
#include "daemon/log/log.h"

namespace redflag {

using ledger_internal::JobSlot;
using ledger_internal::SourceSlot;

namespace {

constexpr size_t kMaxGroupOps = 256;

// The first field in which two job specs differ, for ALREADY_EXISTS messages.
std::string FirstDifference(const v1::JobSpec& a, const v1::JobSpec& b) {
  const auto* desc = v1::JobSpec::descriptor();
  for (int i = 0; i < desc->field_count(); ++i) {
    google::protobuf::util::MessageDifferencer d;
    std::vector<const google::protobuf::FieldDescriptor*> fields = {desc->field(i)};
    if (!d.CompareWithFields(a, b, fields, fields)) return desc->field(i)->name();
  }
  return "";
}

std::thread NamedThread(const char* name, std::function<void()> fn) {
  std::thread t(std::move(fn));
  pthread_setname_np(t.native_handle(), name);
  return t;
}

}  // namespace

Ledger::Ledger(Store& store, const LedgerOptions& options) : store_(store), options_(options) {}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(Store& store, const LedgerOptions& options) {
  std::unique_ptr<Ledger> ledger(new Ledger(store, options));
  if (absl::Status s = ledger->Load(); !s.ok()) return s;
  Ledger* l = ledger.get();
  l->committer_ = NamedThread("rf-committer", [l] { l->CommitLoop(); });
  l->checkpointer_ = NamedThread("rf-checkpoint", [l] { l->CheckpointLoop(); });
  if (options.durability == Durability::kGroupCommit) {
    l->wal_syncer_ = NamedThread("rf-wal-sync", [l] { l->WalSyncLoop(); });
  }
  return ledger;
}

Ledger::~Ledger() { Stop(); }

JobSlot* Ledger::FindJob(absl::string_view job_id) const {
  auto it = job_index_.find(job_id);
  return it == job_index_.end() ? nullptr : it->second.slot;
}

SourceSlot& Ledger::SourceForLocked(absl::string_view source_id) {
  auto it = source_index_.find(source_id);
  if (it != source_index_.end()) return *it->second.slot;
  source_slots_.push_back(
      std::make_unique<SourceSlot>(static_cast<uint32_t>(source_slots_.size()), source_id));
  SourceSlot* slot = source_slots_.back().get();
  source_index_.emplace(slot->id, ledger_internal::IndexEntry<SourceSlot>{slot, slot->index});
  stats_.sources = source_slots_.size();
  return *slot;
}

v1::Job Ledger::JobView(const JobSlot& slot) const {
  v1::Job job;
  *job.mutable_spec() = slot.spec;
  job.set_end_unix_ms(slot.end_ms);
  *job.mutable_totals() = detectors::ToProto(slot.totals);
  return job;
}

std::string Ledger::failure_reason() const {
  std::lock_guard<std::mutex> lock(blocked_mu_);
  return failure_reason_;
}

void Ledger::Fail(absl::string_view what, const absl::Status& s) {
  {
    std::lock_guard<std::mutex> lock(blocked_mu_);
    if (failure_reason_.empty()) failure_reason_ = absl::StrCat(what, ": ", s.message());
  }
  failed_ = true;
  log::Error(absl::StrCat(what, "; refusing writes until restart"),
             {{"error", std::string(s.message())}});
}

// ---- the queue -------------------------------------------------------------

absl::Status Ledger::Submit(Op& op) {
  if (failed_) return absl::UnavailableError("the ledger stopped after a storage write failure");
  {
    std::unique_lock<std::mutex> lock(queue_mu_);
    bool has_space = queue_space_.wait_for(
        lock, absl::ToChronoMilliseconds(options_.limits.queue_timeout),
        [&] { return stopping_ || queue_.size() < options_.limits.queue_batches; });
    if (stopping_) return absl::UnavailableError("redflagd is shutting down; retry later");
    if (!has_space) {
      return absl::UnavailableError(
          absl::StrCat("the ingest queue stayed full for ",
                       absl::FormatDuration(options_.limits.queue_timeout), "; retry later"));
    }
    queue_.push_back(&op);
    op.queued = true;
    stats_.queue_depth = queue_.size();
  }
  queue_work_.notify_one();
  op.done.WaitForNotification();
  return op.status;
}

absl::StatusOr<BatchOutcome> Ledger::Ingest(const v1::SampleBatch& batch) {
  Op op(Op::Kind::kBatch);
  op.batch = &batch;
  const uint64_t n = static_cast<uint64_t>(batch.samples_size());
  if (absl::Status s = Prepare(op); !s.ok()) {
    ++stats_.batches_rejected;
    stats_.samples_rejected += n;
    return s;
  }
  if (absl::Status s = Submit(op); !s.ok()) {
    if (!op.queued) {
      ++stats_.batches_failed;
      stats_.samples_rejected += n;
    }
    return s;
  }
  return op.outcome;
}

absl::StatusOr<RegisterOutcome> Ledger::RegisterJob(const v1::JobSpec& spec) {
  Op op(Op::Kind::kRegister);
  op.spec = &spec;
  if (absl::Status s = Submit(op); !s.ok()) return s;
  return std::move(op.registered);
}

absl::StatusOr<v1::Job> Ledger::EndJob(const std::string& job_id, int64_t end_unix_ms) {
  Op op(Op::Kind::kEnd);
  op.job_id = job_id;
  op.end_unix_ms = end_unix_ms;
  if (absl::Status s = Submit(op); !s.ok()) return s;
  return std::move(op.job);
}

void Ledger::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  queue_work_.notify_all();
  queue_space_.notify_all();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  {
    std::lock_guard<std::mutex> lock(wal_mu_);
    wal_stop_ = true;
  }
  wal_cv_.notify_all();
  if (wal_syncer_.joinable()) wal_syncer_.join();
  if (!failed_) {
    if (absl::Status s = store_.SyncWal(); !s.ok()) {
      log::Error("final WAL sync failed", {{"error", std::string(s.message())}});
    }
  }
}

// ---- the committer ---------------------------------------------------------

void Ledger::CommitLoop() {
  std::vector<Op*> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_work_.wait_for(lock, absl::ToChronoMilliseconds(options_.checkpoint_interval),
                           [&] { return stopping_ || !queue_.empty(); });
      while (!queue_.empty() && group.size() < kMaxGroupOps) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      stats_.queue_depth = queue_.size();
      if (group.empty() && stopping_) break;
    }
    queue_space_.notify_all();
    if (!group.empty()) CommitGroup(group);
    group.clear();
    MaybeCheckpoint();
  }
  FinalCheckpoint();
}

void Ledger::CommitGroup(std::vector<Op*>& group) {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    size_t bytes = 0;
    for (const Op* op : group) bytes += op->record.size() + 64;  // + trailer and key
    std::unique_ptr<WriteBatch> wb = store_.NewBatch(bytes);
    // Refused before anything changes in memory, so that memory and disk
    // stay alike and writes resume by themselves once there is space.
    const absl::Status room = store_.Admits(WriteClass::kNew);
    for (Op* op : group) {
      if (failed_) {
        op->status = absl::UnavailableError("the ledger stopped after a storage write failure");
        continue;
      }
      if (!room.ok()) {
        op->status = room;
        continue;
      }
      switch (op->kind) {
        case Op::Kind::kBatch:
          ApplyBatch(*op, *wb);
          break;
        case Op::Kind::kRegister:
          ApplyRegister(*op, *wb);
          break;
        case Op::Kind::kEnd:
          ApplyEnd(*op, *wb);
          break;
      }
    }
    if (wb->Count() > 0) {
      // Admitted above; only the maintenance floor could refuse it now.
      absl::Status s =
          store_.Write(*wb, options_.durability == Durability::kFsync, WriteClass::kMaintenance);
      ++stats_.store_writes;
      if (!s.ok()) {
        // Memory now holds changes the disk may lack: refuse everything until
        // a restart rebuilds state from disk. Clients retry; dedupe makes the
        // retries safe whether or not this write reached the disk.
        Fail("storage write failed", s);
        for (Op* op : group) {
          if (op->wrote) {
            op->status = absl::UnavailableError(absl::StrCat(
                "storage write failed, the request is not acknowledged: ", s.message()));
          }
        }
      }
    }
  }
  for (Op* op : group) {
    if (op->kind == Op::Kind::kBatch) {
      const uint64_t n = static_cast<uint64_t>(op->batch->samples_size());
      if (op->status.ok()) {
        ++stats_.batches_accepted;
        stats_.samples_accepted += op->outcome.accepted;
        stats_.samples_duplicate += op->outcome.duplicate;
        stats_.samples_clamped += op->outcome.clamped;
        stats_.samples_gaps += op->outcome.gaps;
      } else if (op->status.code() == absl::StatusCode::kUnavailable) {
        ++stats_.batches_failed;
        stats_.samples_rejected += n;
      } else {
        ++stats_.batches_rejected;
        stats_.samples_rejected += n;
      }
    }
    op->done.Notify();
  }
}

void Ledger::ApplyRegister(Op& op, WriteBatch& wb) {
  const v1::JobSpec& spec = *op.spec;
  JobSlot* existing;
  {
    absl::ReaderMutexLock lock(&index_mu_);
    existing = FindJob(spec.job_id());
  }
  if (existing != nullptr) {
    std::string diff = FirstDifference(existing->spec, spec);
    if (!diff.empty()) {
      op.status =
          absl::AlreadyExistsError(absl::StrCat("job.", diff, ": job '", spec.job_id(),
                                                "' is already registered with a different ", diff));
      return;
    }
    op.registered.created = false;
    op.registered.job = JobView(*existing);
    return;
  }
  JobSlot* slot;
  {
    absl::MutexLock lock(&index_mu_);
    job_slots_.push_back(std::make_unique<JobSlot>(static_cast<uint32_t>(job_slots_.size()), spec));
    slot = job_slots_.back().get();
    job_index_.emplace(slot->id, ledger_internal::IndexEntry<JobSlot>{slot, slot->index});
  }
  job_order_.emplace(slot->id, slot);
  stats_.jobs = job_order_.size();
  v1::Job stored;
  *stored.mutable_spec() = spec;
  wb.Put(Domain::kJobs, spec.job_id(), stored.SerializeAsString());
  op.wrote = true;
  op.registered.created = true;
  op.registered.job = JobView(*slot);
}

void Ledger::ApplyEnd(Op& op, WriteBatch& wb) {
  JobSlot* job;
  {
    absl::ReaderMutexLock lock(&index_mu_);
    job = FindJob(op.job_id);
  }
  if (job == nullptr) {
    op.status = absl::NotFoundError(absl::StrCat("job_id: unknown job '", op.job_id, "'"));
    return;
  }
  if (op.end_unix_ms < job->start_ms) {
    op.status = absl::InvalidArgumentError(absl::StrCat(
        "end_unix_ms: ", op.end_unix_ms, " is before the job's start (", job->start_ms, ")"));
    return;
  }
  if (job->end_ms != 0) {
    if (job->end_ms != op.end_unix_ms) {
      op.status = absl::FailedPreconditionError(
          absl::StrCat("end_unix_ms: job '", op.job_id, "' already ended at ", job->end_ms));
      return;
    }
    op.job = JobView(*job);
    return;
  }
  if (job->totals.samples > 0 && op.end_unix_ms < job->totals.last_window_end_ms) {
    op.status = absl::FailedPreconditionError(
        absl::StrCat("end_unix_ms: ", op.end_unix_ms, " is before the end of the job's latest ",
                     "accepted window (", job->totals.last_window_end_ms, ")"));
    return;
  }
  job->end_ms = op.end_unix_ms;
  v1::Job stored;
  *stored.mutable_spec() = job->spec;
  stored.set_end_unix_ms(job->end_ms);
  wb.Put(Domain::kJobs, op.job_id, stored.SerializeAsString());
  op.wrote = true;
  op.job = JobView(*job);
}

void Ledger::WalSyncLoop() {
  std::unique_lock<std::mutex> lock(wal_mu_);
  while (!wal_stop_) {
    wal_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.wal_sync_interval));
    if (wal_stop_ || failed_) break;
    lock.unlock();
    if (absl::Status s = store_.SyncWal(); !s.ok()) Fail("WAL sync failed", s);
    lock.lock();
  }
}

// ---- reads -------------------------------------------------------------------

absl::StatusOr<v1::Job> Ledger::GetJob(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(state_mu_);
  absl::ReaderMutexLock index_lock(&index_mu_);
  const JobSlot* job = FindJob(job_id);
  if (job == nullptr) {
    return absl::NotFoundError(absl::StrCat("job_id: unknown job '", job_id, "'"));
  }
  return JobView(*job);
}

std::vector<Ledger::JobSnapshot> Ledger::SnapshotJobs() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  std::vector<JobSnapshot> out;
  out.reserve(job_order_.size());
  for (const auto& [id, slot] : job_order_) {
    if (!detectors::IsHoldingAccount(id)) out.push_back({&slot->spec, slot->end_ms, slot->totals});
  }
  return out;
}

absl::StatusOr<std::vector<Ledger::JobSnapshot>> Ledger::SnapshotJobsAsOf(absl::Time cutoff) {
  if (absl::Status s = CheckpointNow(); !s.ok()) return s;
  const int64_t cutoff_ms = absl::ToUnixMillis(cutoff);
  const int32_t first_excluded = detectors::DayOfWindowEnd(cutoff_ms + 1);
  absl::flat_hash_map<std::string, detectors::Totals> as_of;
  absl::Status s =
      ScanDays("", [&](absl::string_view job_id, int32_t day, const detectors::Totals& totals) {
        if (day < first_excluded) detectors::Merge(as_of[job_id], totals);
        return true;
      });
  if (!s.ok()) return s;
  std::vector<JobSnapshot> out;
  for (JobSnapshot& job : SnapshotJobs()) {
    if (job.spec->start_unix_ms() >= cutoff_ms) continue;
    auto it = as_of.find(job.spec->job_id());
    job.totals = it == as_of.end() ? detectors::Totals() : it->second;
    if (job.end_unix_ms > cutoff_ms) job.end_unix_ms = 0;
    out.push_back(std::move(job));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<int32_t, detectors::Totals>>> Ledger::DayTotals(
    const std::string& job_id, absl::Time cutoff) const {
  const int32_t first_excluded = detectors::DayOfWindowEnd(absl::ToUnixMillis(cutoff) + 1);
  std::vector<std::pair<int32_t, detectors::Totals>> out;
  absl::Status s = ScanDays(job_id + std::string(1, '\0'),
                            [&](absl::string_view, int32_t day, const detectors::Totals& totals) {
                              if (day >= first_excluded) return false;
                              out.emplace_back(day, totals);
                              return true;
                            });
  if (!s.ok()) return s;
  return out;
}

absl::Status Ledger::ScanDays(
    absl::string_view prefix,
    const std::function<bool(absl::string_view, int32_t, const detectors::Totals&)>& fn) const {
  absl::Status bad = absl::OkStatus();
  absl::Status s = store_.Scan(
      Domain::kJobDays, prefix, "", [&](absl::string_view key, absl::string_view value) {
        absl::string_view job;
        int32_t day = 0;
        if (!ParseJobDayKey(key, &job, &day)) return true;
        v1::JobTotals proto;
        if (!proto.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError(
              absl::StrCat("job_days: unreadable totals of job '", job, "' for day ", day));
          return false;
        }
        return fn(job, day, detectors::FromProto(proto));
      });
  return s.ok() ? bad : s;
}

std::vector<v1::Job> Ledger::ListJobs(const std::string& customer_id, const std::string& after,
                                      size_t limit) const {
  std::lock_guard<std::mutex> lock(state_mu_);
  std::vector<v1::Job> out;
  for (auto it = job_order_.upper_bound(after); it != job_order_.end() && out.size() < limit;
       ++it) {
    if (!customer_id.empty() && it->second->spec.customer_id() != customer_id) continue;
    out.push_back(JobView(*it->second));
  }
  return out;
}

}  // namespace redflag
