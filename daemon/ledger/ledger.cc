#include "daemon/ledger/ledger.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <limits>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "daemon/ledger/ledger_records.pb.h"
#include "daemon/log/log.h"
#include "detectors/accounting.h"

namespace redflag {

using detectors::Fit;
using detectors::Window;

namespace {

constexpr absl::string_view kAppliedThroughKey = "ledger_applied_through";
constexpr int64_t kNoWindow = std::numeric_limits<int64_t>::min();
constexpr size_t kMaxGroupOps = 256;

std::string RecordKey(uint64_t n) {
  std::string k(8, '\0');
  absl::big_endian::Store64(k.data(), n);
  return k;
}

uint64_t RecordNumber(absl::string_view key) {
  return key.size() == 8 ? absl::big_endian::Load64(key.data()) : 0;
}

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

}  // namespace

struct Ledger::JobState {
  v1::Job job;  // spec, end time and totals
  bool dirty = false;
  // Scratch for checking one batch: totals the batch would add.
  uint64_t scratch_gen = 0;
  uint64_t pending_ms = 0;
  uint64_t pending_tokens = 0;
};

struct WindowState {
  int64_t last_end = kNoWindow;  // durable: end of the latest accepted window
  int64_t scratch_end = kNoWindow;
  uint64_t scratch_gen = 0;
};

struct Ledger::SourceState {
  std::string id;
  uint64_t last_seq = 0;  // durable watermark
  uint64_t scratch_seq = 0;
  uint64_t scratch_gen = 0;
  bool dirty = false;
  absl::node_hash_map<JobState*, WindowState> windows;
};

struct Ledger::Op {
  enum class Kind { kBatch, kRegister, kEnd };
  explicit Op(Kind k) : kind(k) {}
  const Kind kind;
  const v1::SampleBatch* batch = nullptr;
  const v1::JobSpec* spec = nullptr;
  std::string job_id;
  int64_t end_unix_ms = 0;

  absl::Status status;
  BatchOutcome outcome;
  RegisterOutcome registered;
  v1::Job job;
  bool wrote = false;   // added to the group's write batch
  bool queued = false;  // reached the committer, which counts its outcome
  absl::Notification done;
};

struct Ledger::Resolved {
  JobState* job = nullptr;  // null for a duplicate
  SourceState* source = nullptr;
  WindowState* window = nullptr;
  Window fitted;
  bool clamped = false;
};

Ledger::Ledger(Store& store, const LedgerOptions& options) : store_(store), options_(options) {}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(Store& store, const LedgerOptions& options) {
  std::unique_ptr<Ledger> ledger(new Ledger(store, options));
  if (absl::Status s = ledger->Load(); !s.ok()) return s;
  ledger->committer_ = std::thread([l = ledger.get()] { l->CommitLoop(); });
  if (options.durability == Durability::kGroupCommit) {
    ledger->wal_syncer_ = std::thread([l = ledger.get()] { l->WalSyncLoop(); });
  }
  return ledger;
}

Ledger::~Ledger() { Stop(); }

Ledger::SourceState& Ledger::SourceFor(absl::string_view source_id) {
  auto it = sources_.find(source_id);
  if (it != sources_.end()) return *it->second;
  auto state = std::make_unique<SourceState>();
  state->id = std::string(source_id);
  SourceState& ref = *state;
  sources_.emplace(ref.id, std::move(state));
  return ref;
}

absl::Status Ledger::Load() {
  std::lock_guard<std::mutex> lock(state_mu_);
  absl::Status bad;
  absl::Status s = store_.Scan(Domain::kJobs, "", "", [&](absl::string_view k, absl::string_view v) {
    auto state = std::make_unique<JobState>();
    if (!state->job.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      bad = absl::DataLossError(absl::StrCat("jobs/", k, ": unreadable record"));
      return false;
    }
    *state->job.mutable_totals() = detectors::NewTotals();
    JobState* raw = state.get();
    jobs_.emplace(std::string(k), std::move(state));
    job_order_.emplace(raw->job.spec().job_id(), raw);
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  s = store_.Scan(Domain::kTotals, "", "", [&](absl::string_view k, absl::string_view v) {
    auto it = jobs_.find(k);
    if (it == jobs_.end() ||
        !it->second->job.mutable_totals()->ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      bad = absl::DataLossError(absl::StrCat("totals/", k, ": unreadable or orphaned record"));
      return false;
    }
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  s = store_.Scan(Domain::kWatermarks, "", "", [&](absl::string_view k, absl::string_view v) {
    ledger::SourceWatermark wm;
    if (!wm.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      bad = absl::DataLossError(absl::StrCat("watermarks/", k, ": unreadable record"));
      return false;
    }
    SourceState& src = SourceFor(k);
    src.last_seq = wm.last_seq();
    for (const auto& w : wm.windows()) {
      auto it = jobs_.find(w.job_id());
      if (it != jobs_.end()) src.windows[it->second.get()].last_end = w.last_end_unix_ms();
    }
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  absl::StatusOr<std::optional<std::string>> through = store_.Get(Domain::kMeta, kAppliedThroughKey);
  if (!through.ok()) return through.status();
  uint64_t applied = through->has_value() ? RecordNumber(**through) : 0;
  next_record_ = applied + 1;
  s = store_.Scan(Domain::kLedger, "", RecordKey(next_record_),
                  [&](absl::string_view k, absl::string_view v) {
                    bad = ReplayRecord(k, v);
                    return bad.ok();
                  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  stats_.jobs = jobs_.size();
  stats_.sources = sources_.size();
  log::Info("ledger loaded", {{"jobs", absl::StrCat(jobs_.size())},
                              {"sources", absl::StrCat(sources_.size())},
                              {"checkpoint_record", absl::StrCat(applied)},
                              {"replayed_records", absl::StrCat(stats_.replayed_records.load())}});
  return absl::OkStatus();
}

absl::Status Ledger::ReplayRecord(absl::string_view key, absl::string_view value) {
  ledger::LedgerRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("ledger record ", RecordNumber(key), ": unreadable record"));
  }
  std::vector<bool> clamped(record.samples_size(), false);
  for (uint32_t i : record.clamped()) {
    if (i < clamped.size()) clamped[i] = true;
  }
  for (int i = 0; i < record.samples_size(); ++i) {
    const v1::Sample& s = record.samples(i);
    auto it = jobs_.find(s.job_id());
    if (it == jobs_.end()) {
      return absl::DataLossError(absl::StrCat("ledger record ", RecordNumber(key),
                                              ": sample of unknown job '", s.job_id(), "'"));
    }
    JobState& job = *it->second;
    Window w{s.window_start_unix_ms(), s.window_end_unix_ms()};
    detectors::AddSample(s, w, job.job.spec().precision(), clamped[i], *job.job.mutable_totals());
    SourceState& src = SourceFor(s.source_id());
    src.last_seq = std::max(src.last_seq, s.seq());
    WindowState& ws = src.windows[&job];
    ws.last_end = std::max(ws.last_end, w.end_ms);
    if (!job.dirty) dirty_jobs_.push_back(&job);
    job.dirty = true;
    if (!src.dirty) dirty_sources_.push_back(&src);
    src.dirty = true;
  }
  next_record_ = RecordNumber(key) + 1;
  ++stats_.replayed_records;
  return absl::OkStatus();
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
  if (absl::Status s = Submit(op); !s.ok()) {
    if (!op.queued) {
      ++stats_.batches_failed;
      stats_.samples_rejected += static_cast<uint64_t>(batch.samples_size());
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
    if (!failed_ && absl::Now() - last_checkpoint_ >= options_.checkpoint_interval) {
      if (absl::Status s = Checkpoint(); !s.ok()) {
        failed_ = true;
        log::Error("checkpoint write failed; refusing writes until restart",
                   {{"error", std::string(s.message())}});
      }
    }
  }
  if (!failed_) {
    if (absl::Status s = Checkpoint(); !s.ok()) {
      log::Error("final checkpoint failed", {{"error", std::string(s.message())}});
    }
  }
}

void Ledger::CommitGroup(std::vector<Op*>& group) {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    std::unique_ptr<WriteBatch> wb = store_.NewBatch();
    for (Op* op : group) {
      if (failed_) {
        op->status = absl::UnavailableError("the ledger stopped after a storage write failure");
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
      absl::Status s = store_.Write(*wb, options_.durability == Durability::kFsync);
      ++stats_.store_writes;
      if (!s.ok()) {
        // Memory now holds changes the disk may lack: refuse everything until
        // a restart rebuilds state from disk. Clients retry; dedupe makes the
        // retries safe whether or not this write reached the disk.
        failed_ = true;
        log::Error("storage write failed; refusing writes until restart",
                   {{"error", std::string(s.message())}});
        for (Op* op : group) {
          if (op->wrote) {
            op->status = absl::UnavailableError(
                absl::StrCat("storage write failed, the request is not acknowledged: ",
                             s.message()));
          }
        }
      }
    }
    stats_.jobs = jobs_.size();
    stats_.sources = sources_.size();
  }
  for (Op* op : group) {
    if (op->kind == Op::Kind::kBatch) {
      const uint64_t n = static_cast<uint64_t>(op->batch->samples_size());
      if (op->status.ok()) {
        ++stats_.batches_accepted;
        stats_.samples_accepted += op->outcome.accepted;
        stats_.samples_duplicate += op->outcome.duplicate;
        stats_.samples_clamped += op->outcome.clamped;
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

void Ledger::ApplyBatch(Op& op, WriteBatch& wb) {
  const v1::SampleBatch& batch = *op.batch;
  const uint64_t gen = ++generation_;
  resolved_.clear();
  resolved_.reserve(static_cast<size_t>(batch.samples_size()));
  auto reject = [&](absl::Status s) { op.status = std::move(s); };

  // Pass 1: check every sample against the state; change nothing durable.
  // (Entries created here for unseen sources or job windows are neutral.)
  for (int i = 0; i < batch.samples_size(); ++i) {
    const v1::Sample& s = batch.samples(i);
    auto job_it = jobs_.find(s.job_id());
    if (job_it == jobs_.end()) {
      return reject(absl::NotFoundError(absl::StrCat(
          "samples[", i, "].job_id: unknown job '", s.job_id(), "'; register it first")));
    }
    JobState* job = job_it->second.get();
    SourceState& src = SourceFor(s.source_id());
    if (src.scratch_gen != gen) {
      src.scratch_gen = gen;
      src.scratch_seq = 0;
    }
    if (src.scratch_seq != 0 && s.seq() <= src.scratch_seq) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].seq: ", s.seq(), " is not greater than the previous seq of source '",
          s.source_id(), "' in this batch (", src.scratch_seq, ")")));
    }
    src.scratch_seq = s.seq();
    WindowState& ws = src.windows[job];
    if (ws.scratch_gen != gen) {
      ws.scratch_gen = gen;
      ws.scratch_end = ws.last_end;
    }
    const v1::JobSpec& spec = job->job.spec();
    Window w{s.window_start_unix_ms(), s.window_end_unix_ms()};
    Fit fit = detectors::FitToJob(spec.start_unix_ms(), job->job.end_unix_ms(), w);

    if (s.seq() <= src.last_seq) {
      // Seen before: a replay must lie within what this source already
      // delivered for the job; otherwise the source reset its sequence.
      if (fit == Fit::kBeforeStart || fit == Fit::kAfterEnd || ws.last_end == kNoWindow ||
          w.end_ms > ws.last_end) {
        return reject(absl::FailedPreconditionError(absl::StrCat(
            "samples[", i, "].seq: ", s.seq(), " is at or below source '", s.source_id(),
            "' watermark ", src.last_seq,
            " but the window is new: a restarted source must use a new source_id")));
      }
      resolved_.push_back(Resolved{});
      continue;
    }
    if (fit == Fit::kBeforeStart) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].window_end_unix_ms: the window ends at ", s.window_end_unix_ms(),
          ", before job '", s.job_id(), "' started at ", spec.start_unix_ms())));
    }
    if (fit == Fit::kAfterEnd) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].window_start_unix_ms: the window starts at ", s.window_start_unix_ms(),
          ", after job '", s.job_id(), "' ended at ", job->job.end_unix_ms())));
    }
    if (s.active_accelerators() > spec.accelerator_count()) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].active_accelerators: ", s.active_accelerators(),
          " is more than job '", s.job_id(), "' accelerator_count (", spec.accelerator_count(),
          ")")));
    }
    if (ws.scratch_end != kNoWindow && w.start_ms < ws.scratch_end) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].window_start_unix_ms: ", w.start_ms,
          " overlaps the previous window of source '", s.source_id(), "' for job '", s.job_id(),
          "', which ended at ", ws.scratch_end)));
    }
    ws.scratch_end = w.end_ms;
    if (job->scratch_gen != gen) {
      job->scratch_gen = gen;
      job->pending_ms = 0;
      job->pending_tokens = 0;
    }
    job->pending_ms += detectors::AcceleratorMs(s.active_accelerators(), w);
    job->pending_tokens += s.tokens_processed();
    if (detectors::WouldOverflow(job->job.totals(), job->pending_ms, job->pending_tokens)) {
      return reject(absl::OutOfRangeError(
          absl::StrCat("samples[", i, "]: job '", s.job_id(), "' totals would overflow")));
    }
    resolved_.push_back(Resolved{job, &src, &ws, w, fit == Fit::kClamped});
  }

  // Pass 2: apply, and encode the accepted samples as one ledger record.
  record_buf_.clear();
  google::protobuf::io::StringOutputStream stream(&record_buf_);
  std::vector<uint32_t> clamped_idx;
  {
    google::protobuf::io::CodedOutputStream out(&stream);
    uint32_t index = 0;
    for (size_t i = 0; i < resolved_.size(); ++i) {
      Resolved& r = resolved_[i];
      if (r.job == nullptr) {
        ++op.outcome.duplicate;
        continue;
      }
      const v1::Sample& s = batch.samples(static_cast<int>(i));
      detectors::AddSample(s, r.fitted, r.job->job.spec().precision(), r.clamped,
                           *r.job->job.mutable_totals());
      if (!r.job->dirty) dirty_jobs_.push_back(r.job);
      r.job->dirty = true;
      r.source->last_seq = std::max(r.source->last_seq, s.seq());
      r.window->last_end = r.fitted.end_ms;
      if (!r.source->dirty) dirty_sources_.push_back(r.source);
      r.source->dirty = true;

      out.WriteTag(ledger::LedgerRecord::kSamplesFieldNumber << 3 | 2);
      if (r.clamped) {
        v1::Sample copy = s;
        copy.set_window_start_unix_ms(r.fitted.start_ms);
        copy.set_window_end_unix_ms(r.fitted.end_ms);
        out.WriteVarint32(static_cast<uint32_t>(copy.ByteSizeLong()));
        copy.SerializeWithCachedSizes(&out);
        clamped_idx.push_back(index);
        ++op.outcome.clamped;
      } else {
        out.WriteVarint32(static_cast<uint32_t>(s.ByteSizeLong()));
        s.SerializeWithCachedSizes(&out);
      }
      ++index;
      ++op.outcome.accepted;
    }
    for (uint32_t c : clamped_idx) {
      out.WriteTag(ledger::LedgerRecord::kClampedFieldNumber << 3 | 0);
      out.WriteVarint32(c);
    }
  }
  if (op.outcome.accepted > 0) {
    wb.Put(Domain::kLedger, RecordKey(next_record_++), record_buf_);
    op.wrote = true;
  }
}

void Ledger::ApplyRegister(Op& op, WriteBatch& wb) {
  const v1::JobSpec& spec = *op.spec;
  auto it = jobs_.find(spec.job_id());
  if (it != jobs_.end()) {
    const v1::Job& existing = it->second->job;
    std::string diff = FirstDifference(existing.spec(), spec);
    if (!diff.empty()) {
      op.status = absl::AlreadyExistsError(absl::StrCat("job.", diff, ": job '", spec.job_id(),
                                                        "' is already registered with a different ",
                                                        diff));
      return;
    }
    op.registered.created = false;
    op.registered.job = existing;
    return;
  }
  auto state = std::make_unique<JobState>();
  *state->job.mutable_spec() = spec;
  JobState* raw = state.get();
  jobs_.emplace(spec.job_id(), std::move(state));
  job_order_.emplace(raw->job.spec().job_id(), raw);
  wb.Put(Domain::kJobs, spec.job_id(), raw->job.SerializeAsString());
  *raw->job.mutable_totals() = detectors::NewTotals();
  op.wrote = true;
  op.registered.created = true;
  op.registered.job = raw->job;
}

void Ledger::ApplyEnd(Op& op, WriteBatch& wb) {
  auto it = jobs_.find(op.job_id);
  if (it == jobs_.end()) {
    op.status = absl::NotFoundError(absl::StrCat("job_id: unknown job '", op.job_id, "'"));
    return;
  }
  v1::Job& job = it->second->job;
  if (op.end_unix_ms < job.spec().start_unix_ms()) {
    op.status = absl::InvalidArgumentError(absl::StrCat("end_unix_ms: ", op.end_unix_ms,
                                                        " is before the job's start (",
                                                        job.spec().start_unix_ms(), ")"));
    return;
  }
  if (job.end_unix_ms() != 0) {
    if (job.end_unix_ms() != op.end_unix_ms) {
      op.status = absl::FailedPreconditionError(absl::StrCat(
          "end_unix_ms: job '", op.job_id, "' already ended at ", job.end_unix_ms()));
      return;
    }
    op.job = job;
    return;
  }
  if (job.totals().samples() > 0 && op.end_unix_ms < job.totals().last_window_end_unix_ms()) {
    op.status = absl::FailedPreconditionError(
        absl::StrCat("end_unix_ms: ", op.end_unix_ms, " is before the end of the job's latest ",
                     "accepted window (", job.totals().last_window_end_unix_ms(), ")"));
    return;
  }
  job.set_end_unix_ms(op.end_unix_ms);
  v1::Job stored = job;
  stored.clear_totals();
  wb.Put(Domain::kJobs, op.job_id, stored.SerializeAsString());
  op.wrote = true;
  op.job = job;
}

absl::Status Ledger::Checkpoint() {
  std::lock_guard<std::mutex> lock(state_mu_);
  last_checkpoint_ = absl::Now();
  if (dirty_jobs_.empty() && dirty_sources_.empty()) return absl::OkStatus();
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  for (JobState* job : dirty_jobs_) {
    wb->Put(Domain::kTotals, job->job.spec().job_id(), job->job.totals().SerializeAsString());
    job->dirty = false;
  }
  ledger::SourceWatermark wm;
  for (SourceState* src : dirty_sources_) {
    wm.Clear();
    wm.set_last_seq(src->last_seq);
    for (const auto& [job, ws] : src->windows) {
      if (ws.last_end == kNoWindow) continue;
      auto* w = wm.add_windows();
      w->set_job_id(job->job.spec().job_id());
      w->set_last_end_unix_ms(ws.last_end);
    }
    wb->Put(Domain::kWatermarks, src->id, wm.SerializeAsString());
    src->dirty = false;
  }
  dirty_jobs_.clear();
  dirty_sources_.clear();
  wb->Put(Domain::kMeta, kAppliedThroughKey, RecordKey(next_record_ - 1));
  // No fsync needed: a lost checkpoint only means a longer replay.
  absl::Status s = store_.Write(*wb, /*sync=*/false);
  ++stats_.store_writes;
  if (s.ok()) ++stats_.checkpoints;
  return s;
}

void Ledger::WalSyncLoop() {
  std::unique_lock<std::mutex> lock(wal_mu_);
  while (!wal_stop_) {
    wal_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.wal_sync_interval));
    if (wal_stop_ || failed_) break;
    lock.unlock();
    if (absl::Status s = store_.SyncWal(); !s.ok()) {
      failed_ = true;
      log::Error("WAL sync failed; refusing writes until restart",
                 {{"error", std::string(s.message())}});
    }
    lock.lock();
  }
}

// ---- reads -------------------------------------------------------------------

absl::StatusOr<v1::Job> Ledger::GetJob(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(state_mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) {
    return absl::NotFoundError(absl::StrCat("job_id: unknown job '", job_id, "'"));
  }
  return it->second->job;
}

std::vector<v1::Job> Ledger::ListJobs(const std::string& customer_id, const std::string& after,
                                      size_t limit) const {
  std::lock_guard<std::mutex> lock(state_mu_);
  std::vector<v1::Job> out;
  for (auto it = job_order_.upper_bound(after); it != job_order_.end() && out.size() < limit;
       ++it) {
    if (!customer_id.empty() && it->second->job.spec().customer_id() != customer_id) continue;
    out.push_back(it->second->job);
  }
  return out;
}

}  // namespace redflag
