#include "detectors/egress_decision.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

// frontier-1 at 2.7e25 best and 6.6e25 upper, against a level of 2e25:
// likely; its weights not published; copied to the UAE; an inquiry asked.
EgressFacts Controlled() {
  return {
      .model_id = "frontier-1",
      .trained_here = true,
      .ops = {.lower = 1e25, .best = 2.7e25, .upper = 6.6e25},
      .level = 2e25,
      .destination = "AE customer bucket",
      .inquiries = {{.inquiry_id = "rf28/model/frontier-1/acct-9001", .state = "customer_asked"}}};
}

TEST(EgressDecision, ControlledWeightsToAnUnauthorisedDestinationWithoutALicenceAreDenied) {
  const JobDecision d = DecideEgress(Controlled());
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "controlled_weights_egress");
  EXPECT_EQ(d.reasons[0].alert_id, "rf28/model/frontier-1/acct-9001");
  EXPECT_EQ(d.reasons[0].evidence,
            "model frontier-1 is at the 4E091 level (2.7e+25 operations, upper bound 6.6e+25; "
            "level 2e+25, likely), its weights are not published, AE customer bucket is outside "
            "the AI authorization destinations, and Red Flag 28 inquiry "
            "rf28/model/frontier-1/acct-9001 is customer_asked, without a licence answer (R1)");
}

TEST(EgressDecision, OnlyTheUpperBoundAtTheLevelAsksForReview) {
  EgressFacts f = Controlled();
  f.level = 5e25;  // best under, upper over
  const JobDecision d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kReview);
  EXPECT_NE(d.reasons[0].evidence.find("possible"), std::string::npos);
}

TEST(EgressDecision, BelowTheLevelOrNotTrainedHereIsAllowedSayingSo) {
  EgressFacts f = Controlled();
  f.level = 1e26;  // the upper bound just under
  JobDecision d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "below_level");
  EXPECT_EQ(d.reasons[0].verdict, Verdict::kAllow);
  f = Controlled();
  f.trained_here = false;
  d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.reasons[0].evidence, "no training of model frontier-1 is on record here");
}

TEST(EgressDecision, PublishedWeightsOrAnAuthorisedDestinationClearIt) {
  EgressFacts f = Controlled();
  f.weights_published = true;
  JobDecision d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "weights_published");
  f = Controlled();
  f.destination = "GB";
  f.destination_authorized = true;
  d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.reasons[0].rule, "destination_authorized");
  EXPECT_EQ(d.reasons[0].evidence, "GB is an AI authorization destination");
}

TEST(EgressDecision, OnlyALicenceAnswerLiftsItAndNamesWhoAnswered) {
  EgressFacts f = Controlled();
  for (const char* not_licence : {"no_export", "provider_applies_for_licence"}) {
    f.inquiries[0].state = "answered";
    f.inquiries[0].answer = not_licence;
    const JobDecision d = DecideEgress(f);
    EXPECT_EQ(d.verdict, Verdict::kDeny) << not_licence;
    EXPECT_NE(d.reasons[0].evidence.find(std::string("answered ") + not_licence),
              std::string::npos);
  }
  f.inquiries[0].answer = "export_under_licence";
  f.inquiries[0].answered_by = "ana";
  f.inquiries[0].note = "licence D555";
  const JobDecision d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].rule, "licence_answer");
  EXPECT_TRUE(d.reasons[0].lifted);
  EXPECT_EQ(d.reasons[0].lifted_by, "export_under_licence by ana");
  EXPECT_EQ(d.reasons[0].evidence,
            "Red Flag 28 inquiry rf28/model/frontier-1/acct-9001 answered: export under licence "
            "(licence D555)");
}

TEST(EgressDecision, WithoutAnInquiryTheCopyIsDeniedAll) {
  EgressFacts f = Controlled();
  f.inquiries.clear();
  const JobDecision d = DecideEgress(f);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.reasons[0].alert_id, "");
  EXPECT_NE(d.reasons[0].evidence.find("no Red Flag 28 inquiry about it has a licence answer"),
            std::string::npos);
}

}  // namespace
}  // namespace redflag::detectors
