#include "daemon/validation/validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace redflag {
namespace {

constexpr int64_t kT0 = 1790812800000;  // 2026-10-01T00:00:00Z
const absl::Time kNow = absl::FromUnixMillis(kT0 + 3'600'000);

v1::SampleBatch GoodBatch() {
  v1::SampleBatch b;
  v1::Sample* s = b.add_samples();
  s->set_source_id("node-1");
  s->set_seq(1);
  s->set_job_id("slurm/a/1");
  s->set_window_start_unix_ms(kT0);
  s->set_window_end_unix_ms(kT0 + 60'000);
  s->set_active_accelerators(8);
  s->set_tensor_active(0.4);
  return b;
}

// Applies `mutate` to the first sample and expects INVALID_ARGUMENT naming `field`.
void ExpectRejected(const std::function<void(v1::Sample&)>& mutate, const std::string& field) {
  v1::SampleBatch b = GoodBatch();
  mutate(*b.mutable_samples(0));
  absl::Status s = ValidateSampleBatch(b, IngestLimits(), kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(s.message().substr(0, field.size() + 1), field + ":") << s;
}

TEST(ValidateSampleBatch, AcceptsAGoodBatch) {
  EXPECT_TRUE(ValidateSampleBatch(GoodBatch(), IngestLimits(), kNow).ok());
}

TEST(ValidateSampleBatch, RejectsNanInfNegativeAndOutOfRangeRatios) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {nan, inf, -inf, -0.01, 1.01}) {
    ExpectRejected([v](v1::Sample& s) { s.set_tensor_active(v); }, "samples[0].tensor_active");
    ExpectRejected([v](v1::Sample& s) { s.set_sm_active(v); }, "samples[0].sm_active");
  }
}

TEST(ValidateSampleBatch, AnAcceleratorShareIsMoreThanNoneAndAtMostOne) {
  for (double v : {std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity(), 0.0, -0.5, 1.01}) {
    ExpectRejected([v](v1::Sample& s) { s.set_accelerator_share(v); },
                   "samples[0].accelerator_share");
  }
  v1::SampleBatch b = GoodBatch();
  b.mutable_samples(0)->set_accelerator_share(3.0 / 7);
  EXPECT_TRUE(ValidateSampleBatch(b, IngestLimits(), kNow).ok());
}

TEST(ValidateSampleBatch, RejectsBadReportedOperationsAndHugeCounters) {
  for (double v : {std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity(), -1.0, 1e31}) {
    ExpectRejected([v](v1::Sample& s) { s.set_reported_operations(v); },
                   "samples[0].reported_operations");
  }
  ExpectRejected([](v1::Sample& s) { s.set_tokens_processed(2'000'000'000'000'000'000ULL); },
                 "samples[0].tokens_processed");
  ExpectRejected([](v1::Sample& s) { s.set_active_accelerators(4'000'000'000u); },
                 "samples[0].active_accelerators");
}

TEST(ValidateSampleBatch, RejectsEmptyOrMalformedIds) {
  ExpectRejected([](v1::Sample& s) { s.set_source_id(""); }, "samples[0].source_id");
  ExpectRejected([](v1::Sample& s) { s.set_job_id(""); }, "samples[0].job_id");
  ExpectRejected([](v1::Sample& s) { s.set_job_id("has space"); }, "samples[0].job_id");
  ExpectRejected([](v1::Sample& s) { s.set_source_id(std::string(257, 'x')); },
                 "samples[0].source_id");
  ExpectRejected([](v1::Sample& s) { s.set_seq(0); }, "samples[0].seq");
}

TEST(ValidateSampleBatch, HoldingAccountsAreRedflagdsOwn) {
  ExpectRejected([](v1::Sample& s) { s.set_job_id("unattributed/east"); }, "samples[0].job_id");
  v1::SampleBatch b = GoodBatch();
  b.mutable_samples(0)->set_job_id("unattributed/east");
  EXPECT_TRUE(ValidateSampleBatch(b, IngestLimits(), kNow, HoldingAccounts::kAllowed).ok());
  // Only the prefix is reserved.
  b.mutable_samples(0)->set_job_id("k8s/unattributed/east");
  EXPECT_TRUE(ValidateSampleBatch(b, IngestLimits(), kNow).ok());
}

TEST(ValidateSampleBatch, RejectsZeroInvertedTooLongFutureAndAncientWindows) {
  ExpectRejected([](v1::Sample& s) { s.set_window_end_unix_ms(s.window_start_unix_ms()); },
                 "samples[0].window_end_unix_ms");
  ExpectRejected([](v1::Sample& s) { s.set_window_end_unix_ms(s.window_start_unix_ms() - 1); },
                 "samples[0].window_end_unix_ms");
  ExpectRejected([](v1::Sample& s) { s.set_window_end_unix_ms(kT0 + 3'600'001); },
                 "samples[0].window_end_unix_ms");
  ExpectRejected(
      [](v1::Sample& s) {
        s.set_window_start_unix_ms(kT0 + 7'200'000);  // an hour past "now"
        s.set_window_end_unix_ms(kT0 + 7'260'000);
      },
      "samples[0].window_start_unix_ms");
  ExpectRejected(
      [](v1::Sample& s) {
        s.set_window_start_unix_ms(1000);  // 1970: a seconds/milliseconds mix-up
        s.set_window_end_unix_ms(2000);
      },
      "samples[0].window_start_unix_ms");
  ExpectRejected(
      [](v1::Sample& s) {
        s.set_window_start_unix_ms(std::numeric_limits<int64_t>::min());
        s.set_window_end_unix_ms(std::numeric_limits<int64_t>::max());
      },
      "samples[0].window_start_unix_ms");
}

TEST(ValidateSampleBatch, RejectsUnknownPrecision) {
  ExpectRejected([](v1::Sample& s) { s.set_precision(static_cast<v1::Precision>(42)); },
                 "samples[0].precision");
}

TEST(ValidateSampleBatch, NamesTheIndexOfTheBadSample) {
  v1::SampleBatch b = GoodBatch();
  *b.add_samples() = b.samples(0);
  b.mutable_samples(1)->set_tensor_active(2.0);
  absl::Status s = ValidateSampleBatch(b, IngestLimits(), kNow);
  EXPECT_EQ(s.message().substr(0, 24), "samples[1].tensor_active");
}

TEST(ValidateSampleBatch, RejectsEmptyAndOversizedBatches) {
  EXPECT_EQ(ValidateSampleBatch(v1::SampleBatch(), IngestLimits(), kNow).code(),
            absl::StatusCode::kInvalidArgument);
  IngestLimits small;
  small.max_batch_samples = 2;
  v1::SampleBatch b = GoodBatch();
  for (int i = 0; i < 2; ++i) *b.add_samples() = b.samples(0);
  absl::Status s = ValidateSampleBatch(b, small, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("max_batch_samples"), std::string::npos) << s;
}

v1::JobSpec GoodJob() {
  v1::JobSpec j;
  j.set_job_id("slurm/a/1");
  j.set_customer_id("acct-1");
  j.set_accelerator_model("NVIDIA H100 80GB HBM3");
  j.set_accelerator_count(8);
  j.set_start_unix_ms(kT0);
  return j;
}

TEST(ValidateJobSpec, NamesTheBadField) {
  EXPECT_TRUE(ValidateJobSpec(GoodJob(), IngestLimits(), kNow).ok());
  struct Case {
    std::function<void(v1::JobSpec&)> mutate;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](v1::JobSpec& j) { j.clear_job_id(); }, "job.job_id"},
      {[](v1::JobSpec& j) { j.clear_customer_id(); }, "job.customer_id"},
      {[](v1::JobSpec& j) { j.clear_accelerator_model(); }, "job.accelerator_model"},
      {[](v1::JobSpec& j) { j.set_accelerator_count(0); }, "job.accelerator_count"},
      {[](v1::JobSpec& j) { j.set_start_unix_ms(0); }, "job.start_unix_ms"},
      {[](v1::JobSpec& j) { j.set_workload(static_cast<v1::WorkloadKind>(99)); }, "job.workload"},
      {[](v1::JobSpec& j) {
         j.set_model_id("m");
         j.set_parent_model_id("m");
       },
       "job.parent_model_id"},
      {[](v1::JobSpec& j) {
         j.set_declared_parameters(10);
         j.set_declared_active_parameters(11);
       },
       "job.declared_active_parameters"},
  };
  for (const auto& c : cases) {
    v1::JobSpec j = GoodJob();
    c.mutate(j);
    absl::Status s = ValidateJobSpec(j, IngestLimits(), kNow);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.message().substr(0, c.field.size()), c.field) << s;
  }
}

TEST(ValidateCustomerProfile, ChecksCountriesPercentagesAndDates) {
  v1::CustomerProfile p;
  p.set_customer_id("acct-1");
  p.set_legal_name("Example Ltd");
  p.set_headquarters_country("SG");
  EXPECT_TRUE(ValidateCustomerProfile(p).ok());
  auto expect_field = [](v1::CustomerProfile q, const std::string& field) {
    absl::Status s = ValidateCustomerProfile(q);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(s.message().substr(0, field.size()), field) << s;
  };
  v1::CustomerProfile q = p;
  q.set_headquarters_country("sg");
  expect_field(q, "profile.headquarters_country");
  q = p;
  q.set_legal_name("");
  expect_field(q, "profile.legal_name");
  q = p;
  q.add_ownership_chain()->set_owner_name("Parent");
  q.mutable_ownership_chain(0)->set_ownership_percent(120);
  expect_field(q, "profile.ownership_chain[0].ownership_percent");
  q = p;
  q.add_beneficial_owners()->set_name("A. Person");
  q.mutable_beneficial_owners(0)->set_nationality("XXX");
  expect_field(q, "profile.beneficial_owners[0].nationality");
  q = p;
  q.set_formation_date("2023-13-40");
  expect_field(q, "profile.formation_date");
  q = p;
  q.set_web_domain_registered_date("last spring");
  expect_field(q, "profile.web_domain_registered_date");
}

TEST(ValidateScreenRequest, NamesTheBadField) {
  v1::ScreenRequest r;
  EXPECT_EQ(ValidateScreenRequest(r).message(), "name: is required");
  r.set_name(std::string(1025, 'a'));
  EXPECT_EQ(ValidateScreenRequest(r).message(), "name: is longer than 1024 bytes");
  r.set_name("Сбербанк");
  EXPECT_TRUE(ValidateScreenRequest(r).ok());
  r.set_country("ru");
  EXPECT_EQ(ValidateScreenRequest(r).message(),
            "country: must be an ISO 3166-1 alpha-2 code in upper case, got 'ru'");
}

TEST(ValidateRecordAccess, NamesTheIndexAndFieldOfTheBadEvent) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  v1::RecordAccessRequest r;
  EXPECT_EQ(ValidateRecordAccess(r, IngestLimits(), now).message(), "events: is empty");
  auto good = [&] {
    v1::AccessEvent e;
    e.set_customer_id("acct-1");
    e.set_source_ip("2001:db8::1");
    e.set_country("CN");
    e.set_time_unix_ms(absl::ToUnixMillis(now) - 1000);
    return e;
  };
  *r.add_events() = good();
  EXPECT_TRUE(ValidateRecordAccess(r, IngestLimits(), now).ok());
  auto expect = [&](v1::AccessEvent e, const std::string& message) {
    v1::RecordAccessRequest q;
    *q.add_events() = good();
    *q.add_events() = e;
    EXPECT_EQ(ValidateRecordAccess(q, IngestLimits(), now).message(), message);
  };
  v1::AccessEvent e = good();
  e.set_customer_id("");
  expect(e, "events[1].customer_id: is required");
  e = good();
  e.set_source_ip("10.0.0");
  expect(e, "events[1].source_ip: must be an IPv4 or IPv6 address, got '10.0.0'");
  e = good();
  e.set_country("China");
  expect(e, "events[1].country: must be an ISO 3166-1 alpha-2 code in upper case, got 'China'");
  e = good();
  e.set_time_unix_ms(absl::ToUnixMillis(now + absl::Hours(1)));
  EXPECT_NE(
      [&] {
        v1::RecordAccessRequest q;
        *q.add_events() = e;
        return std::string(ValidateRecordAccess(q, IngestLimits(), now).message());
      }()
          .find("events[0].time_unix_ms: event time"),
      std::string::npos);
  e = good();
  e.set_channel(std::string(33, 'c'));
  expect(e, "events[1].channel: is longer than 32 bytes");
  v1::RecordAccessRequest many;
  for (int i = 0; i < 10001; ++i) *many.add_events() = good();
  EXPECT_EQ(ValidateRecordAccess(many, IngestLimits(), now).message(),
            "events: 10001 events, at most 10000");
}

v1::AlertActionRequest AlertStep(const std::string& alert_id, v1::AlertAction action) {
  v1::AlertActionRequest r;
  r.set_alert_id(alert_id);
  r.set_actor("ana");
  r.set_action(action);
  return r;
}

// What ValidateAlertAction says of `r` once `change` is made to a copy.
template <typename Change>
std::string AlertActionMessage(const v1::AlertActionRequest& r, absl::Time now, Change change) {
  v1::AlertActionRequest q = r;
  change(q);
  return std::string(ValidateAlertAction(q, now).message());
}

TEST(ValidateAlertAction, NamesTheMissingOrBadField) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  const v1::AlertActionRequest r = AlertStep("rf28/model/m/c", v1::ALERT_ACTION_ACKNOWLEDGE);
  EXPECT_TRUE(ValidateAlertAction(r, now).ok());
  auto message = [&](auto change) { return AlertActionMessage(r, now, change); };
  EXPECT_EQ(message([](auto& q) { q.set_alert_id(""); }), "alert_id: is required");
  EXPECT_EQ(message([](auto& q) { q.set_actor(""); }), "actor: is required: who takes the step");
  EXPECT_EQ(message([](auto& q) { q.set_action(v1::ALERT_ACTION_ASSIGN); }),
            "assignee: is required to assign");
  EXPECT_EQ(message([](auto& q) { q.set_action(v1::ALERT_ACTION_REOPEN); }),
            "comment: is required for this action");
  EXPECT_NE(message([](auto& q) {
              q.set_action(v1::ALERT_ACTION_RESOLVE);
            }).find("disposition: is required to resolve"),
            std::string::npos);
  EXPECT_EQ(message([&](auto& q) {
              q.set_action(v1::ALERT_ACTION_SUPPRESS);
              q.set_suppress_until_unix_ms(absl::ToUnixMillis(now) - 1);
            }),
            "suppress_until_unix_ms: must be in the future (or 0 to end it)");
  EXPECT_EQ(message([](auto& q) { q.set_action(static_cast<v1::AlertAction>(42)); }),
            "action: unknown value 42");
  EXPECT_EQ(message([](auto& q) { q.set_comment(std::string(4097, 'x')); }),
            "comment: is longer than 4096 bytes");
}

TEST(ValidateAlertAction, ALicenceObtainedNamesItsLicence) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  v1::AlertActionRequest r =
      AlertStep("adversary_linked_training/customer/c/CN", v1::ALERT_ACTION_RESOLVE);
  r.set_disposition(v1::DISPOSITION_LICENCE_OBTAINED);
  r.mutable_licence()->set_reference("D123456");
  EXPECT_TRUE(ValidateAlertAction(r, now).ok());
  r.mutable_licence()->set_expires_unix_ms(absl::ToUnixMillis(now) + 1);
  r.mutable_licence()->set_max_accelerators(512);
  EXPECT_TRUE(ValidateAlertAction(r, now).ok());
  auto message = [&](auto change) { return AlertActionMessage(r, now, change); };
  EXPECT_EQ(message([](auto& q) { q.clear_licence(); }),
            "licence.reference: is required to resolve as licence_obtained");
  EXPECT_EQ(message([](auto& q) { q.mutable_licence()->set_reference(std::string(65, 'D')); }),
            "licence.reference: is longer than 64 bytes");
  EXPECT_EQ(
      message([&](auto& q) { q.mutable_licence()->set_expires_unix_ms(absl::ToUnixMillis(now)); }),
      "licence.expires_unix_ms: must be in the future (or 0 when the licence states no end)");
  EXPECT_EQ(message([](auto& q) { q.mutable_licence()->set_expires_unix_ms(-5); }),
            "licence.expires_unix_ms: must be in the future (or 0 when the licence states no end)");
  EXPECT_EQ(message([](auto& q) { q.set_disposition(v1::DISPOSITION_FALSE_POSITIVE); }),
            "licence: is only recorded with the disposition licence_obtained");
  EXPECT_EQ(message([](auto& q) { q.set_action(v1::ALERT_ACTION_COMMENT); }),
            "licence: is only recorded when resolving");
}

TEST(ValidateAdvanceInquiry, NamesTheMissingOrBadField) {
  v1::AdvanceInquiryRequest r;
  r.set_inquiry_id("rf28/model/m/c");
  r.set_actor("ana");
  r.set_to_state(v1::INQUIRY_STATE_CUSTOMER_ASKED);
  EXPECT_TRUE(ValidateAdvanceInquiry(r).ok());
  auto message = [&](auto change) {
    v1::AdvanceInquiryRequest q = r;
    change(q);
    return std::string(ValidateAdvanceInquiry(q).message());
  };
  EXPECT_EQ(message([](auto& q) { q.set_inquiry_id(""); }), "inquiry_id: is required");
  EXPECT_EQ(message([](auto& q) { q.set_actor(""); }), "actor: is required: who takes the step");
  EXPECT_EQ(message([](auto& q) { q.set_to_state(v1::INQUIRY_STATE_OPEN); }),
            "to_state: must be customer_asked, answered or closed");
  EXPECT_NE(message([](auto& q) {
              q.set_to_state(v1::INQUIRY_STATE_ANSWERED);
            }).find("answer: is required to record the answer"),
            std::string::npos);
  EXPECT_EQ(message([](auto& q) { q.set_answer(v1::EXPORT_INTENT_NO_EXPORT); }),
            "answer: is only given with to_state answered");
}

TEST(ValidateRecordEgress, NamesTheIndexAndFieldOfTheBadEvent) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  auto good = [&] {
    v1::EgressEvent e;
    e.set_model_id("frontier-1");
    e.set_destination_country("AE");
    e.set_time_unix_ms(absl::ToUnixMillis(now) - 1000);
    return e;
  };
  auto message = [&](auto change) {
    v1::RecordEgressRequest r;
    *r.add_events() = good();
    v1::EgressEvent e = good();
    change(e);
    *r.add_events() = e;
    return std::string(ValidateRecordEgress(r, IngestLimits(), now).message());
  };
  EXPECT_EQ(message([](auto&) {}), "");
  EXPECT_EQ(message([](auto& e) { e.set_model_id(""); }), "events[1].model_id: is required");
  EXPECT_EQ(message([](auto& e) { e.set_destination_country(""); }),
            "events[1].destination_country: is required (ISO 3166-1 alpha-2 code)");
  EXPECT_EQ(
      message([](auto& e) { e.set_customer_id("has space"); }).rfind("events[1].customer_id", 0),
      0u);
  EXPECT_EQ(message([](auto& e) { e.set_checkpoint(std::string(1025, 'c')); }),
            "events[1].checkpoint: is longer than 1024 bytes");
  EXPECT_EQ(ValidateRecordEgress(v1::RecordEgressRequest(), IngestLimits(), now).message(),
            "events: is empty");
}

TEST(ValidateCluster, NamesTheMissingOrBadField) {
  v1::Cluster ok;
  ok.set_cluster_id("iad-train-1");
  ok.set_interconnect_gbit_s(400);
  v1::ClusterAccelerators* a = ok.add_accelerators();
  a->set_model("NVIDIA H100 SXM5 80GB");
  a->set_count(60000);
  EXPECT_TRUE(ValidateCluster(ok).ok());
  auto expect = [](const v1::Cluster& c, const std::string& message) {
    absl::Status s = ValidateCluster(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), message);
  };
  v1::Cluster c = ok;
  c.set_cluster_id("iad train");
  expect(c, "cluster.cluster_id: must be printable ASCII without spaces");
  c = ok;
  c.clear_accelerators();
  expect(c, "cluster.accelerators: is required (the cluster's models and counts)");
  c.set_retired(true);  // a retired cluster need not list what it had
  EXPECT_TRUE(ValidateCluster(c).ok());
  c = ok;
  *c.add_accelerators() = c.accelerators(0);
  expect(c, "cluster.accelerators[1].model: 'NVIDIA H100 SXM5 80GB' is listed twice");
  c = ok;
  c.mutable_accelerators(0)->set_count(10'000'001);
  expect(c, "cluster.accelerators[0].count: must be 1 to 10,000,000, got 10000001");
  c = ok;
  c.mutable_accelerators(0)->clear_model();
  expect(c, "cluster.accelerators[0].model: is required");
  c = ok;
  c.set_interconnect_gbit_s(std::nan(""));
  expect(c, "cluster.interconnect_gbit_s: must be 0 to 1,000,000 Gbit/s, got nan");
  c.set_interconnect_gbit_s(-1);
  expect(c, "cluster.interconnect_gbit_s: must be 0 to 1,000,000 Gbit/s, got -1");
  c = ok;
  c.set_effective_date("2014-12-31");
  expect(c,
         "cluster.effective_date: must be a date YYYY-MM-DD from 2015 to 2100, got '2014-12-31'");
  c = ok;
  c.set_datacenter("iad\n7");
  expect(c, "cluster.datacenter: contains control characters");
  c = ok;
  for (int i = 1; i <= 100; ++i) {
    v1::ClusterAccelerators* more = c.add_accelerators();
    more->set_model("model " + std::to_string(i));
    more->set_count(1);
  }
  expect(c, "cluster.accelerators: has more than 100 entries");
}

TEST(ValidateFileRecord, NeedsTheRecordAndTheAgencysReference) {
  v1::FileRecordRequest req;
  req.set_record_id("acct-gb/m-7");
  req.set_agency_reference("BIS-2026-0042");
  EXPECT_TRUE(ValidateFileRecord(req).ok());
  auto expect = [](const v1::FileRecordRequest& r, const std::string& message) {
    absl::Status s = ValidateFileRecord(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), message);
  };
  v1::FileRecordRequest r = req;
  r.clear_agency_reference();
  expect(r, "agency_reference: is required (the agency's reference for the filing)");
  r.set_agency_reference(std::string(129, 'x'));
  expect(r, "agency_reference: is longer than 128 bytes");
  r = req;
  r.clear_record_id();
  expect(r, "record_id: is required");
  r = req;
  r.set_agency_reference("BIS\x1b[2J");
  expect(r, "agency_reference: contains control characters");
}

TEST(ValidateRecordAccess, AnActionIsShortText) {
  v1::RecordAccessRequest req;
  v1::AccessEvent* e = req.add_events();
  e->set_customer_id("acct");
  e->set_source_ip("203.0.113.7");
  e->set_time_unix_ms(absl::ToUnixMillis(absl::Now()));
  e->set_action("create_instance");
  EXPECT_TRUE(ValidateRecordAccess(req, IngestLimits(), absl::Now()).ok());
  e->set_action(std::string(129, 'a'));
  EXPECT_EQ(ValidateRecordAccess(req, IngestLimits(), absl::Now()).message(),
            "events[0].action: is longer than 128 bytes");
}

}  // namespace
}  // namespace redflag
