#include "detectors/egress_decision.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "detectors/levels.h"

namespace redflag::detectors {
namespace {

std::string Ops(double v) { return absl::StrFormat("%.3g", v); }

}  // namespace

JobDecision DecideEgress(const EgressFacts& f) {
  JobDecision out;
  auto allow = [&](const char* rule, std::string evidence) {
    out.reasons.push_back(
        {.rule = rule, .verdict = Verdict::kAllow, .evidence = std::move(evidence)});
  };
  const std::string figures = absl::StrCat(Ops(f.ops.best), " operations, upper bound ",
                                           Ops(f.ops.upper), "; level ", Ops(f.level));
  if (!f.trained_here) {
    allow("below_level", absl::StrCat("no training of model ", f.model_id, " is on record here"));
    return out;
  }
  const std::optional<Likelihood> reached = Reached(f.ops, f.level);
  if (!reached) {
    allow("below_level", absl::StrCat("the lineage of model ", f.model_id, " is below the 4E091 ",
                                      "level (", figures, ")"));
    return out;
  }
  if (f.weights_published) {
    allow("weights_published",
          absl::StrCat("the weights of model ", f.model_id, " are recorded as published"));
  }
  if (f.destination_authorized) {
    allow("destination_authorized",
          absl::StrCat(f.destination, " is an AI authorization destination"));
  }
  const EgressInquiry* licence = nullptr;
  const EgressInquiry* latest = nullptr;
  for (const EgressInquiry& q : f.inquiries) {
    latest = &q;
    if (q.answer == "export_under_licence") licence = &q;
  }
  if (licence != nullptr) {
    DecisionReason r{.rule = "licence_answer",
                     .verdict = Verdict::kAllow,
                     .alert_id = licence->inquiry_id,
                     .evidence = absl::StrCat(
                         "Red Flag 28 inquiry ", licence->inquiry_id,
                         " answered: export under licence", licence->note.empty() ? "" : " (",
                         licence->note.substr(0, 200), licence->note.empty() ? "" : ")"),
                     .lifted = true,
                     .lifted_by = absl::StrCat("export_under_licence by ", licence->answered_by)};
    out.reasons.push_back(std::move(r));
  }
  if (f.weights_published || f.destination_authorized || licence != nullptr) return out;

  const bool likely = *reached == Likelihood::kLikely;
  std::string inquiry = "no Red Flag 28 inquiry about it has a licence answer";
  if (latest != nullptr) {
    inquiry =
        absl::StrCat("Red Flag 28 inquiry ", latest->inquiry_id, " is ", latest->state,
                     latest->answer.empty() ? "" : absl::StrCat(", answered ", latest->answer),
                     ", without a licence answer");
  }
  out.reasons.insert(
      out.reasons.begin(),
      {.rule = "controlled_weights_egress",
       .verdict = likely ? Verdict::kDeny : Verdict::kReview,
       .alert_id = latest != nullptr ? latest->inquiry_id : "",
       .evidence = absl::StrCat(
           "model ", f.model_id, " is at the 4E091 level (", figures, ", ",
           LikelihoodName(*reached), "), its weights are not published, ", f.destination,
           " is outside the AI authorization destinations, and ", inquiry, " (R1)")});
  out.verdict = out.reasons[0].verdict;
  return out;
}

}  // namespace redflag::detectors
