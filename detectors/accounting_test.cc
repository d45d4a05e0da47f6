#include "detectors/accounting.h"

#include <gtest/gtest.h>

#include <limits>

namespace redflag::detectors {
namespace {

TEST(FitToJob, InsideOverhangingAndOutside) {
  Window w{100, 200};
  EXPECT_EQ(FitToJob(0, 0, w), Fit::kInside);
  w = {50, 150};
  EXPECT_EQ(FitToJob(100, 0, w), Fit::kClamped);
  EXPECT_EQ(w.start_ms, 100);
  EXPECT_EQ(w.end_ms, 150);
  w = {150, 250};
  EXPECT_EQ(FitToJob(100, 200, w), Fit::kClamped);
  EXPECT_EQ(w.end_ms, 200);
  w = {50, 100};  // ends exactly at the start: nothing of it is the job's
  EXPECT_EQ(FitToJob(100, 0, w), Fit::kBeforeStart);
  w = {200, 300};  // starts exactly at the end
  EXPECT_EQ(FitToJob(100, 200, w), Fit::kAfterEnd);
  w = {0, 1000};  // covers the whole job
  EXPECT_EQ(FitToJob(100, 200, w), Fit::kClamped);
  EXPECT_EQ(w.length_ms(), 100);
}

// Two samples touching every total: 8 accelerators with tensor activity and
// tokens at the job's precision, 4 with SM activity and reported operations
// at FP8.
std::pair<v1::Sample, v1::Sample> TwoSamples() {
  v1::Sample a;
  a.set_active_accelerators(8);
  a.set_tensor_active(0.5);
  a.set_tokens_processed(1000);
  v1::Sample b;
  b.set_active_accelerators(4);
  b.set_sm_active(0.25);
  b.set_reported_operations(1e15);
  b.set_precision(v1::PRECISION_FP8);
  return {a, b};
}

TEST(AddSample, SumsEveryTotalByHand) {
  Totals t;
  const auto [a, b] = TwoSamples();
  AddSample(a, Window{1000, 61000}, v1::PRECISION_BF16, false, t);
  AddSample(b, Window{61000, 121000}, v1::PRECISION_BF16, true, t);

  EXPECT_EQ(t.samples, 2u);
  EXPECT_EQ(t.accelerator_ms, 8u * 60000 + 4u * 60000);
  EXPECT_EQ(t.tensor_measured_accelerator_ms, 8u * 60000);
  EXPECT_DOUBLE_EQ(t.tensor_active_accelerator_ms, 0.5 * 8 * 60000);
  EXPECT_EQ(t.sm_measured_accelerator_ms, 4u * 60000);
  EXPECT_DOUBLE_EQ(t.sm_active_accelerator_ms, 0.25 * 4 * 60000);
  EXPECT_EQ(t.tokens, 1000u);
  EXPECT_DOUBLE_EQ(t.reported_operations, 1e15);
  EXPECT_EQ(t.reported_accelerator_ms, 4u * 60000);
  // a ran at the job's precision (BF16), b at its own (FP8).
  EXPECT_EQ(t.accelerator_ms_by_precision[v1::PRECISION_BF16], 8u * 60000);
  EXPECT_EQ(t.accelerator_ms_by_precision[v1::PRECISION_FP8], 4u * 60000);
  EXPECT_EQ(t.first_window_start_ms, 1000);
  EXPECT_EQ(t.last_window_end_ms, 121000);
  EXPECT_EQ(t.clamped_samples, 1u);
}

// A MIG slice counts as its share of a GPU: 3 of an H100's 7 compute
// slices for 15 s is 6,428.57 accelerator-ms, rounded to 6,429.
TEST(AddSample, AShareOfAnAcceleratorCountsAsThatShare) {
  Totals t;
  v1::Sample s;
  s.set_active_accelerators(1);
  s.set_accelerator_share(3.0 / 7);
  s.set_tensor_active(0.5);
  AddSample(s, Window{0, 15000}, v1::PRECISION_BF16, false, t);
  EXPECT_EQ(t.accelerator_ms, 6429u);
  EXPECT_EQ(t.tensor_measured_accelerator_ms, 6429u);
  EXPECT_DOUBLE_EQ(t.tensor_active_accelerator_ms, 0.5 * 6429);
  s.clear_accelerator_share();
  EXPECT_EQ(AcceleratorMs(s, Window{0, 15000}), 15000u);
}

TEST(AddSample, OutOfOrderWindowsKeepFirstAndLast) {
  Totals t;
  v1::Sample s;
  s.set_active_accelerators(1);
  AddSample(s, Window{5000, 6000}, v1::PRECISION_UNSPECIFIED, false, t);
  AddSample(s, Window{1000, 2000}, v1::PRECISION_UNSPECIFIED, false, t);
  EXPECT_EQ(t.first_window_start_ms, 1000);
  EXPECT_EQ(t.last_window_end_ms, 6000);
}

// Totals kept per day and merged are the totals kept whole: samples split
// over any parts add up to the same figures.
TEST(Merge, PartsAddUpToTheWhole) {
  const auto [a, b] = TwoSamples();
  Totals whole, day1, day2, merged;
  AddSample(a, Window{5000, 6000}, v1::PRECISION_BF16, false, whole);
  AddSample(b, Window{1000, 2000}, v1::PRECISION_BF16, true, whole);
  AddSample(a, Window{5000, 6000}, v1::PRECISION_BF16, false, day2);
  AddSample(b, Window{1000, 2000}, v1::PRECISION_BF16, true, day1);
  Merge(merged, day2);
  Merge(merged, Totals());  // an empty part changes nothing
  Merge(merged, day1);
  EXPECT_EQ(ToProto(merged).SerializeAsString(), ToProto(whole).SerializeAsString());
}

// The totals since a day are the whole less the days before it: what a
// rolling window counts.
TEST(TotalsSince, TheWholeLessThePartBeforeIsThePartAfter) {
  const auto [a, b] = TwoSamples();
  Totals whole, before, after;
  AddSample(b, Window{1000, 2000}, v1::PRECISION_BF16, true, before);
  AddSample(a, Window{5000, 6000}, v1::PRECISION_BF16, false, after);
  Merge(whole, before);
  Merge(whole, after);
  Totals since = TotalsSince(whole, before);
  // The part after starts where `before` ended (its own first window is not kept).
  EXPECT_EQ(since.first_window_start_ms, 2000);
  since.first_window_start_ms = after.first_window_start_ms;
  EXPECT_EQ(ToProto(since).SerializeAsString(), ToProto(after).SerializeAsString());
  // Nothing before: the whole; everything before: nothing.
  EXPECT_EQ(ToProto(TotalsSince(whole, Totals())).SerializeAsString(),
            ToProto(whole).SerializeAsString());
  EXPECT_EQ(TotalsSince(whole, whole).samples, 0u);
  EXPECT_EQ(TotalsSince(whole, whole).accelerator_ms, 0u);
  // A `before` larger than the whole (a bad day record) never goes negative.
  EXPECT_EQ(TotalsSince(before, whole).samples, 0u);
}

TEST(DayOfWindowEnd, ASampleCountsOnTheDayOfItsLastMillisecond) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t oct1 = 20362 * kDay;       // 2025-10-01T00:00:00Z
  EXPECT_EQ(DayOfWindowEnd(oct1), 20361);  // [23:00, 24:00) of Sep 30 ends at midnight
  EXPECT_EQ(DayOfWindowEnd(oct1 + 1), 20362);
  EXPECT_EQ(DayOfWindowEnd(oct1 + kDay), 20362);
}

TEST(Totals, SurviveTheProtoRoundTrip) {
  Totals t;
  v1::Sample s;
  s.set_active_accelerators(3);
  s.set_tensor_active(0.25);
  s.set_sm_active(0.5);
  s.set_tokens_processed(77);
  s.set_reported_operations(2.5e12);
  s.set_precision(v1::PRECISION_TF32);
  AddSample(s, Window{10, 1010}, v1::PRECISION_BF16, true, t);
  const v1::JobTotals p = ToProto(t);
  EXPECT_EQ(p.accelerator_ms(), 3000u);
  EXPECT_EQ(p.accelerator_ms_by_precision(v1::PRECISION_TF32), 3000u);
  EXPECT_EQ(ToProto(FromProto(p)).SerializeAsString(), p.SerializeAsString());
}

TEST(WouldOverflow, GuardsIntegerTotals) {
  Totals t;
  t.accelerator_ms = std::numeric_limits<uint64_t>::max() - 10;
  EXPECT_FALSE(WouldOverflow(t, 10, 0));
  EXPECT_TRUE(WouldOverflow(t, 11, 0));
  t.tokens = std::numeric_limits<uint64_t>::max();
  EXPECT_TRUE(WouldOverflow(t, 0, 1));
}

}  // namespace
}  // namespace redflag::detectors
