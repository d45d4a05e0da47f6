#include "daemon/egress/egress_decisions.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/audit/audit_log.h"
#include "daemon/decisions/decision_proto.h"
#include "daemon/inquiries/inquiry_store.h"
#include "daemon/models/model_registry.h"
#include "detectors/egress_decision.h"

namespace redflag {
namespace {

// "customer_asked" of INQUIRY_STATE_CUSTOMER_ASKED.
std::string Word(const std::string& enum_name, const char* prefix) {
  return absl::AsciiStrToLower(enum_name.substr(std::string(prefix).size()));
}

}  // namespace

absl::Status EgressDecisions::Update(const ComputeEvaluation& eval, absl::Time) {
  std::map<std::string, detectors::Interval> ops;
  for (const ComputeEvaluation::Subject& s : eval.subjects) {
    if (s.kind == "model") ops[s.id] = s.ops;
  }
  std::lock_guard<std::mutex> lock(mu_);
  lineage_ops_ = std::move(ops);
  evaluated_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<detectors::Interval>> EgressDecisions::LineageOps(
    const std::string& model_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (evaluated_) {
      auto it = lineage_ops_.find(model_id);
      if (it == lineage_ops_.end()) return std::nullopt;
      return it->second;
    }
  }
  absl::StatusOr<ComputeEvaluation> eval = view_.EvaluateAll();
  if (!eval.ok()) return eval.status();
  if (absl::Status s = Update(*eval, absl::Now()); !s.ok()) return s;
  return LineageOps(model_id);
}

absl::StatusOr<v1::Decision> EgressDecisions::Check(const v1::CheckEgressRequest& request,
                                                    const std::string& asked_by, absl::Time now) {
  detectors::EgressFacts facts{.model_id = request.model_id(), .level = options_.level};
  absl::StatusOr<std::optional<detectors::Interval>> ops = LineageOps(request.model_id());
  if (!ops.ok()) return ops.status();
  if (ops->has_value()) {
    facts.trained_here = true;
    facts.ops = **ops;
  }
  absl::StatusOr<v1::ModelRecord> model = models_.Get(request.model_id());
  if (model.ok()) {
    facts.weights_published = model->publication().weights_published();
  } else if (model.status().code() != absl::StatusCode::kNotFound) {
    return model.status();
  }
  facts.destination =
      request.destination_region().empty()
          ? request.destination_country()
          : absl::StrCat(request.destination_country(), " ", request.destination_region());
  facts.destination_authorized =
      countries_->AiAuthorized(request.destination_country(),
                               absl::ToCivilDay(now, absl::UTCTimeZone())) != nullptr;
  absl::StatusOr<std::vector<v1::Inquiry>> inquiries =
      inquiries_.List(v1::INQUIRY_STATE_UNSPECIFIED);
  if (!inquiries.ok()) return inquiries.status();
  for (const v1::Inquiry& q : *inquiries) {
    if (q.model_id() != request.model_id()) continue;
    detectors::EgressInquiry e{.inquiry_id = q.inquiry_id(),
                               .state = Word(v1::InquiryState_Name(q.state()), "INQUIRY_STATE_")};
    if (q.answer() != v1::EXPORT_INTENT_UNSPECIFIED) {
      e.answer = Word(v1::ExportIntent_Name(q.answer()), "EXPORT_INTENT_");
    }
    for (const v1::InquiryStep& step : q.steps()) {
      if (step.state() == v1::INQUIRY_STATE_ANSWERED) {
        e.answered_by = step.actor();
        e.note = step.note();
      }
    }
    facts.inquiries.push_back(std::move(e));
  }

  const detectors::JobDecision d = detectors::DecideEgress(facts);
  v1::Decision out = ToDecision(d, options_.policy_profile, now + options_.cache_for);
  if (d.verdict == detectors::Verdict::kAllow) return out;

  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  absl::StatusOr<v1::AuditRecord> rec = audit_.Write(*wb,
                                                     {asked_by,
                                                      "decision.egress",
                                                      absl::StrCat("model/", request.model_id()),
                                                      {{"verdict", v1::Verdict_Name(out.verdict())},
                                                       {"reasons", d.reasons[0].rule},
                                                       {"checkpoint", request.checkpoint()},
                                                       {"destination", facts.destination},
                                                       {"principal", request.principal()},
                                                       {"customer_id", request.customer_id()}}},
                                                     now);
  if (!rec.ok()) {
    return absl::UnavailableError(absl::StrCat("the decision could not be put on record (",
                                               rec.status().message(), "); retry"));
  }
  return out;
}

}  // namespace redflag
