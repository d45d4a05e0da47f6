// Sample batches: prepared by the calling thread, checked and applied by the
// committer.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "daemon/ledger/ledger_internal.h"
#include "daemon/ledger/ledger_records.pb.h"

namespace redflag {

using detectors::Fit;
using detectors::Window;
using ledger_internal::JobSlot;
using ledger_internal::kNoWindow;
using ledger_internal::kPrefetchAhead;
using ledger_internal::Prefetch;
using ledger_internal::SourceSlot;
using ledger_internal::WindowKey;
using ledger_internal::WindowState;

namespace {

// Appends to a ledger record the window the committer settled on for sample
// `index` (a LedgerRecord.Clamp in repeated field `field`), for the replay.
void AppendWindow(int field, int index, const Window& w,
                  google::protobuf::io::CodedOutputStream& out) {
  ledger::LedgerRecord::Clamp entry;
  entry.set_index(static_cast<uint32_t>(index));
  entry.set_start_unix_ms(w.start_ms);
  entry.set_end_unix_ms(w.end_ms);
  out.WriteTag(static_cast<uint32_t>(field) << 3 | 2);
  out.WriteVarint32(static_cast<uint32_t>(entry.ByteSizeLong()));
  entry.SerializeWithCachedSizes(&out);
}

}  // namespace

absl::Status Ledger::Prepare(Op& op) {
  const auto& samples = op.batch->samples();
  const int n = samples.size();
  op.resolved.resize(static_cast<size_t>(n));
  bool new_sources = false;
  {
    absl::ReaderMutexLock lock(&index_mu_);
    const ledger_internal::IndexEntry<SourceSlot>* source = nullptr;  // usually one per batch
    for (int i = 0; i < n; ++i) {
      if (i + kPrefetchAhead < n) job_index_.prefetch(samples[i + kPrefetchAhead].job_id());
      const v1::Sample& s = samples[i];
      auto job = job_index_.find(s.job_id());
      if (job == job_index_.end()) {
        return absl::NotFoundError(absl::StrCat("samples[", i, "].job_id: unknown job '",
                                                s.job_id(), "'; register it first"));
      }
      if (source == nullptr || source->slot->id != s.source_id()) {
        auto it = source_index_.find(s.source_id());
        source = it == source_index_.end() ? nullptr : &it->second;
      }
      if (source == nullptr) {
        new_sources = true;
        op.resolved[static_cast<size_t>(i)] = {job->second.slot, nullptr, 0};
      } else {
        op.resolved[static_cast<size_t>(i)] = {job->second.slot, source->slot,
                                               WindowKey(source->index, job->second.index)};
      }
    }
  }
  if (new_sources) {
    absl::MutexLock lock(&index_mu_);
    for (int i = 0; i < n; ++i) {
      Op::Resolved& r = op.resolved[static_cast<size_t>(i)];
      if (r.source != nullptr) continue;
      r.source = &SourceForLocked(samples[i].source_id());
      r.window_key = WindowKey(*r.source, *r.job);
    }
  }
  // Fields 1 and 2 of a LedgerRecord are those of the SampleBatch.
  op.batch->SerializeToString(&op.record);
  return absl::OkStatus();
}

void Ledger::ApplyBatch(Op& op, WriteBatch& wb) {
  const auto& samples = op.batch->samples();
  const int n = samples.size();
  const uint64_t gen = ++generation_;
  // Enough room that no insertion below rehashes, so WindowState pointers
  // taken in the check pass stay valid in the apply pass.
  windows_.reserve(windows_.size() + static_cast<size_t>(n));

  struct Checked {
    WindowState* window;  // null for a duplicate
    Window fitted;
    Window derived;  // before fitting: a continued window's derivation
    bool clamped;
    bool gap;  // continued after a gap over max_sample_window
  };
  std::vector<Checked> checked(static_cast<size_t>(n));
  auto reject = [&](absl::Status s) { op.status = std::move(s); };

  // Pass 1: check every sample against the state; change nothing durable.
  // (Entries created here for unseen sources or job windows are neutral.)
  for (int i = 0; i < n; ++i) {
    // Two-stage prefetch: a job's lines first, then (once its first line has
    // arrived) the window table entry if the window is not in the slot.
    if (i + kPrefetchAhead < n) {
      const char* job = reinterpret_cast<const char*>(op.resolved[i + kPrefetchAhead].job);
      Prefetch(job);
      Prefetch(job + 64);
      Prefetch(job + 192);
    }
    if (i + kPrefetchAhead / 2 < n) {
      const Op::Resolved& ahead = op.resolved[static_cast<size_t>(i + kPrefetchAhead / 2)];
      if (ahead.job->own_source != ledger_internal::SourceOf(ahead.window_key)) {
        windows_.prefetch(ahead.window_key);
      }
    }
    const v1::Sample& s = samples[i];
    JobSlot& job = *op.resolved[static_cast<size_t>(i)].job;
    SourceSlot& src = *op.resolved[static_cast<size_t>(i)].source;
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
    WindowState& ws = WindowFor(job, src.index, op.resolved[static_cast<size_t>(i)].window_key);
    if (ws.scratch_gen != gen) {
      ws.scratch_gen = gen;
      ws.scratch_end = ws.last_end;
    }
    Window w{s.window_start_unix_ms(), s.window_end_unix_ms()};
    bool gap = false;
    if (s.continues_previous() && ws.scratch_end != kNoWindow && ws.scratch_end < w.end_ms) {
      if (w.end_ms - ws.scratch_end <= max_window_ms_) {
        w.start_ms = ws.scratch_end;
      } else {
        gap = true;  // not assumed busy: the window given for a first point
      }
    }
    const Window derived = w;
    const Fit fit = detectors::FitToJob(job.start_ms, job.end_ms, w);

    if (s.continues_previous() &&
        (s.seq() <= src.last_seq || fit == Fit::kBeforeStart || fit == Fit::kAfterEnd)) {
      // A point of a scraped gauge: an older one is a resend, and one outside
      // the job's lifetime adds nothing. Neither is counted.
      if (s.seq() > src.last_seq) ++op.outcome.outside_job;
      checked[static_cast<size_t>(i)] = {nullptr, w, w, false, false};
      continue;
    }
    if (s.seq() <= src.last_seq) {
      // Seen before: a replay must lie within what this source already
      // delivered for the job; otherwise the source reset its sequence.
      if (fit == Fit::kBeforeStart || fit == Fit::kAfterEnd || ws.last_end == kNoWindow ||
          w.end_ms > ws.last_end) {
        return reject(absl::FailedPreconditionError(
            absl::StrCat("samples[", i, "].seq: ", s.seq(), " is at or below source '",
                         s.source_id(), "' watermark ", src.last_seq,
                         " but the window is new: a restarted source must use a new source_id")));
      }
      checked[static_cast<size_t>(i)] = {nullptr, w, w, false, false};
      continue;
    }
    if (fit == Fit::kBeforeStart) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].window_end_unix_ms: the window ends at ", s.window_end_unix_ms(),
          ", before job '", s.job_id(), "' started at ", job.start_ms)));
    }
    if (fit == Fit::kAfterEnd) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].window_start_unix_ms: the window starts at ", s.window_start_unix_ms(),
          ", after job '", s.job_id(), "' ended at ", job.end_ms)));
    }
    if (s.active_accelerators() > job.accelerator_count) {
      return reject(absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].active_accelerators: ", s.active_accelerators(), " is more than job '",
          s.job_id(), "' accelerator_count (", job.accelerator_count, ")")));
    }
    if (ws.scratch_end != kNoWindow && w.start_ms < ws.scratch_end) {
      return reject(absl::InvalidArgumentError(
          absl::StrCat("samples[", i, "].window_start_unix_ms: ", w.start_ms,
                       " overlaps the previous window of source '", s.source_id(), "' for job '",
                       s.job_id(), "', which ended at ", ws.scratch_end)));
    }
    ws.scratch_end = w.end_ms;
    if (job.scratch_gen != gen) {
      job.scratch_gen = gen;
      job.pending_ms = 0;
      job.pending_tokens = 0;
    }
    job.pending_ms += detectors::AcceleratorMs(s, w);
    job.pending_tokens += s.tokens_processed();
    if (detectors::WouldOverflow(job.totals, job.pending_ms, job.pending_tokens)) {
      return reject(absl::OutOfRangeError(
          absl::StrCat("samples[", i, "]: job '", s.job_id(), "' totals would overflow")));
    }
    checked[static_cast<size_t>(i)] = {&ws, w, derived, fit == Fit::kClamped, gap};
  }

  // Pass 2: apply, and finish the ledger record with what the replay needs
  // to know: which samples were duplicates and which windows were clamped.
  google::protobuf::io::StringOutputStream stream(&op.record);
  google::protobuf::io::CodedOutputStream out(&stream);
  for (int i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) {
      const char* job = reinterpret_cast<const char*>(op.resolved[i + kPrefetchAhead].job);
      Prefetch(job + 128);
    }
    const Checked& c = checked[static_cast<size_t>(i)];
    if (c.window == nullptr) {
      // (Continued points outside their job are recorded as duplicates too:
      // the replay skips both.)
      ++op.outcome.duplicate;
      out.WriteTag(ledger::LedgerRecord::kDuplicatesFieldNumber << 3 | 0);
      out.WriteVarint32(static_cast<uint32_t>(i));
      continue;
    }
    const v1::Sample& s = samples[i];
    const Op::Resolved& r = op.resolved[static_cast<size_t>(i)];
    detectors::AddSample(s, c.fitted, r.job->precision, c.clamped, r.job->totals);
    detectors::AddSample(s, c.fitted, r.job->precision, c.clamped,
                         r.job->day_deltas.For(detectors::DayOfWindowEnd(c.fitted.end_ms)));
    MarkApplied(*r.job, *r.source, s.seq(), *c.window, c.fitted.end_ms);
    ++op.outcome.accepted;
    if (c.gap) ++op.outcome.gaps;
    if (s.continues_previous()) {
      AppendWindow(ledger::LedgerRecord::kContinuedFieldNumber, i, c.derived, out);
    }
    if (c.clamped) {
      ++op.outcome.clamped;
      AppendWindow(ledger::LedgerRecord::kClampedFieldNumber, i, c.fitted, out);
    }
  }
  out.Trim();
  if (op.outcome.accepted > 0) {
    wb.Put(Domain::kLedger, ledger_internal::RecordKey(next_record_++), op.record);
    op.wrote = true;
  }
}

WindowState& Ledger::WindowFor(JobSlot& job, uint32_t source_index, uint64_t window_key) {
  if (job.own_source == source_index) return job.own_window;
  if (job.own_source == ledger_internal::kNoSource) {
    job.own_source = source_index;
    return job.own_window;
  }
  return windows_[window_key];
}

void Ledger::MarkApplied(JobSlot& job, SourceSlot& source, uint64_t seq, WindowState& window,
                         int64_t window_end) {
  if (!job.dirty) {
    job.dirty = true;
    dirty_jobs_.push_back(&job);
  }
  source.last_seq = std::max(source.last_seq, seq);
  if (!source.dirty) {
    source.dirty = true;
    dirty_sources_.push_back(&source);
  }
  if (window.last_end == kNoWindow && &window != &job.own_window) {
    job.window_sources.push_back(source.index);
  }
  window.last_end = std::max(window.last_end, window_end);
}

}  // namespace redflag
