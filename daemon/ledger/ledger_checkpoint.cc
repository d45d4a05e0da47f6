// Checkpoints: the committer copies what changed (a few milliseconds under the
// state lock), the checkpointer thread encodes and writes it with the number
// of the last ledger record it includes, and then drops the files of the
// records it covers.
#include <set>

#include "absl/time/civil_time.h"
#include "daemon/ledger/job_day_keys.h"
#include "daemon/ledger/ledger_internal.h"
#include "daemon/ledger/ledger_records.pb.h"
#include "daemon/log/log.h"

namespace redflag {
namespace {
constexpr size_t kCheckpointChunk = 1000;  // store operations per write
}  // namespace

using ledger_internal::Fixed64;
using ledger_internal::kAppliedThroughKey;
using ledger_internal::RecordKey;

std::unique_ptr<Ledger::CheckpointData> Ledger::TakeCheckpoint() {
  std::lock_guard<std::mutex> lock(state_mu_);
  last_checkpoint_ = absl::Now();
  auto data = std::make_unique<CheckpointData>();
  data->through = next_record_ - 1;
  data->jobs.reserve(dirty_jobs_.size());
  {
    absl::ReaderMutexLock index_lock(&index_mu_);
    for (JobSlot* job : dirty_jobs_) {
      data->jobs.push_back({job, job->totals, data->windows.size(), {}});
      ledger_internal::DayDeltas& d = job->day_deltas;
      if (d.day != ledger_internal::kNoDay) {
        auto& days = data->jobs.back().days;
        days.emplace_back(d.day, d.totals);
        for (auto& other : d.other_days) days.push_back(std::move(other));
        d = ledger_internal::DayDeltas();
      }
      if (job->own_source != ledger_internal::kNoSource &&
          job->own_window.last_end != ledger_internal::kNoWindow) {
        data->windows.emplace_back(source_slots_[job->own_source].get(), job->own_window.last_end);
      }
      for (uint32_t source : job->window_sources) {
        const SourceSlot* src = source_slots_[source].get();
        auto it = windows_.find(ledger_internal::WindowKey(*src, *job));
        if (it != windows_.end()) data->windows.emplace_back(src, it->second.last_end);
      }
      job->dirty = false;
    }
  }
  data->seqs.reserve(dirty_sources_.size());
  for (SourceSlot* src : dirty_sources_) {
    data->seqs.emplace_back(src, src->last_seq);
    src->dirty = false;
  }
  dirty_jobs_.clear();
  dirty_sources_.clear();
  return data;
}

absl::Status Ledger::WriteCheckpoint(const CheckpointData& data) {
  // Written in several store writes, so that none holds up the committer's
  // writes for long: each job's record says which ledger record it includes
  // (replay skips up to there), and the position that replay starts from is
  // in the last write.
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  auto flush = [&]() -> absl::Status {
    absl::Status s = store_.Write(*wb, /*sync=*/false, WriteClass::kMaintenance);
    ++stats_.store_writes;
    wb = store_.NewBatch();
    return s;
  };
  ledger::JobCheckpoint record;
  std::string value;
  for (size_t i = 0; i < data.jobs.size(); ++i) {
    const CheckpointData::JobMark& mark = data.jobs[i];
    const size_t end =
        i + 1 < data.jobs.size() ? data.jobs[i + 1].first_window : data.windows.size();
    record.Clear();
    record.set_through(data.through);
    detectors::FillProto(mark.totals, *record.mutable_totals());
    for (size_t w = mark.first_window; w < end; ++w) {
      auto* window = record.add_windows();
      window->set_source_id(data.windows[w].first->id);
      window->set_last_end_unix_ms(data.windows[w].second);
    }
    value.clear();
    record.SerializeToString(&value);
    wb->Put(Domain::kTotals, mark.job->id, value);
    // The job's days go in the same write as its totals, so that both
    // include exactly the records up to `through`.
    for (const auto& [day, delta] : mark.days) {
      absl::StatusOr<detectors::Totals> stored = StoredDay(mark.job, day);
      if (!stored.ok()) return stored.status();
      detectors::Merge(*stored, delta);
      last_day_[mark.job] = {day, *stored};
      value.clear();
      detectors::ToProto(*stored).SerializeToString(&value);
      wb->Put(Domain::kJobDays, JobDayKey(mark.job->id, day), value);
    }
    if (wb->Count() >= kCheckpointChunk) {
      if (absl::Status s = flush(); !s.ok()) return s;
    }
  }
  for (const auto& [src, seq] : data.seqs) {
    wb->Put(Domain::kWatermarks, src->id, Fixed64(seq));
    if (wb->Count() >= kCheckpointChunk) {
      if (absl::Status s = flush(); !s.ok()) return s;
    }
  }
  wb->Put(Domain::kMeta, kAppliedThroughKey, RecordKey(data.through));
  if (absl::Status s = flush(); !s.ok()) return s;
  ++stats_.checkpoints;
  // The records this checkpoint covers are no longer needed for recovery.
  // Their files are dropped whole (never rewritten), but only once the
  // checkpoint is on stable storage: were it lost in a power failure, the
  // replay would need them.
  if (data.through > pruned_through_) {
    if (absl::Status s = store_.SyncWal(); !s.ok()) return s;
    if (absl::Status s =
            store_.DropFilesInRange(Domain::kLedger, RecordKey(0), RecordKey(data.through + 1));
        !s.ok()) {
      return s;
    }
    pruned_through_ = data.through;
  }
  return absl::OkStatus();
}

absl::StatusOr<detectors::Totals> Ledger::StoredDay(const JobSlot* job, int32_t day) {
  auto cached = last_day_.find(job);
  if (cached != last_day_.end() && cached->second.first == day) return cached->second.second;
  absl::StatusOr<std::optional<std::string>> value =
      store_.Get(Domain::kJobDays, JobDayKey(job->id, day));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return detectors::Totals();
  v1::JobTotals proto;
  if (!proto.ParseFromString(**value)) {
    return absl::DataLossError(
        absl::StrCat("job_days: unreadable totals of job '", job->id, "' for day ", day));
  }
  return detectors::FromProto(proto);
}

void Ledger::CheckpointFailed(const absl::Status& s) {
  if (s.code() != absl::StatusCode::kDataLoss) {
    Fail("checkpoint write failed", s);
    return;
  }
  // Stored data it needed (per-day totals) is unreadable. Ingestion goes on:
  // the ledger records stay, and replay after a repair covers them.
  std::lock_guard<std::mutex> lock(blocked_mu_);
  if (blocked_reason_.empty()) {
    blocked_reason_ = absl::StrCat("checkpoints stopped: ", s.message());
    log::Error("checkpoints stopped; ingestion goes on from the ledger records",
               {{"error", std::string(s.message())}});
  }
}

std::string Ledger::checkpoint_blocked_reason() const {
  std::lock_guard<std::mutex> lock(blocked_mu_);
  return blocked_reason_;
}

void Ledger::MaybeCheckpoint() {
  if (failed_ || absl::Now() - last_checkpoint_ < options_.checkpoint_interval) return;
  if (!checkpoint_blocked_reason().empty()) return;
  // Short of space even for maintenance: the records stay (replay covers
  // them) and the next interval tries again.
  if (!store_.Admits(WriteClass::kMaintenance).ok()) return;
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    if (checkpoint_busy_) return;  // the previous one is still being written
    checkpoint_busy_ = true;
  }
  std::unique_ptr<CheckpointData> data = TakeCheckpoint();
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpoint_pending_ = std::move(data);
  }
  checkpoint_cv_.notify_all();
}

void Ledger::CheckpointLoop() {
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_pending_ != nullptr; });
    if (checkpoint_pending_ == nullptr) return;
    std::unique_ptr<CheckpointData> data = std::move(checkpoint_pending_);
    lock.unlock();
    if (absl::Status s = WriteCheckpoint(*data); !s.ok()) CheckpointFailed(s);
    lock.lock();
    checkpoint_busy_ = false;
    checkpoint_cv_.notify_all();
  }
}

namespace {

// The first day of the quarter `day` is in, and the first day of the next.
std::pair<int32_t, int32_t> QuarterOf(int32_t day) {
  const absl::CivilDay d =
      absl::ToCivilDay(absl::FromUnixSeconds(int64_t{day} * 86400), absl::UTCTimeZone());
  const absl::CivilMonth first(d.year(), (d.month() - 1) / 3 * 3 + 1);
  auto to_day = [](absl::CivilMonth m) {
    return static_cast<int32_t>(absl::ToUnixSeconds(absl::FromCivil(m, absl::UTCTimeZone())) /
                                86400);
  };
  return {to_day(first), to_day(first + 3)};
}

}  // namespace

template <typename Work>
absl::Status Ledger::InCheckpointTurn(Work work) {
  {
    std::unique_lock<std::mutex> lock(checkpoint_mu_);
    checkpoint_cv_.wait(lock, [&] { return !checkpoint_busy_; });
    checkpoint_busy_ = true;
  }
  absl::Status s = work();
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpoint_busy_ = false;
  }
  checkpoint_cv_.notify_all();
  return s;
}

absl::Status Ledger::CheckpointInTurn() {
  if (failed_) return absl::UnavailableError("the ledger stopped after a storage failure");
  if (absl::Status room = store_.Admits(WriteClass::kMaintenance); !room.ok()) return room;
  if (!checkpoint_blocked_reason().empty()) {
    return absl::DataLossError(checkpoint_blocked_reason());
  }
  absl::Status s = WriteCheckpoint(*TakeCheckpoint());
  if (!s.ok()) CheckpointFailed(s);
  return s;
}

absl::StatusOr<uint64_t> Ledger::CompactDays(
    int32_t cutoff_day, const std::function<absl::Status(int32_t)>& before_quarter) {
  struct Part {
    std::string job;
    int32_t quarter_end;  // first day of the next quarter
    std::vector<std::pair<int32_t, detectors::Totals>> days;
  };
  // Every job's days of each whole quarter before the cutoff that has more
  // than its one compacted record.
  auto collect = [&](std::vector<Part>& parts) -> absl::Status {
    parts.clear();
    absl::Status s =
        ScanDays("", [&](absl::string_view job, int32_t day, const detectors::Totals& totals) {
          const int32_t end = QuarterOf(day).second;
          if (end > cutoff_day) return true;  // only whole quarters before the cutoff
          if (parts.empty() || parts.back().job != job || parts.back().quarter_end != end) {
            parts.push_back({std::string(job), end, {}});
          }
          parts.back().days.emplace_back(day, totals);
          return true;
        });
    if (!s.ok()) return s;
    std::erase_if(parts, [](const Part& p) {
      return p.days.size() == 1 && p.days[0].first == p.quarter_end - 1;
    });
    return absl::OkStatus();
  };

  // First the quarters' reports are frozen (which reads through checkpoints).
  if (absl::Status s = CheckpointNow(); !s.ok()) return s;
  std::vector<Part> parts;
  if (absl::Status s = collect(parts); !s.ok()) return s;
  std::set<int32_t> quarters;
  for (const Part& p : parts) quarters.insert(p.quarter_end);
  for (int32_t end : quarters) {
    if (absl::Status s = before_quarter(QuarterOf(end - 1).first); !s.ok()) return s;
  }

  // Then, in the checkpointer's turn after a checkpoint, with its cache of
  // stored days dropped, the days are merged: nothing else writes them now.
  uint64_t merged = 0;
  absl::Status s = InCheckpointTurn([&]() -> absl::Status {
    if (absl::Status c = CheckpointInTurn(); !c.ok()) return c;
    last_day_.clear();
    if (absl::Status c = collect(parts); !c.ok()) return c;
    for (const Part& p : parts) {
      if (!quarters.contains(p.quarter_end)) continue;  // late data: next time
      detectors::Totals all;
      std::unique_ptr<WriteBatch> wb = store_.NewBatch();
      for (const auto& [day, totals] : p.days) {
        detectors::Merge(all, totals);
        wb->Delete(Domain::kJobDays, JobDayKey(p.job, day));
      }
      wb->Put(Domain::kJobDays, JobDayKey(p.job, p.quarter_end - 1),
              detectors::ToProto(all).SerializeAsString());
      if (absl::Status w = store_.Write(*wb, /*sync=*/true, WriteClass::kMaintenance); !w.ok()) {
        return w;
      }
      merged += p.days.size() - 1;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return merged;
}

absl::Status Ledger::CheckpointNow() {
  return InCheckpointTurn([this] { return CheckpointInTurn(); });
}

void Ledger::FinalCheckpoint() {
  {
    std::unique_lock<std::mutex> lock(checkpoint_mu_);
    checkpoint_cv_.wait(lock, [&] { return !checkpoint_busy_; });
  }
  if (failed_) return;
  if (absl::Status s = WriteCheckpoint(*TakeCheckpoint()); !s.ok()) {
    log::Error("final checkpoint failed", {{"error", std::string(s.message())}});
  }
}

}  // namespace redflag
