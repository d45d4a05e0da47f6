#include "daemon/ledger/ledger.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

constexpr int64_t kT0 = 1790812800000;  // 2026-10-01T00:00:00Z
constexpr int64_t kMin = 60'000;

v1::JobSpec Job(const std::string& id, uint32_t accelerators = 8) {
  v1::JobSpec s;
  s.set_job_id(id);
  s.set_customer_id("acct-1");
  s.set_accelerator_model("NVIDIA H100 80GB HBM3");
  s.set_accelerator_count(accelerators);
  s.set_start_unix_ms(kT0);
  s.set_precision(v1::PRECISION_BF16);
  return s;
}

v1::Sample Sample(const std::string& source, uint64_t seq, const std::string& job, int64_t start,
                  int64_t end, uint32_t active = 8) {
  v1::Sample s;
  s.set_source_id(source);
  s.set_seq(seq);
  s.set_job_id(job);
  s.set_window_start_unix_ms(start);
  s.set_window_end_unix_ms(end);
  s.set_active_accelerators(active);
  return s;
}

v1::SampleBatch Batch(std::initializer_list<v1::Sample> samples) {
  v1::SampleBatch b;
  for (const auto& s : samples) *b.add_samples() = s;
  return b;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    ledger_.reset();
    LedgerOptions o;
    o.checkpoint_interval = absl::Milliseconds(checkpoint_ms_);
    auto l = Ledger::Open(store_, o);
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = std::move(*l);
  }

  uint64_t AcceleratorMs(const std::string& job) {
    auto j = ledger_->GetJob(job);
    EXPECT_TRUE(j.ok()) << j.status();
    return j.ok() ? j->totals().accelerator_ms() : 0;
  }

  int64_t checkpoint_ms_ = 1000;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, CountsAcceleratorTimeOfAcceptedSamples) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin),
                                    Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin, 4)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 2u);
  EXPECT_EQ(out->duplicate, 0u);
  EXPECT_EQ(AcceleratorMs("j1"), 8u * kMin + 4u * kMin);
}

// Unattributed time is counted like a job's, but is no customer's: every
// figure built from SnapshotJobs leaves it out.
TEST_F(LedgerTest, AHoldingAccountCountsButIsLeftOutOfSnapshots) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_->RegisterJob(Job("unattributed/east", 1)).ok());
  ASSERT_TRUE(
      ledger_->Ingest(Batch({Sample("gpu-1", 1, "unattributed/east", kT0, kT0 + kMin, 1)})).ok());
  EXPECT_EQ(AcceleratorMs("unattributed/east"), static_cast<uint64_t>(kMin));
  std::vector<Ledger::JobSnapshot> jobs = ledger_->SnapshotJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].spec->job_id(), "j1");
}

TEST_F(LedgerTest, ReplayedBatchIsAcknowledgedButNotCountedTwice) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  auto batch = Batch({Sample("src", 1, "j1", kT0, kT0 + kMin),
                      Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)});
  ASSERT_TRUE(ledger_->Ingest(batch).ok());
  auto again = ledger_->Ingest(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->accepted, 0u);
  EXPECT_EQ(again->duplicate, 2u);
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
}

TEST_F(LedgerTest, PartlyReplayedBatchCountsOnlyTheNewSamples) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)})).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin),
                                    Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 1u);
  EXPECT_EQ(out->duplicate, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
}

TEST_F(LedgerTest, UnknownJobRejectsTheWholeBatch) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  auto out = ledger_->Ingest(
      Batch({Sample("src", 1, "j1", kT0, kT0 + kMin), Sample("src", 2, "nope", kT0, kT0 + kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(out.status().message().find("samples[1].job_id"), std::string::npos) << out.status();
  EXPECT_EQ(AcceleratorMs("j1"), 0u);
  // Nothing was applied, so the first sample is still new.
  auto retry = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)}));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->accepted, 1u);
}

TEST_F(LedgerTest, OverlappingWindowsFromOneSourceAreRejected) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + 2 * kMin)})).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0 + kMin, kT0 + 3 * kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("samples[0].window_start_unix_ms"), std::string::npos)
      << out.status();
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
}

TEST_F(LedgerTest, OverlapInsideOneBatchIsRejected) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + 2 * kMin),
                                    Sample("src", 2, "j1", kT0 + kMin, kT0 + 3 * kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AcceleratorMs("j1"), 0u);
}

TEST_F(LedgerTest, DifferentSourcesMayReportTheSameWindowOfAJob) {
  // Two node agents each report their own accelerators of one job.
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1", 16)).ok());
  auto out = ledger_->Ingest(Batch({Sample("node-a", 1, "j1", kT0, kT0 + kMin, 8),
                                    Sample("node-b", 1, "j1", kT0, kT0 + kMin, 8)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
}

TEST_F(LedgerTest, SequenceNotIncreasingInsideABatchIsRejected) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 5, "j1", kT0, kT0 + kMin),
                                    Sample("src", 3, "j1", kT0 + kMin, kT0 + 2 * kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("samples[1].seq"), std::string::npos) << out.status();
}

TEST_F(LedgerTest, SourceThatResetItsSequenceIsToldToUseANewId) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_
                  ->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin),
                                  Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)}))
                  .ok());
  // seq 1 again, but for a window never delivered: not a replay.
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0 + 5 * kMin, kT0 + 6 * kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(out.status().message().find("new source_id"), std::string::npos) << out.status();
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
}

TEST_F(LedgerTest, MoreActiveAcceleratorsThanAllocatedIsRejected) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1", 8)).ok());
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin, 9)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("samples[0].active_accelerators"), std::string::npos);
}

TEST_F(LedgerTest, WindowsAreFittedToTheJobLifetime) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  // Starts a minute before the job: clamped, counted from the job start.
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0 - kMin, kT0 + kMin)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->clamped, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 8u * kMin);
  // Entirely before the start: rejected.
  auto before = ledger_->Ingest(Batch({Sample("other", 1, "j1", kT0 - 2 * kMin, kT0)}));
  EXPECT_EQ(before.status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(ledger_->EndJob("j1", kT0 + 3 * kMin).ok());
  auto overhang = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0 + 2 * kMin, kT0 + 4 * kMin)}));
  ASSERT_TRUE(overhang.ok()) << overhang.status();
  EXPECT_EQ(overhang->clamped, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 16u * kMin);
  auto after = ledger_->Ingest(Batch({Sample("src", 3, "j1", kT0 + 3 * kMin, kT0 + 4 * kMin)}));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->GetJob("j1")->totals().clamped_samples(), 2u);
}

// Points of a scraped gauge: each window runs from the previous point of the
// same source and job; the first covers the window given (one collection
// interval), as does a point after a gap longer than max_sample_window (1 h),
// which is counted. A resent point is a duplicate; a restart replays the
// derived windows exactly.
TEST_F(LedgerTest, ContinuedPointsCoverTheTimeSinceThePreviousPoint) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  constexpr int64_t kInterval = 30'000;
  auto point = [&](uint64_t at_s) {
    const int64_t at = kT0 + static_cast<int64_t>(at_s) * 1000;
    v1::Sample s = Sample("gpu-0", static_cast<uint64_t>(at), "j1", at - kInterval, at, 1);
    s.set_continues_previous(true);
    return s;
  };
  auto out = ledger_->Ingest(Batch({point(100), point(115), point(145)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 3u);
  EXPECT_EQ(AcceleratorMs("j1"), 30'000u + 15'000u + 30'000u);
  // The same request again (a sender's retry) counts nothing.
  out = ledger_->Ingest(Batch({point(100), point(115), point(145)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->duplicate, 3u);
  EXPECT_EQ(AcceleratorMs("j1"), 75'000u);
  // Two hours of silence are not assumed busy.
  out = ledger_->Ingest(Batch({point(145 + 7200), point(145 + 7210)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->gaps, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 75'000u + 30'000u + 10'000u);
  EXPECT_EQ(ledger_->stats().samples_gaps.load(), 1u);
  Reopen();  // from the checkpoint and the records after it
  EXPECT_EQ(AcceleratorMs("j1"), 115'000u);
  out = ledger_->Ingest(Batch({point(145 + 7220)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(AcceleratorMs("j1"), 125'000u);  // after the restart it goes on from the last point
  // Points after the job's end add nothing and refuse nothing else.
  ASSERT_TRUE(ledger_->EndJob("j1", kT0 + (145 + 7225) * 1000).ok());
  out = ledger_->Ingest(Batch({point(145 + 7230), point(145 + 7260)}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->accepted, 1u);  // clamped to the end: 5 s
  EXPECT_EQ(out->outside_job, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 130'000u);
}

TEST_F(LedgerTest, RegisterJobIsIdempotentAndRefusesAConflictingSpec) {
  auto first = ledger_->RegisterJob(Job("j1"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->created);
  auto again = ledger_->RegisterJob(Job("j1"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  auto conflict = ledger_->RegisterJob(Job("j1", 16));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(conflict.status().message().find("job.accelerator_count"), std::string::npos)
      << conflict.status();
}

TEST_F(LedgerTest, EndJobRules) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  EXPECT_EQ(ledger_->EndJob("nope", kT0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ledger_->EndJob("j1", kT0 - 1).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + 2 * kMin)})).ok());
  // Cannot end before a window already counted.
  EXPECT_EQ(ledger_->EndJob("j1", kT0 + kMin).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(ledger_->EndJob("j1", kT0 + 2 * kMin).ok());
  EXPECT_TRUE(ledger_->EndJob("j1", kT0 + 2 * kMin).ok());  // idempotent
  EXPECT_EQ(ledger_->EndJob("j1", kT0 + 3 * kMin).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(LedgerTest, RestartRestoresTotalsWatermarksAndJobs) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)})).ok());
  ASSERT_TRUE(ledger_->EndJob("j1", kT0 + 10 * kMin).ok());
  Reopen();
  EXPECT_EQ(AcceleratorMs("j1"), 8u * kMin);
  EXPECT_EQ(ledger_->GetJob("j1")->end_unix_ms(), kT0 + 10 * kMin);
  auto replay = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)}));
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->duplicate, 1u);
  auto overlap = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0, kT0 + kMin)}));
  EXPECT_EQ(overlap.status().code(), absl::StatusCode::kInvalidArgument);
}

// A job's first source keeps its window in the job's slot, later ones in a
// shared table; both must survive a restart, whether they come back from the
// checkpoint or from replayed records.
void ExpectEverySourcesWindowSurvivesARestart(MemoryStore& store, Ledger& ledger,
                                              bool checkpoint_first) {
  ASSERT_TRUE(ledger.RegisterJob(Job("j1", 24)).ok());
  const char* nodes[] = {"node-a", "node-b", "node-c"};
  for (const char* node : nodes) {
    ASSERT_TRUE(ledger.Ingest(Batch({Sample(node, 1, "j1", kT0, kT0 + 2 * kMin)})).ok());
  }
  if (checkpoint_first) ledger.Stop();  // writes the final checkpoint
  auto fresh = Ledger::Open(store, LedgerOptions());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->GetJob("j1")->totals().accelerator_ms(), 3u * 8 * 2 * kMin);
  for (const char* node : nodes) {
    auto overlap = (*fresh)->Ingest(Batch({Sample(node, 2, "j1", kT0 + kMin, kT0 + 3 * kMin)}));
    EXPECT_EQ(overlap.status().code(), absl::StatusCode::kInvalidArgument) << node;
    auto next = (*fresh)->Ingest(Batch({Sample(node, 3, "j1", kT0 + 2 * kMin, kT0 + 3 * kMin)}));
    EXPECT_TRUE(next.ok()) << node << ": " << next.status();
  }
}

TEST_F(LedgerTest, EverySourcesWindowOfAJobSurvivesARestartFromTheCheckpoint) {
  ExpectEverySourcesWindowSurvivesARestart(store_, *ledger_, /*checkpoint_first=*/true);
}

TEST_F(LedgerTest, EverySourcesWindowOfAJobSurvivesARestartFromReplay) {
  checkpoint_ms_ = 600'000;
  Reopen();
  ExpectEverySourcesWindowSurvivesARestart(store_, *ledger_, /*checkpoint_first=*/false);
}

TEST_F(LedgerTest, RecordsAfterTheCheckpointAreReplayedExactlyOnce) {
  // A long checkpoint interval: the samples live only in ledger records when
  // the ledger is dropped without Stop (as in a crash)...
  checkpoint_ms_ = 600'000;
  Reopen();
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  for (uint64_t i = 0; i < 5; ++i) {
    v1::Sample s = Sample("src", i + 1, "j1", kT0 + i * kMin, kT0 + (i + 1) * kMin);
    s.set_tokens_processed(1000);
    s.set_tensor_active(0.5);
    ASSERT_TRUE(ledger_->Ingest(Batch({s})).ok());
  }
  auto before = *ledger_->GetJob("j1");
  // ...and a fresh ledger over the same store rebuilds them. The first Open's
  // checkpoint ran before any sample, so everything comes from replay.
  {
    LedgerOptions o;
    auto fresh = Ledger::Open(store_, o);
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    auto after = *(*fresh)->GetJob("j1");
    EXPECT_EQ(after.totals().SerializeAsString(), before.totals().SerializeAsString());
    EXPECT_EQ(after.totals().tokens(), 5000u);
    (*fresh)->Stop();
  }
  Reopen();  // checkpoint written at Stop, plus replay: still the same
  EXPECT_EQ(ledger_->GetJob("j1")->totals().SerializeAsString(),
            before.totals().SerializeAsString());
}

// Reports read a past date's figures: totals as they stood when a day began,
// whatever arrived for later days since, and the same after a crash.
TEST_F(LedgerTest, TotalsAsOfADateCountEachSampleOnTheDayItsWindowEnds) {
  constexpr int64_t kHour = 60 * kMin;
  constexpr int64_t kDay = 24 * kHour;
  checkpoint_ms_ = 600'000;  // checkpoints only when asked or at Stop
  Reopen();
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  v1::JobSpec later = Job("j2");
  later.set_start_unix_ms(kT0 + 3 * kDay);
  ASSERT_TRUE(ledger_->RegisterJob(later).ok());
  // Day 0: one hour; across midnight (counts on day 1); day 1: one hour.
  ASSERT_TRUE(ledger_
                  ->Ingest(Batch({Sample("src", 1, "j1", kT0 + kHour, kT0 + 2 * kHour),
                                  Sample("src", 2, "j1", kT0 + 23 * kHour + 30 * kMin,
                                         kT0 + 24 * kHour + 30 * kMin),
                                  Sample("src", 3, "j1", kT0 + 25 * kHour, kT0 + 26 * kHour)}))
                  .ok());
  auto as_of = [&](int64_t t) -> std::map<std::string, uint64_t> {
    auto jobs = ledger_->SnapshotJobsAsOf(absl::FromUnixMillis(t));
    EXPECT_TRUE(jobs.ok()) << jobs.status();
    std::map<std::string, uint64_t> out;
    for (const auto& j : *jobs) out[j.spec->job_id()] = j.totals.accelerator_ms;
    return out;
  };
  const uint64_t hour8 = 8 * kHour;                            // 8 accelerators for an hour
  EXPECT_EQ(as_of(kT0), (std::map<std::string, uint64_t>{}));  // nothing had started
  EXPECT_EQ(as_of(kT0 + 1), (std::map<std::string, uint64_t>{{"j1", 0}}));
  EXPECT_EQ(as_of(kT0 + kDay), (std::map<std::string, uint64_t>{{"j1", hour8}}));
  EXPECT_EQ(as_of(kT0 + 2 * kDay), (std::map<std::string, uint64_t>{{"j1", 3 * hour8}}));

  // Later days' data changes nothing before them; j2 exists from its start.
  ASSERT_TRUE(ledger_
                  ->Ingest(Batch({Sample("src", 4, "j1", kT0 + 5 * kDay, kT0 + 5 * kDay + kHour),
                                  Sample("src2", 1, "j2", kT0 + 3 * kDay, kT0 + 3 * kDay + kHour)}))
                  .ok());
  EXPECT_EQ(as_of(kT0 + 2 * kDay), (std::map<std::string, uint64_t>{{"j1", 3 * hour8}}));
  EXPECT_EQ(as_of(kT0 + 4 * kDay),
            (std::map<std::string, uint64_t>{{"j1", 3 * hour8}, {"j2", hour8}}));
  // Up to now: the running totals exactly.
  auto all = ledger_->SnapshotJobsAsOf(absl::FromUnixMillis(kT0 + 10 * kDay));
  ASSERT_TRUE(all.ok());
  for (const auto& j : *all) {
    EXPECT_EQ(detectors::ToProto(j.totals).SerializeAsString(),
              ledger_->GetJob(j.spec->job_id())->totals().SerializeAsString());
  }

  // A sample for day 6 that only ledger records hold, then a crash: replay
  // puts it on its day, and the earlier figures stay.
  ASSERT_TRUE(
      ledger_->Ingest(Batch({Sample("src", 5, "j1", kT0 + 6 * kDay, kT0 + 6 * kDay + kHour)}))
          .ok());
  store_.set_fail_writes(true);  // the crash: nothing more reaches the store
  ledger_.reset();
  store_.set_fail_writes(false);
  Reopen();
  EXPECT_EQ(as_of(kT0 + 2 * kDay), (std::map<std::string, uint64_t>{{"j1", 3 * hour8}}));
  EXPECT_EQ(as_of(kT0 + 6 * kDay),
            (std::map<std::string, uint64_t>{{"j1", 4 * hour8}, {"j2", hour8}}));
  EXPECT_EQ(as_of(kT0 + 7 * kDay),
            (std::map<std::string, uint64_t>{{"j1", 5 * hour8}, {"j2", hour8}}));
}

// A checkpoint of many jobs takes several store writes. If the daemon dies
// between them, some jobs' stored totals already include records that the
// global replay position does not: replay must skip exactly those.
TEST_F(LedgerTest, CheckpointCutShortBetweenItsWritesIsRecoveredExactly) {
  checkpoint_ms_ = 600'000;  // only the checkpoint at Stop
  Reopen();
  constexpr int kJobs = 1500;  // more than one checkpoint write's worth
  v1::SampleBatch batch;
  for (int j = 0; j < kJobs; ++j) {
    const std::string id = absl::StrCat("j", j);
    ASSERT_TRUE(ledger_->RegisterJob(Job(id)).ok());
    *batch.add_samples() = Sample("src", static_cast<uint64_t>(j + 1), id, kT0, kT0 + kMin);
  }
  ASSERT_TRUE(ledger_->Ingest(batch).ok());
  store_.FailWritesAfter(1);  // the first checkpoint write lands, the second does not
  ledger_->Stop();
  store_.set_fail_writes(false);
  ASSERT_GT(store_.KeyCount(Domain::kTotals), 0u);
  ASSERT_LT(store_.KeyCount(Domain::kTotals), static_cast<size_t>(kJobs));

  Reopen();
  for (int j = 0; j < kJobs; ++j) {
    ASSERT_EQ(AcceleratorMs(absl::StrCat("j", j)), 8u * kMin) << "job j" << j;
  }
  // The watermarks came back too: the same batch again is all duplicates.
  auto again = ledger_->Ingest(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->duplicate, static_cast<uint32_t>(kJobs));
  EXPECT_EQ(again->accepted, 0u);
}

TEST_F(LedgerTest, CheckpointDeletesTheLedgerRecordsItCovers) {
  checkpoint_ms_ = 600'000;
  Reopen();
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        ledger_->Ingest(Batch({Sample("src", i + 1, "j1", kT0 + i * kMin, kT0 + (i + 1) * kMin)}))
            .ok());
  }
  EXPECT_EQ(store_.KeyCount(Domain::kLedger), 3u);
  ledger_->Stop();  // the final checkpoint covers all three
  EXPECT_EQ(store_.KeyCount(Domain::kLedger), 0u);
  Reopen();
  EXPECT_EQ(ledger_->stats().replayed_records.load(), 0u);
  EXPECT_EQ(AcceleratorMs("j1"), 3u * 8 * kMin);
}

TEST_F(LedgerTest, StorageWriteFailureRefusesFurtherWritesAndIsNotAcknowledged) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  store_.set_fail_writes(true);
  auto out = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(ledger_->healthy());
  store_.set_fail_writes(false);
  auto later = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)}));
  EXPECT_EQ(later.status().code(), absl::StatusCode::kUnavailable);
  // A restart recovers from what the store holds: the failed batch is absent,
  // so a retry counts it.
  Reopen();
  EXPECT_TRUE(ledger_->healthy());
  EXPECT_EQ(AcceleratorMs("j1"), 0u);
  auto retry = ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)}));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->accepted, 1u);
}

TEST_F(LedgerTest, LowDiskSpaceRefusesRetryablyChangingNothingAndWritesResumeWithoutRestart) {
  ASSERT_TRUE(ledger_->RegisterJob(Job("j1")).ok());
  ASSERT_TRUE(ledger_->Ingest(Batch({Sample("src", 1, "j1", kT0, kT0 + kMin)})).ok());
  store_.set_low_space(true);
  auto refused = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)}));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("disk space low"), std::string::npos);
  EXPECT_EQ(ledger_->RegisterJob(Job("j2")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ledger_->EndJob("j1", kT0 + 5 * kMin).status().code(), absl::StatusCode::kUnavailable);
  // Nothing of it reached memory: reads show what is durable, the ledger
  // stays healthy, and checkpoints (maintenance) still run.
  EXPECT_TRUE(ledger_->healthy());
  EXPECT_EQ(AcceleratorMs("j1"), 8u * kMin);
  EXPECT_EQ(ledger_->GetJob("j2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ledger_->GetJob("j1")->end_unix_ms(), 0);
  EXPECT_TRUE(ledger_->CheckpointNow().ok());
  // Short even for maintenance: a checkpoint is declined, not a failure.
  store_.set_low_space(true, /*maintenance=*/true);
  EXPECT_EQ(ledger_->CheckpointNow().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(ledger_->healthy());
  // Space is back: the retry is counted once, with no restart.
  store_.set_low_space(false);
  auto retry = ledger_->Ingest(Batch({Sample("src", 2, "j1", kT0 + kMin, kT0 + 2 * kMin)}));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->accepted, 1u);
  EXPECT_EQ(AcceleratorMs("j1"), 2u * 8 * kMin);
  EXPECT_TRUE(ledger_->CheckpointNow().ok());
  Reopen();
  EXPECT_EQ(AcceleratorMs("j1"), 2u * 8 * kMin);
}

TEST_F(LedgerTest, ConcurrentBatchesAreGroupedAndAllCounted) {
  constexpr int kThreads = 8, kBatches = 50;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(ledger_->RegisterJob(Job(absl::StrCat("j", t))).ok());
  }
  const uint64_t writes_before = store_.writes();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        auto out =
            ledger_->Ingest(Batch({Sample(absl::StrCat("src-", t), b + 1, absl::StrCat("j", t),
                                          kT0 + b * kMin, kT0 + (b + 1) * kMin)}));
        EXPECT_TRUE(out.ok()) << out.status();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(AcceleratorMs(absl::StrCat("j", t)), 8u * kMin * kBatches);
  }
  // Every batch is durable, and no batch needed more than one store write.
  EXPECT_LE(store_.writes() - writes_before, static_cast<uint64_t>(kThreads * kBatches) + 5);
  EXPECT_EQ(ledger_->stats().samples_accepted.load(), static_cast<uint64_t>(kThreads * kBatches));
}

TEST_F(LedgerTest, StoppedLedgerRefusesRequests) {
  ledger_->Stop();
  EXPECT_EQ(ledger_->RegisterJob(Job("j1")).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(LedgerTest, ListJobsPagesInIdOrderAndFiltersByCustomer) {
  for (const char* id : {"c", "a", "b"}) ASSERT_TRUE(ledger_->RegisterJob(Job(id)).ok());
  v1::JobSpec other = Job("d");
  other.set_customer_id("acct-2");
  ASSERT_TRUE(ledger_->RegisterJob(other).ok());
  auto page = ledger_->ListJobs("", "", 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].spec().job_id(), "a");
  EXPECT_EQ(page[1].spec().job_id(), "b");
  auto rest = ledger_->ListJobs("", "b", 10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].spec().job_id(), "c");
  auto mine = ledger_->ListJobs("acct-2", "", 10);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].spec().job_id(), "d");
}

}  // namespace
}  // namespace redflag
