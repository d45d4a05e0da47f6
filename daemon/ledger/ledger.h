// The ledger: exactly-once, crash-proof accounting of telemetry.
//
// Every mutating request (sample batch, job registration, job end) goes
// through one queue to one committer thread. The committer checks each request
// against the current state, applies it (or, if any part is wrong, nothing of
// it), and writes the whole group of requests in ONE store write batch; only
// when that write succeeds are the requests acknowledged.
//
// A committed sample batch is one ledger record holding its accepted samples
// (the facts) and so, in the same atomic write, both the totals' change and
// the sources' watermark advance. Running totals and watermarks are kept in
// memory and checkpointed together with the number of the last record they
// include; a restart loads the checkpoint and replays the records after it.
// So a crash at any instant loses nothing acknowledged and counts nothing twice.
#pragma once

#include "absl/strings/string_view.h"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/config/config.h"
#include "daemon/storage/store.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag {

struct LedgerOptions {
  Durability durability = Durability::kFsync;
  absl::Duration wal_sync_interval = absl::Milliseconds(100);
  absl::Duration checkpoint_interval = absl::Seconds(1);
  IngestLimits limits;
};

struct BatchOutcome {
  uint32_t accepted = 0;
  uint32_t duplicate = 0;
  uint32_t clamped = 0;
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
  // Counts a batch the stateless checks rejected before it reached the ledger.
  void NoteInvalidBatch(size_t samples) {
    ++stats_.batches_rejected;
    stats_.samples_rejected += samples;
  }
  const LedgerStats& stats() const { return stats_; }

 private:
  struct JobState;
  struct SourceState;
  struct Op;
  struct Resolved;

  Ledger(Store& store, const LedgerOptions& options);
  absl::Status Load();
  absl::Status ReplayRecord(absl::string_view key, absl::string_view value);
  SourceState& SourceFor(absl::string_view source_id);

  absl::Status Submit(Op& op);
  void CommitLoop();
  void CommitGroup(std::vector<Op*>& group);
  void ApplyBatch(Op& op, WriteBatch& wb);
  void ApplyRegister(Op& op, WriteBatch& wb);
  void ApplyEnd(Op& op, WriteBatch& wb);
  absl::Status Checkpoint();
  void WalSyncLoop();

  Store& store_;
  const LedgerOptions options_;
  LedgerStats stats_;

  // State, guarded by state_mu_; only the committer thread mutates it.
  mutable std::mutex state_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<JobState>> jobs_;
  absl::btree_map<absl::string_view, JobState*> job_order_;  // keys point into JobState
  absl::flat_hash_map<std::string, std::unique_ptr<SourceState>> sources_;
  std::vector<JobState*> dirty_jobs_;
  std::vector<SourceState*> dirty_sources_;
  uint64_t next_record_ = 1;
  uint64_t generation_ = 0;               // per checked batch, for scratch fields
  std::vector<Resolved> resolved_;         // reused by ApplyBatch
  std::string record_buf_;                 // reused by ApplyBatch
  absl::Time last_checkpoint_ = absl::InfinitePast();

  // The request queue.
  std::mutex queue_mu_;
  std::condition_variable queue_work_;
  std::condition_variable queue_space_;
  std::deque<Op*> queue_;
  bool stopping_ = false;

  std::atomic<bool> failed_{false};
  std::thread committer_;
  std::thread wal_syncer_;
  std::mutex wal_mu_;
  std::condition_variable wal_cv_;
  bool wal_stop_ = false;
};

}  // namespace redflag
