// The ledger: exactly-once, crash-proof accounting of telemetry.
//
// Every mutating request (sample batch, job registration, job end) goes
// through one queue to one committer thread. The committer checks each request
// against the current state, applies it (or, if any part is wrong, nothing of
// it), and writes the whole group of requests in ONE store write batch; only
// when that write succeeds are the requests acknowledged.
//
// A committed sample batch is one ledger record (the batch as sent, plus which
// samples were duplicates or clamped), so the totals' change and the sources'
// watermark advance are one atomic write. Running totals and watermarks live
// in memory; a checkpointer thread writes the changed ones, with the number of
// the last record they include, once per checkpoint interval and then drops
// the records it covers. A restart loads the checkpoint and replays the
// records after it, so a crash at any instant loses nothing acknowledged and
// counts nothing twice.
//
// The calling (gRPC handler) thread does what needs no state: it resolves the
// batch's job and source ids and encodes the record, so the committer's work
// per sample is a few cache lines of checks and additions.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/config/config.h"
#include "daemon/ledger/ledger_state.h"
#include "daemon/storage/store.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag {

struct LedgerOptions {
  Durability durability = Durability::kFsync;
  absl::Duration wal_sync_interval = absl::Milliseconds(100);
  absl::Duration checkpoint_interval = absl::Seconds(5);
  IngestLimits limits;
};

struct BatchOutcome {
  uint32_t accepted = 0;
  uint32_t duplicate = 0;
  uint32_t clamped = 0;
  // Continued samples after a gap over max_sample_window (not assumed busy).
  uint32_t gaps = 0;
  // Continued samples outside their job's lifetime, not counted (among
  // `duplicate`, which every sample not counted is).
  uint32_t outside_job = 0;
};

struct RegisterOutcome {
  bool created = false;
  v1::Job job;
};

// Counters read by the metrics collector at scrape time.
struct LedgerStats {
  std::atomic<uint64_t> samples_accepted{0};
  std::atomic<uint64_t> samples_duplicate{0};
  std::atomic<uint64_t> samples_rejected{0};
  std::atomic<uint64_t> samples_clamped{0};
  std::atomic<uint64_t> samples_gaps{0};
  std::atomic<uint64_t> batches_accepted{0};
  std::atomic<uint64_t> batches_rejected{0};
  std::atomic<uint64_t> batches_failed{0};
  std::atomic<uint64_t> store_writes{0};
  std::atomic<uint64_t> checkpoints{0};
  std::atomic<uint64_t> replayed_records{0};
  std::atomic<uint64_t> queue_depth{0};
  std::atomic<uint64_t> jobs{0};
  std::atomic<uint64_t> sources{0};
};

class Ledger {
 public:
  // Loads the checkpoint, replays later records and starts the committer.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(Store& store, const LedgerOptions& options);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Each call blocks until its request is durable or has failed. Requests must
  // have passed the stateless checks in daemon/validation first.
  absl::StatusOr<BatchOutcome> Ingest(const v1::SampleBatch& batch);
  absl::StatusOr<RegisterOutcome> RegisterJob(const v1::JobSpec& spec);
  absl::StatusOr<v1::Job> EndJob(const std::string& job_id, int64_t end_unix_ms);

  // Reads see only committed state.
  absl::StatusOr<v1::Job> GetJob(const std::string& job_id) const;
  // Every job's declaration and totals (holding accounts aside), copied in
  // one short hold of the state lock: what periodic evaluation over all jobs needs, without building
  // messages. `spec` points into the ledger (jobs are never removed; specs
  // never change) and stays valid while the ledger lives.
  struct JobSnapshot {
    const v1::JobSpec* spec;
    int64_t end_unix_ms;
    detectors::Totals totals;
  };
  std::vector<JobSnapshot> SnapshotJobs() const;
  // Every job as it stood when `cutoff` began, from the per-day totals: jobs
  // that started before it, with the samples counted on the UTC days before
  // cutoff's day (a sample counts on the day of its window's last
  // millisecond), ended if they ended by then. Writes a checkpoint first, so
  // that every sample acknowledged so far is in the per-day totals. Samples
  // for those days that arrive later (late telemetry) are included when
  // asked again.
  absl::StatusOr<std::vector<JobSnapshot>> SnapshotJobsAsOf(absl::Time cutoff);
  // The stored per-day totals of one job, for the days before `cutoff`'s,
  // oldest first (as SnapshotJobsAsOf wrote them: call that first).
  absl::StatusOr<std::vector<std::pair<int32_t, detectors::Totals>>> DayTotals(
      const std::string& job_id, absl::Time cutoff) const;
  // Merges each job's per-day totals of every whole quarter that ends by
  // `cutoff_day` into one, on the quarter's last day, so that no total and
  // no quarter's end figure changes. `before_quarter(first_day)` is
  // called once before a quarter's days are merged (to freeze its report).
  // Returns the number of day records merged away.
  absl::StatusOr<uint64_t> CompactDays(int32_t cutoff_day,
                                       const std::function<absl::Status(int32_t)>& before_quarter);
  // Writes a checkpoint now (after the one in progress, if any).
  absl::Status CheckpointNow();

  // Jobs with job_id > after, in order, at most `limit`, optionally one customer's.
  std::vector<v1::Job> ListJobs(const std::string& customer_id, const std::string& after,
                                size_t limit) const;

  // Finishes queued requests, writes a final checkpoint and stops the
  // committer. Later requests get UNAVAILABLE.
  void Stop();

  // False once a store write failed: from then on every write is refused with
  // UNAVAILABLE and the daemon reports not ready, since memory and disk may
  // differ; a restart recovers from what is on disk.
  bool healthy() const { return !failed_.load(); }
  // Why writes are refused until restart ("" while healthy).
  std::string failure_reason() const;
  // Non-empty once a checkpoint found stored data unreadable (DATA_LOSS):
  // checkpoints stop, ingestion goes on (records stay until replayed).
  std::string checkpoint_blocked_reason() const;
  // Counts a batch the stateless checks rejected before it reached the ledger.
  void NoteInvalidBatch(size_t samples) {
    ++stats_.batches_rejected;
    stats_.samples_rejected += samples;
  }
  const LedgerStats& stats() const { return stats_; }

 private:
  struct Op;
  struct CheckpointData;
  using JobSlot = ledger_internal::JobSlot;
  using SourceSlot = ledger_internal::SourceSlot;
  using WindowState = ledger_internal::WindowState;

  Ledger(Store& store, const LedgerOptions& options);

  // Start-up (ledger_recovery.cc).
  absl::Status Load();
  absl::Status LoadJobCheckpoint(absl::string_view key, absl::string_view value);
  absl::Status ReplayRecord(absl::string_view key, absl::string_view value);

  // Batches (ledger_batch.cc).
  absl::Status Prepare(Op& op);
  void ApplyBatch(Op& op, WriteBatch& wb);
  // The window state of (source, job): in the job's slot or the table.
  WindowState& WindowFor(JobSlot& job, uint32_t source_index, uint64_t window_key);
  void MarkApplied(JobSlot& job, SourceSlot& source, uint64_t seq, WindowState& window,
                   int64_t window_end);

  // Checkpoints (ledger_checkpoint.cc).
  std::unique_ptr<CheckpointData> TakeCheckpoint();
  absl::Status WriteCheckpoint(const CheckpointData& data);
  void MaybeCheckpoint();
  void FinalCheckpoint();
  // Visits the stored per-day totals under `prefix` (a job id and 0x00, or
  // everything) in key order until `fn` returns false; DATA_LOSS naming the
  // job and day for an unreadable one.
  absl::Status ScanDays(absl::string_view prefix,
                        const std::function<bool(absl::string_view job, int32_t day,
                                                 const detectors::Totals&)>& fn) const;
  // Runs `work` as the only writer of checkpoints and per-day totals: after
  // the checkpoint in flight, keeping the next ones out until it returns.
  template <typename Work>
  absl::Status InCheckpointTurn(Work work);
  // Writes a checkpoint; the caller has the checkpointer's turn.
  absl::Status CheckpointInTurn();
  // A day's stored totals of a job (the checkpointer's own cache first).
  absl::StatusOr<detectors::Totals> StoredDay(const JobSlot* job, int32_t day);
  void CheckpointLoop();
  // A checkpoint failed: stop checkpointing on DATA_LOSS, fail otherwise.
  void CheckpointFailed(const absl::Status& s);

  // The queue and the committer (ledger.cc).
  absl::Status Submit(Op& op);
  void CommitLoop();
  void CommitGroup(std::vector<Op*>& group);
  void ApplyRegister(Op& op, WriteBatch& wb);
  void ApplyEnd(Op& op, WriteBatch& wb);
  void WalSyncLoop();
  void Fail(absl::string_view what, const absl::Status& s);

  // Lookups; the caller holds index_mu_ (shared is enough).
  JobSlot* FindJob(absl::string_view job_id) const;
  SourceSlot& SourceForLocked(absl::string_view source_id);
  v1::Job JobView(const JobSlot& slot) const;

  Store& store_;
  const LedgerOptions options_;
  const int64_t max_window_ms_ = absl::ToInt64Milliseconds(options_.limits.max_sample_window);
  LedgerStats stats_;

  // Lock order: state_mu_, then index_mu_.
  //
  // The id indexes. Handler threads resolve ids under a shared lock; the
  // committer adds jobs and handlers add sources under the exclusive lock.
  // Slots are never removed, so a resolved pointer stays valid.
  mutable absl::Mutex index_mu_;
  absl::flat_hash_map<std::string, ledger_internal::IndexEntry<JobSlot>> job_index_;
  absl::flat_hash_map<std::string, ledger_internal::IndexEntry<SourceSlot>> source_index_;
  std::vector<std::unique_ptr<JobSlot>> job_slots_;        // by JobSlot::index
  std::vector<std::unique_ptr<SourceSlot>> source_slots_;  // by SourceSlot::index

  // Everything the committer mutates; reads take it to see committed state.
  mutable std::mutex state_mu_;
  absl::btree_map<absl::string_view, JobSlot*> job_order_;  // keys point into JobSlot::id
  absl::flat_hash_map<uint64_t, WindowState> windows_;      // by ledger_internal::WindowKey
  std::vector<JobSlot*> dirty_jobs_;
  std::vector<SourceSlot*> dirty_sources_;
  uint64_t next_record_ = 1;
  uint64_t generation_ = 0;  // per checked batch, for the scratch fields
  absl::Time last_checkpoint_ = absl::InfinitePast();

  // The request queue.
  std::mutex queue_mu_;
  std::condition_variable queue_work_;
  std::condition_variable queue_space_;
  std::deque<Op*> queue_;
  bool stopping_ = false;

  // The checkpointer: one checkpoint in flight at a time.
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  std::unique_ptr<CheckpointData> checkpoint_pending_;
  bool checkpoint_busy_ = false;
  bool checkpoint_stop_ = false;
  uint64_t pruned_through_ = 0;  // records up to here were dropped (as far as files allow)
  // Per job, the day it last wrote and that day's stored totals: most
  // checkpoints add to the same day again, without reading it back.
  absl::flat_hash_map<const JobSlot*, std::pair<int32_t, detectors::Totals>> last_day_;

  std::atomic<bool> failed_{false};
  mutable std::mutex blocked_mu_;
  std::string failure_reason_;  // under blocked_mu_
  std::string blocked_reason_;  // under blocked_mu_
  std::thread committer_;
  std::thread checkpointer_;
  std::thread wal_syncer_;
  std::mutex wal_mu_;
  std::condition_variable wal_cv_;
  bool wal_stop_ = false;
};

}  // namespace redflag
