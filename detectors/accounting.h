// Accelerator-time accounting for one job: how an accepted sample's window is
// fitted to the job's lifetime and what it adds to the job's running totals.
// Pure functions: no I/O, no threads.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag::detectors {

// A holding account: busy accelerator time that maps to no job (remote
// write's unattributed time, per cluster), counted exactly once like a job's
// but no customer's, so the ledger's SnapshotJobs (every figure, rule and
// report) leaves it out. The public API cannot name one (validation refuses
// the prefix).
inline constexpr absl::string_view kHoldingAccountPrefix = "unattributed/";
inline bool IsHoldingAccount(absl::string_view job_id) {
  return job_id.substr(0, kHoldingAccountPrefix.size()) == kHoldingAccountPrefix;
}

// A half-open event-time window [start_ms, end_ms) in Unix milliseconds.
struct Window {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t length_ms() const { return end_ms - start_ms; }
};

enum class Fit {
  kInside,       // the window lies within the job's lifetime
  kClamped,      // it overhung the start or end and was cut to fit
  kBeforeStart,  // it ends at or before the job started
  kAfterEnd,     // it starts at or after the job ended
};

// Fits `w` to the job's lifetime [job_start_ms, job_end_ms); job_end_ms == 0
// means the job is still running. Clamping never lengthens a window, so the
// totals can only err towards less, never count time outside the job.
Fit FitToJob(int64_t job_start_ms, int64_t job_end_ms, Window& w);

// Accelerator-milliseconds of a sample's window: active accelerators x its
// length, x the share of an accelerator each is (rounded to the ms) when the
// sample gives one.
inline uint64_t AcceleratorMs(const redflag::v1::Sample& sample, const Window& w) {
  const uint64_t whole =
      static_cast<uint64_t>(sample.active_accelerators()) * static_cast<uint64_t>(w.length_ms());
  if (!sample.has_accelerator_share()) return whole;
  return static_cast<uint64_t>(
      std::llround(static_cast<double>(whole) * sample.accelerator_share()));
}

// A job's running totals as plain numbers: the ledger keeps one per job in
// memory and adds to it per sample, so it must be cheap to update. The API
// and the checkpoints use the v1::JobTotals message (ToProto / FromProto).
struct Totals {
  static constexpr int kPrecisions = redflag::v1::Precision_ARRAYSIZE;

  uint64_t samples = 0;
  uint64_t accelerator_ms = 0;
  uint64_t tokens = 0;
  int64_t first_window_start_ms = 0;  // valid once samples > 0
  int64_t last_window_end_ms = 0;
  uint64_t clamped_samples = 0;
  uint64_t tensor_measured_accelerator_ms = 0;
  double tensor_active_accelerator_ms = 0;
  uint64_t sm_measured_accelerator_ms = 0;
  double sm_active_accelerator_ms = 0;
  double reported_operations = 0;
  uint64_t reported_accelerator_ms = 0;
  std::array<uint64_t, kPrecisions> accelerator_ms_by_precision{};
};

redflag::v1::JobTotals ToProto(const Totals& t);
// ToProto into an existing message, reusing its memory.
void FillProto(const Totals& t, redflag::v1::JobTotals& p);
Totals FromProto(const redflag::v1::JobTotals& p);

// Adds an accepted sample, with its fitted window, to `totals`. The caller has
// checked that no integer total overflows (see WouldOverflow). Inline: the
// ledger calls it once per sample.
inline void AddSample(const redflag::v1::Sample& sample, const Window& fitted,
                      redflag::v1::Precision job_precision, bool clamped, Totals& t) {
  const uint64_t acc_ms = AcceleratorMs(sample, fitted);
  if (t.samples == 0 || fitted.start_ms < t.first_window_start_ms) {
    t.first_window_start_ms = fitted.start_ms;
  }
  t.last_window_end_ms =
      t.samples == 0 ? fitted.end_ms : std::max(t.last_window_end_ms, fitted.end_ms);
  ++t.samples;
  t.accelerator_ms += acc_ms;
  if (clamped) ++t.clamped_samples;
  if (sample.has_tensor_active()) {
    t.tensor_measured_accelerator_ms += acc_ms;
    t.tensor_active_accelerator_ms += sample.tensor_active() * static_cast<double>(acc_ms);
  }
  if (sample.has_sm_active()) {
    t.sm_measured_accelerator_ms += acc_ms;
    t.sm_active_accelerator_ms += sample.sm_active() * static_cast<double>(acc_ms);
  }
  if (sample.has_tokens_processed()) t.tokens += sample.tokens_processed();
  if (sample.has_reported_operations()) {
    t.reported_operations += sample.reported_operations();
    t.reported_accelerator_ms += acc_ms;
  }
  redflag::v1::Precision p =
      sample.precision() != redflag::v1::PRECISION_UNSPECIFIED ? sample.precision() : job_precision;
  if (!redflag::v1::Precision_IsValid(p)) p = redflag::v1::PRECISION_UNSPECIFIED;
  t.accelerator_ms_by_precision[static_cast<size_t>(p)] += acc_ms;
}

// Adds the totals of other samples (another day's, another part of the same
// job's) to `into`: sums add, the first and last windows widen.
void Merge(Totals& into, const Totals& other);

// The part of a job's totals `all` that `before` (its totals up to some day,
// a part of `all`) leaves: sums subtract (never below zero), the part starts
// no earlier than `before` ended. Nothing left is empty totals.
Totals TotalsSince(const Totals& all, const Totals& before);

// The UTC day (days since 1970-01-01) a sample counts in for point-in-time
// totals: the day of its window's last millisecond.
inline int32_t DayOfWindowEnd(int64_t end_ms) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t last = end_ms - 1;
  return static_cast<int32_t>(last >= 0 ? last / kDayMs : (last - kDayMs + 1) / kDayMs);
}

// True when adding `accelerator_ms` and `tokens` to totals would overflow.
bool WouldOverflow(const Totals& totals, uint64_t accelerator_ms, uint64_t tokens);

}  // namespace redflag::detectors
