// The ledger's in-memory state (internal to daemon/ledger).
//
// Laid out for the committer's hot loop: with 100,000 jobs nearly every
// sample touches a job that is not in cache, so what a sample's checks read
// sits in the first cache line of its JobSlot and window states live in one
// flat table keyed by two integers, both prefetched a few samples ahead.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/strings/string_view.h"
#include "detectors/accounting.h"
#include "redflag/v1/jobs.pb.h"

namespace redflag::ledger_internal {

inline constexpr int64_t kNoWindow = std::numeric_limits<int64_t>::min();
inline constexpr uint32_t kNoSource = std::numeric_limits<uint32_t>::max();
inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

// What samples applied since the last checkpoint add to each UTC day's totals
// (detectors::DayOfWindowEnd). Nearly always one day: kept inline; others
// (late or historical samples) in a list.
struct DayDeltas {
  int32_t day = kNoDay;
  detectors::Totals totals;
  std::vector<std::pair<int32_t, detectors::Totals>> other_days;

  detectors::Totals& For(int32_t d) {
    if (day == d || day == kNoDay) {
      day = d;
      return totals;
    }
    for (auto& [other, t] : other_days) {
      if (other == d) return t;
    }
    return other_days.emplace_back(d, detectors::Totals()).second;
  }
};

// Per (source, job): the end of the latest window, for the overlap check.
struct WindowState {
  int64_t last_end = kNoWindow;
  int64_t scratch_end = kNoWindow;
  uint64_t scratch_gen = 0;
};

struct alignas(64) JobSlot {
  JobSlot(uint32_t index, const v1::JobSpec& job_spec)
      : start_ms(job_spec.start_unix_ms()),
        accelerator_count(job_spec.accelerator_count()),
        precision(job_spec.precision()),
        index(index),
        id(job_spec.job_id()),
        spec(job_spec) {}

  // Read by every sample's checks (first cache line).
  const int64_t start_ms;
  int64_t end_ms = 0;  // 0 while running
  const uint32_t accelerator_count;
  const v1::Precision precision;
  const uint32_t index;  // position in the ledger's job table
  bool dirty = false;    // totals changed since the last checkpoint
  // What the batch being checked would add (valid while scratch_gen matches).
  uint64_t scratch_gen = 0;
  uint64_t pending_ms = 0;
  uint64_t pending_tokens = 0;
  // The source whose window lives in the slot itself: most jobs are reported
  // by one source (a node agent, a bridge), and then no table is consulted.
  uint32_t own_source = kNoSource;

  detectors::Totals totals;  // bytes 64-223
  WindowState own_window;    // bytes 224-247: the first 256 bytes hold all a sample needs
  DayDeltas day_deltas;      // since the last checkpoint, for point-in-time totals

  // Other sources with a window for this job (SourceSlot::index), whose state
  // is in the ledger's window table.
  std::vector<uint32_t> window_sources;
  // The ledger record its stored checkpoint includes; replay skips up to it.
  uint64_t checkpoint_through = 0;
  const std::string id;
  const v1::JobSpec spec;
};

struct SourceSlot {
  SourceSlot(uint32_t index, absl::string_view source_id) : index(index), id(source_id) {}
  const uint32_t index;
  const std::string id;
  uint64_t last_seq = 0;  // highest sequence number applied
  bool dirty = false;
  uint64_t scratch_gen = 0;
  uint64_t scratch_seq = 0;
};

// A value of the id indexes: the slot and, in the index itself so that no
// slot is read to build a window key, its number.
template <typename Slot>
struct IndexEntry {
  Slot* slot;
  uint32_t index;
};

inline uint64_t WindowKey(uint32_t source_index, uint32_t job_index) {
  return (static_cast<uint64_t>(source_index) << 32) | job_index;
}
inline uint64_t WindowKey(const SourceSlot& s, const JobSlot& j) {
  return WindowKey(s.index, j.index);
}
inline uint32_t SourceOf(uint64_t window_key) { return static_cast<uint32_t>(window_key >> 32); }

// ---- storage keys and values ------------------------------------------------

// Ledger records: big-endian record numbers, so key order is commit order.
inline std::string RecordKey(uint64_t n) {
  std::string k(8, '\0');
  absl::big_endian::Store64(k.data(), n);
  return k;
}
inline uint64_t RecordNumber(absl::string_view key) {
  return key.size() == 8 ? absl::big_endian::Load64(key.data()) : 0;
}

// Watermarks: source_id -> its last seq, 8 bytes big-endian.
inline std::string Fixed64(uint64_t v) {
  std::string s(8, '\0');
  absl::big_endian::Store64(s.data(), v);
  return s;
}

}  // namespace redflag::ledger_internal
