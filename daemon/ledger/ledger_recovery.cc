// Start-up: jobs, the last checkpoint, then the ledger records after it.
#include <algorithm>

#include "absl/base/internal/endian.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/ledger/ledger_internal.h"
#include "daemon/ledger/ledger_records.pb.h"
#include "daemon/log/log.h"

namespace redflag {

using detectors::Window;
using ledger_internal::RecordKey;
using ledger_internal::RecordNumber;

namespace {

absl::Status Unreadable(Domain d, absl::string_view key, absl::string_view what) {
  return absl::DataLossError(absl::StrCat(DomainName(d), "/", absl::CHexEscape(key), ": ", what));
}

}  // namespace

absl::Status Ledger::Load() {
  std::lock_guard<std::mutex> lock(state_mu_);
  absl::MutexLock index_lock(&index_mu_);
  absl::Status bad;
  absl::Status s =
      store_.Scan(Domain::kJobs, "", "", [&](absl::string_view k, absl::string_view v) {
        v1::Job job;
        if (!job.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          bad = Unreadable(Domain::kJobs, k, "unreadable record");
          return false;
        }
        job_slots_.push_back(
            std::make_unique<JobSlot>(static_cast<uint32_t>(job_slots_.size()), job.spec()));
        JobSlot* slot = job_slots_.back().get();
        slot->end_ms = job.end_unix_ms();
        job_index_.emplace(slot->id, ledger_internal::IndexEntry<JobSlot>{slot, slot->index});
        job_order_.emplace(slot->id, slot);
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  s = store_.Scan(Domain::kTotals, "", "", [&](absl::string_view k, absl::string_view v) {
    bad = LoadJobCheckpoint(k, v);
    return bad.ok();
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  s = store_.Scan(Domain::kWatermarks, "", "", [&](absl::string_view k, absl::string_view v) {
    if (k.empty() || v.size() != 8) {
      bad = Unreadable(Domain::kWatermarks, k, "unreadable record");
      return false;
    }
    SourceForLocked(k).last_seq = absl::big_endian::Load64(v.data());
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  absl::StatusOr<std::optional<std::string>> through =
      store_.Get(Domain::kMeta, ledger_internal::kAppliedThroughKey);
  if (!through.ok()) return through.status();
  const uint64_t applied = through->has_value() ? RecordNumber(**through) : 0;
  next_record_ = applied + 1;
  s = store_.Scan(Domain::kLedger, "", RecordKey(next_record_),
                  [&](absl::string_view k, absl::string_view v) {
                    bad = ReplayRecord(k, v);
                    return bad.ok();
                  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;

  stats_.jobs = job_slots_.size();
  stats_.sources = source_slots_.size();
  log::Info("ledger loaded", {{"jobs", absl::StrCat(job_slots_.size())},
                              {"sources", absl::StrCat(source_slots_.size())},
                              {"checkpoint_record", absl::StrCat(applied)},
                              {"replayed_records", absl::StrCat(stats_.replayed_records.load())}});
  return absl::OkStatus();
}

// Caller holds both locks.
absl::Status Ledger::LoadJobCheckpoint(absl::string_view key, absl::string_view value) {
  JobSlot* job = FindJob(key);
  ledger::JobCheckpoint record;
  if (job == nullptr || !record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return Unreadable(Domain::kTotals, key, "unreadable or orphaned record");
  }
  job->totals = detectors::FromProto(record.totals());
  job->checkpoint_through = record.through();
  for (const auto& w : record.windows()) {
    SourceSlot& src = SourceForLocked(w.source_id());
    WindowState& state = WindowFor(*job, src.index, ledger_internal::WindowKey(src, *job));
    if (state.last_end == ledger_internal::kNoWindow && &state != &job->own_window) {
      job->window_sources.push_back(src.index);
    }
    state.last_end = w.last_end_unix_ms();
  }
  return absl::OkStatus();
}

// Caller holds both locks.
absl::Status Ledger::ReplayRecord(absl::string_view key, absl::string_view value) {
  const uint64_t number = RecordNumber(key);
  ledger::LedgerRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("ledger record ", number, ": unreadable record"));
  }
  const int n = record.samples_size();
  std::vector<bool> duplicate(static_cast<size_t>(n), false);
  std::vector<Window> window(static_cast<size_t>(n));
  std::vector<bool> clamped(static_cast<size_t>(n), false);
  for (int i = 0; i < n; ++i) {
    window[static_cast<size_t>(i)] = {record.samples(i).window_start_unix_ms(),
                                      record.samples(i).window_end_unix_ms()};
  }
  for (uint32_t i : record.duplicates()) {
    if (i < duplicate.size()) duplicate[i] = true;
  }
  for (const auto& c : record.continued()) {
    if (c.index() < window.size()) window[c.index()] = {c.start_unix_ms(), c.end_unix_ms()};
  }
  for (const auto& c : record.clamped()) {
    if (c.index() < clamped.size()) {
      clamped[c.index()] = true;
      window[c.index()] = {c.start_unix_ms(), c.end_unix_ms()};
    }
  }
  for (int i = 0; i < n; ++i) {
    if (duplicate[static_cast<size_t>(i)]) continue;
    const v1::Sample& s = record.samples(i);
    JobSlot* job = FindJob(s.job_id());
    if (job == nullptr) {
      return absl::DataLossError(
          absl::StrCat("ledger record ", number, ": sample of unknown job '", s.job_id(), "'"));
    }
    const Window& w = window[static_cast<size_t>(i)];
    // A job's checkpoint may be newer than the global position (checkpoints
    // are written in parts): its totals already include such samples. The
    // watermarks only ever move forward, so they take every sample.
    if (number > job->checkpoint_through) {
      detectors::AddSample(s, w, job->precision, clamped[static_cast<size_t>(i)], job->totals);
      detectors::AddSample(s, w, job->precision, clamped[static_cast<size_t>(i)],
                           job->day_deltas.For(detectors::DayOfWindowEnd(w.end_ms)));
    }
    SourceSlot& src = SourceForLocked(s.source_id());
    MarkApplied(*job, src, s.seq(),
                WindowFor(*job, src.index, ledger_internal::WindowKey(src, *job)), w.end_ms);
  }
  next_record_ = number + 1;
  ++stats_.replayed_records;
  return absl::OkStatus();
}

}  // namespace redflag
