// Definitions shared by the ledger's source files (internal to daemon/ledger).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "daemon/ledger/ledger.h"

namespace redflag {

// One request on its way through the committer. It lives on the stack of the
// calling thread, which waits on `done`.
struct Ledger::Op {
  enum class Kind { kBatch, kRegister, kEnd };
  explicit Op(Kind k) : kind(k) {}
  const Kind kind;
  const v1::SampleBatch* batch = nullptr;
  const v1::JobSpec* spec = nullptr;
  std::string job_id;
  int64_t end_unix_ms = 0;

  // Prepared by the calling thread for a batch: per sample its job and
  // source, and the start of the ledger record (the batch's encoding).
  struct Resolved {
    JobSlot* job;
    SourceSlot* source;
    uint64_t window_key;
  };
  std::vector<Resolved> resolved;
  std::string record;

  absl::Status status;
  BatchOutcome outcome;
  RegisterOutcome registered;
  v1::Job job;
  bool wrote = false;   // added to the group's write batch
  bool queued = false;  // reached the committer, which counts its outcome
  absl::Notification done;
};

// A consistent copy of what changed since the previous checkpoint, taken by
// the committer between two groups and written by the checkpointer.
struct Ledger::CheckpointData {
  uint64_t through = 0;  // the last ledger record included
  struct JobMark {
    const JobSlot* job;
    detectors::Totals totals;
    size_t first_window;  // its windows are windows[first_window, next job's)
    // What to add to the stored totals of each day.
    std::vector<std::pair<int32_t, detectors::Totals>> days;
  };
  std::vector<JobMark> jobs;
  std::vector<std::pair<const SourceSlot*, int64_t>> windows;  // source, last end
  std::vector<std::pair<const SourceSlot*, uint64_t>> seqs;
};

namespace ledger_internal {

// Meta key of the last ledger record the checkpoint includes.
inline constexpr absl::string_view kAppliedThroughKey = "ledger_applied_through";

// How many samples ahead the hot loops prefetch.
inline constexpr int kPrefetchAhead = 8;

inline void Prefetch(const void* p) { __builtin_prefetch(p); }

}  // namespace ledger_internal
}  // namespace redflag
