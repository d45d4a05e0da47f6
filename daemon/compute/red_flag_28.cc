#include "daemon/compute/red_flag_28.h"

#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/compute/estimate_evidence.h"
#include "detectors/levels.h"
#include "detectors/ownership.h"

namespace redflag {
RedFlag28::RedFlag28(const ComputeView& view, ModelRegistry& models, CustomerRegistry& customers,
                     AlertStore& alerts, InquiryStore& inquiries,
                     std::shared_ptr<const detectors::CountryPolicy> policy,
                     const PolicyConfig& config)
    : view_(view),
      models_(models),
      customers_(customers),
      recorder_(alerts),
      inquiries_(inquiries),
      policy_(std::move(policy)),
      level_(config.rf28_level),
      pre_alert_fraction_(config.rf28_pre_alert_fraction),
      max_ownership_depth_(config.max_ownership_depth) {}

absl::Status RedFlag28::EvaluateOnce(absl::Time now) {
  absl::StatusOr<ComputeEvaluation> eval = view_.EvaluateAll();
  if (!eval.ok()) return eval.status();
  return Evaluate(*eval, now);
}

absl::Status RedFlag28::Evaluate(const ComputeEvaluation& eval, absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  std::map<std::string, std::optional<v1::CustomerProfile>> profiles;
  auto profile_of = [&](const std::string& id) -> const v1::CustomerProfile* {
    auto [it, fresh] = profiles.try_emplace(id);
    if (fresh) {
      absl::StatusOr<v1::Customer> c = customers_.Get(id);
      if (c.ok()) it->second = c->profile();
    }
    return it->second ? &*it->second : nullptr;
  };
  for (const ComputeEvaluation::Subject& model : eval.subjects) {
    if (model.kind != "model") continue;
    const detectors::Interval& ops = model.ops;
    const std::optional<detectors::Likelihood> reached = detectors::Reached(ops, level_);
    // R1's pre-alert: the share of the level reached by the best estimate, or
    // by the projection of it at the lineage's recent rate.
    const double share = pre_alert_fraction_ * level_;
    const double projected =
        detectors::ProjectedOps(ops.best, model.rate, view_.projection_horizon());
    const char* likelihood = reached ? detectors::LikelihoodName(*reached)
                             : ops.best >= share || projected >= share ? "pre_alert"
                                                                       : nullptr;
    const std::string horizon = absl::FormatDuration(view_.projection_horizon());
    if (likelihood == nullptr) continue;
    absl::StatusOr<v1::ModelRecord> record = models_.Get(model.id);
    if (record.ok() && record->publication().weights_published()) continue;
    for (const std::string& customer_id : model.customers) {
      const v1::CustomerProfile* customer = profile_of(customer_id);
      // Every headquarters the rule turns on, and whether it is authorised.
      std::vector<std::string> outside, checked;
      std::string path = "no customer profile: headquarters unknown";
      if (customer == nullptr) {
        outside.push_back("headquarters unknown");
      } else {
        const detectors::UltimateParent parent =
            detectors::FindUltimateParent(*customer, profile_of, max_ownership_depth_);
        path = parent.PathText();
        std::vector<std::pair<std::string, std::string>> hqs = {
            {"headquarters", customer->headquarters_country()},
            {"declared ultimate parent", customer->ultimate_parent_country()}};
        if (parent.path.size() > 1)
          hqs.push_back({"ultimate parent by ownership", parent.parent().country});
        for (const auto& [basis, country] : hqs) {
          if (country.empty() && basis != "headquarters") continue;
          const bool authorised =
              !country.empty() && policy_->AiAuthorized(country, today) != nullptr;
          const std::string fact =
              absl::StrCat(basis, " ", country.empty() ? "unknown" : country,
                           authorised ? " (AI authorization destination)" : " (outside)");
          checked.push_back(fact);
          if (!authorised) outside.push_back(fact);
        }
      }
      if (outside.empty()) continue;
      v1::Alert a = NewAlert("rf28", "model", model.id, customer_id);
      a.set_customer_id(customer_id);
      a.set_level(likelihood);
      a.set_severity(std::string(likelihood) == "likely"     ? v1::SEVERITY_CRITICAL
                     : std::string(likelihood) == "possible" ? v1::SEVERITY_HIGH
                                                             : v1::SEVERITY_WARNING);
      a.set_summary(absl::StrCat(
          "Red Flag 28 (", likelihood, "): model ", model.id, " has ",
          std::string(likelihood) == "pre_alert" ? "reached " : "", OpsRounded(ops.best),
          std::string(likelihood) == "pre_alert" && ops.best < share
              ? absl::StrCat(" and is projected to reach ", OpsRounded(projected), " within ",
                             horizon)
              : "",
          " operations (best estimate; upper bound ", OpsRounded(ops.upper), ", level ",
          OpsRounded(level_), "), unpublished weights, trained for customer ", customer_id,
          " with ", absl::StrJoin(outside, ", "),
          std::string(likelihood) == "pre_alert" ? "" : ": ask the customer about export intent"));
      AddEvidence(a, "operations_lower", OpsFigure(ops.lower));
      AddEvidence(a, "operations_best", OpsFigure(ops.best));
      AddEvidence(a, "operations_upper", OpsFigure(ops.upper));
      AddEvidence(a, "level_operations", OpsFigure(level_));
      AddEvidence(a, "pre_alert_operations", OpsFigure(share));
      AddEvidence(a, "projected_operations",
                  absl::StrCat(OpsFigure(projected), " in ", horizon, " at ", OpsFigure(model.rate),
                               " operations/s"));
      if (std::string(likelihood) == "pre_alert") {
        AddEvidence(a, "pre_alert_basis",
                    ops.best >= share ? "best estimate"
                                      : absl::StrCat("projected operations (", horizon, ")"));
      }
      AddEvidence(a, "weights",
                  record.ok() ? "recorded as not published" : "no publication on record");
      AddEvidence(a, "headquarters_checked", absl::StrJoin(checked, "; "));
      AddEvidence(a, "outside_ai_authorization", absl::StrJoin(outside, "; "));
      AddEvidence(a, "ownership_path", path);
      AddEvidence(a, "explain", absl::StrCat("redflagctl compute show model ", model.id));
      const std::string alert_id = a.alert_id();
      const auto gather = [&](v1::Alert& w) {
        return AddEstimateEvidence(view_, "model", model.id, w);
      };
      if (absl::Status s = recorder_.Record(std::move(a), now, true, gather); !s.ok()) return s;
      if (std::string(likelihood) != "pre_alert") {
        absl::StatusOr<bool> opened = inquiries_.OpenFor(alert_id, model.id, customer_id, now);
        if (!opened.ok()) return opened.status();
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace redflag
