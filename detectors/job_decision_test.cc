#include "detectors/job_decision.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

const DecisionPolicy kMay2025;  // the defaults

JobAsk Training(uint32_t accelerators = 64, bool dedicated = false) {
  return {.customer_id = "acct-1",
          .accelerators = accelerators,
          .dedicated = dedicated,
          .advanced_accelerator = true,
          .training = true};
}

CustomerStanding Profiled(std::vector<CustomerFinding> findings = {}) {
  return {.has_profile = true, .findings = std::move(findings)};
}

CustomerStanding Adversary() {
  return {.has_profile = true, .adversary_linked = true, .adversary_basis = "headquarters CN"};
}

CustomerFinding Hit(double score) {
  return {.rule = "restricted_party",
          .alert_id = "restricted_party/customer/acct-1/csl:123",
          .score = score,
          .evidence = "name matches Entity List entry 123"};
}

TEST(DecideJob, AClearCustomerIsAllowedWithNoReason) {
  JobDecision d = DecideJob(Training(), Profiled(), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.reasons.empty());
}

TEST(DecideJob, ARestrictedPartyHitAtTheBlockScoreIsDeniedJustUnderItIsNot) {
  JobDecision d = DecideJob(Training(), Profiled({Hit(0.95)}), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "restricted_party");
  EXPECT_EQ(d.reasons[0].alert_id, "restricted_party/customer/acct-1/csl:123");
  EXPECT_EQ(d.reasons[0].evidence, "name matches Entity List entry 123");
  // A hit under the block score is an alert for an analyst, not a block.
  EXPECT_EQ(DecideJob(Training(), Profiled({Hit(0.9499)}), kMay2025).verdict, Verdict::kAllow);
}

TEST(DecideJob, AFalsePositiveDispositionLiftsTheHitAndIsNamed) {
  CustomerFinding hit = Hit(0.99);
  hit.disposition = "false_positive";
  hit.resolved_by = "alice";
  JobDecision d = DecideJob(Training(), Profiled({hit}), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_TRUE(d.reasons[0].lifted);
  EXPECT_EQ(d.reasons[0].lifted_by, "false_positive by alice");
  // Any other disposition (a true positive acted on) leaves the block.
  hit.disposition = "true_positive";
  EXPECT_EQ(DecideJob(Training(), Profiled({hit}), kMay2025).verdict, Verdict::kDeny);
}

TEST(DecideJob, ListedOwnershipOfHalfIsDeniedUnknownSharesAreReviewed) {
  CustomerFinding owned{.rule = "listed_ownership",
                        .alert_id = "listed_ownership/customer/acct-1/50_percent",
                        .level = "50_percent",
                        .evidence = "listed owners hold 50 %"};
  EXPECT_EQ(DecideJob(Training(), Profiled({owned}), kMay2025).verdict, Verdict::kDeny);
  // 49 % held by listed parties raises no listed_ownership finding at all:
  // nothing to decide on.
  EXPECT_EQ(DecideJob(Training(), Profiled(), kMay2025).verdict, Verdict::kAllow);
  CustomerFinding unknown = owned;
  unknown.level = "share_unknown";
  JobDecision d = DecideJob(Training(), Profiled({unknown}), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kReview);
  EXPECT_EQ(d.reasons[0].rule, "listed_ownership");
}

TEST(DecideJob, AnOwnershipChainNobodyCouldResolveIsReviewed) {
  CustomerFinding cycle{.rule = "ownership_unresolved",
                        .alert_id = "ownership_unresolved/customer/acct-1/cycle",
                        .level = "cycle",
                        .evidence = "the ownership chain leads back to itself"};
  JobDecision d = DecideJob(Training(), Profiled({cycle}), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kReview);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].alert_id, cycle.alert_id);
  // Established by an analyst to be no control question after all.
  cycle.disposition = "false_positive";
  cycle.resolved_by = "bob";
  d = DecideJob(Training(), Profiled({cycle}), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.reasons[0].lifted_by, "false_positive by bob");
}

TEST(DecideJob, AnAdversaryLinkedPartysTrainingIsDeniedOrReviewedByProfile) {
  JobDecision d = DecideJob(Training(), Adversary(), kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "adversary_linked_training");
  EXPECT_NE(d.reasons[0].evidence.find("headquarters CN"), std::string::npos);
  // The profile switch: REVIEW instead.
  DecisionPolicy review = kMay2025;
  review.adversary_training = Verdict::kReview;
  EXPECT_EQ(DecideJob(Training(), Adversary(), review).verdict, Verdict::kReview);
  // Inference for the same party is not training capacity.
  JobAsk serving = Training();
  serving.training = false;
  EXPECT_EQ(DecideJob(serving, Adversary(), kMay2025).verdict, Verdict::kAllow);
}

TEST(DecideJob, DedicatedAdvancedCapacityForAnAdversaryLinkedPartyNeedsALicence) {
  DecisionPolicy review = kMay2025;
  review.adversary_training = Verdict::kReview;
  JobAsk dedicated = Training(512, /*dedicated=*/true);
  JobDecision d = DecideJob(dedicated, Adversary(), review);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.reasons[0].rule, "dedicated_capacity_licence");
  EXPECT_NE(d.reasons[0].evidence.find("512"), std::string::npos);
  EXPECT_NE(d.reasons[0].evidence.find("licence"), std::string::npos);
  // Shared capacity: only R2's REVIEW.
  EXPECT_EQ(DecideJob(Training(512, false), Adversary(), review).verdict, Verdict::kReview);
  // Dedicated, but not of the controlled class.
  dedicated.advanced_accelerator = false;
  EXPECT_EQ(DecideJob(dedicated, Adversary(), review).verdict, Verdict::kReview);
  // Dedicated advanced capacity for a party not adversary-linked.
  EXPECT_EQ(DecideJob(Training(512, true), Profiled(), review).verdict, Verdict::kAllow);
}

TEST(DecideJob, ALicenceOnRecordLiftsR2AndR3) {
  CustomerStanding licensed = Adversary();
  licensed.findings.push_back({.rule = "dedicated_capacity_licence",
                               .alert_id = "dedicated_capacity_licence/customer/acct-1/x",
                               .disposition = "licence_obtained",
                               .resolved_by = "carol"});
  licensed.findings.push_back({.rule = "adversary_linked_training",
                               .alert_id = "adversary_linked_training/job/j1/CN",
                               .disposition = "licence_obtained",
                               .resolved_by = "carol"});
  JobDecision d = DecideJob(Training(512, true), licensed, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 2u);
  for (const DecisionReason& r : d.reasons) {
    EXPECT_TRUE(r.lifted) << r.rule;
    EXPECT_EQ(r.lifted_by, "licence_obtained by carol");
  }
}

TEST(DecideJob, ALicenceLiftsOnlyWithinItsEndAndSize) {
  const absl::Time end = absl::FromCivil(absl::CivilDay(2027, 6, 30), absl::UTCTimeZone());
  CustomerStanding licensed = Adversary();
  licensed.findings.push_back({.rule = "adversary_linked_training",
                               .alert_id = "adversary_linked_training/customer/acct-1/CN",
                               .disposition = "licence_obtained",
                               .resolved_by = "carol",
                               .licence = "D123456",
                               .licence_expires = end,
                               .licence_max_accelerators = 512});
  JobAsk job = Training(512, false);
  job.at = end - absl::Seconds(1);
  JobDecision d = DecideJob(job, licensed, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].lifted_by,
            "licence_obtained (licence D123456, until 2027-06-30) by carol");
  EXPECT_EQ(d.valid_until, end);  // the answer is not to be cached past the licence

  // One accelerator more than the licence covers.
  job.accelerators = 513;
  d = DecideJob(job, licensed, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_FALSE(d.reasons[0].lifted);
  EXPECT_NE(d.reasons[0].evidence.find("the job's 513 accelerators exceed the 512 licence D123456 "
                                       "covers"),
            std::string::npos)
      << d.reasons[0].evidence;
  EXPECT_EQ(d.valid_until, absl::InfiniteFuture());

  // The licence has ended.
  job.accelerators = 8;
  job.at = end;
  d = DecideJob(job, licensed, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_NE(d.reasons[0].evidence.find("licence D123456 ended on 2027-06-30"), std::string::npos)
      << d.reasons[0].evidence;

  // A second, later licence covers it: that one lifts the reason.
  licensed.findings.push_back({.rule = "adversary_linked_training",
                               .alert_id = "adversary_linked_training/customer/acct-1/MO",
                               .disposition = "licence_obtained",
                               .resolved_by = "dan",
                               .licence = "D777777"});
  d = DecideJob(job, licensed, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.reasons[0].alert_id, "adversary_linked_training/customer/acct-1/MO");
  EXPECT_EQ(d.reasons[0].lifted_by, "licence_obtained (licence D777777) by dan");
}

TEST(DecideJob, AStrongKycScoreIsReviewedJustUnderItIsNot) {
  CustomerFinding kyc{
      .rule = "kyc_anomaly", .alert_id = "kyc_anomaly/customer/acct-1/score", .score = 6};
  EXPECT_EQ(DecideJob(Training(), Profiled({kyc}), kMay2025).verdict, Verdict::kReview);
  kyc.score = 5.5;
  EXPECT_EQ(DecideJob(Training(), Profiled({kyc}), kMay2025).verdict, Verdict::kAllow);
}

TEST(DecideJob, ACustomerWithoutAProfileFollowsThePolicy) {
  JobDecision d = DecideJob(Training(), CustomerStanding{}, kMay2025);
  EXPECT_EQ(d.verdict, Verdict::kReview);
  EXPECT_EQ(d.reasons[0].rule, "no_customer_profile");
  DecisionPolicy deny = kMay2025;
  deny.no_profile = Verdict::kDeny;
  EXPECT_EQ(DecideJob(Training(), CustomerStanding{}, deny).verdict, Verdict::kDeny);
  DecisionPolicy allow = kMay2025;
  allow.no_profile = Verdict::kAllow;
  EXPECT_EQ(DecideJob(Training(), CustomerStanding{}, allow).verdict, Verdict::kAllow);
}

TEST(DecideJob, TheStrongestReasonDecidesAndComesFirstLiftedOnesLast) {
  CustomerStanding c = Adversary();
  CustomerFinding lifted = Hit(0.99);
  lifted.disposition = "false_positive";
  c.findings = {
      lifted, {.rule = "kyc_anomaly", .alert_id = "kyc_anomaly/customer/acct-1/score", .score = 7}};
  DecisionPolicy review = kMay2025;
  review.adversary_training = Verdict::kReview;
  JobDecision d = DecideJob(Training(512, true), c, review);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  ASSERT_EQ(d.reasons.size(), 4u);
  EXPECT_EQ(d.reasons[0].rule, "dedicated_capacity_licence");
  EXPECT_EQ(d.reasons[0].verdict, Verdict::kDeny);
  EXPECT_EQ(d.reasons[1].verdict, Verdict::kReview);
  EXPECT_EQ(d.reasons[2].verdict, Verdict::kReview);
  EXPECT_TRUE(d.reasons[3].lifted);
  EXPECT_EQ(d.reasons[3].rule, "restricted_party");
}

TEST(DecideJob, VerdictsHaveTheirApiNames) {
  EXPECT_STREQ(VerdictName(Verdict::kAllow), "ALLOW");
  EXPECT_STREQ(VerdictName(Verdict::kReview), "REVIEW");
  EXPECT_STREQ(VerdictName(Verdict::kDeny), "DENY");
}

// The notice ahead of a licence's end: in force until `notice` before it,
// ending within it, ended from the moment it ends; no end, always in force.
TEST(LicenceTerm, InForceEndingSoonOrEnded) {
  const absl::Time end = absl::FromUnixSeconds(1798761600);  // 2027-01-01
  const absl::Duration notice = absl::Hours(24 * 30);
  EXPECT_EQ(LicenceTermAt(end, end - notice - absl::Seconds(1), notice), LicenceTerm::kInForce);
  EXPECT_EQ(LicenceTermAt(end, end - notice, notice), LicenceTerm::kEndsSoon);
  EXPECT_EQ(LicenceTermAt(end, end - absl::Seconds(1), notice), LicenceTerm::kEndsSoon);
  EXPECT_EQ(LicenceTermAt(end, end, notice), LicenceTerm::kEnded);
  EXPECT_EQ(LicenceTermAt(absl::InfiniteFuture(), end, notice), LicenceTerm::kInForce);
}

}  // namespace
}  // namespace redflag::detectors
