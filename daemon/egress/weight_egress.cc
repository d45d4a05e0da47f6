#include "daemon/egress/weight_egress.h"

#include <map>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "daemon/compute/estimate_evidence.h"
#include "daemon/util/sha256.h"
#include "detectors/levels.h"

namespace redflag {
namespace {

// model_id, 0x00, time, and the first 8 bytes of the event's digest: the same
// event sent twice lands on the same key.
std::string Key(const v1::EgressEvent& e) {
  std::string key = e.model_id();
  key.push_back('\0');
  char be[8];
  absl::big_endian::Store64(be, static_cast<uint64_t>(e.time_unix_ms()));
  key.append(be, sizeof(be));
  const std::string digest = Sha256Hex(e.SerializeAsString());
  return key + digest.substr(0, 16);
}

}  // namespace

WeightEgress::WeightEgress(Store& store, bool sync, const ComputeView& view, ModelRegistry& models,
                           AlertStore& alerts,
                           std::shared_ptr<const detectors::CountryPolicy> policy, double level,
                           bool enabled)
    : store_(store),
      sync_(sync),
      view_(view),
      models_(models),
      recorder_(alerts),
      policy_(std::move(policy)),
      level_(level),
      enabled_(enabled) {}

absl::StatusOr<uint32_t> WeightEgress::Record(const v1::RecordEgressRequest& request,
                                              absl::Time now) {
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  for (const v1::EgressEvent& e : request.events()) {
    batch->Put(Domain::kEgress, Key(e), e.SerializeAsString());
  }
  if (absl::Status s = store_.Write(*batch, sync_); !s.ok()) return s;
  uint32_t flagged = 0;
  if (!enabled_) return flagged;
  // Copies to authorised destinations need no figures; the others are judged
  // on one computation of every lineage for the whole batch.
  std::vector<const v1::EgressEvent*> outside;
  for (const v1::EgressEvent& e : request.events()) {
    const absl::CivilDay day =
        absl::ToCivilDay(absl::FromUnixMillis(e.time_unix_ms()), absl::UTCTimeZone());
    if (policy_->AiAuthorized(e.destination_country(), day) == nullptr) outside.push_back(&e);
  }
  if (outside.empty()) return flagged;
  absl::StatusOr<ComputeEvaluation> eval = view_.EvaluateAll();
  if (!eval.ok()) return eval.status();
  std::map<std::string, detectors::Interval> lineage_ops;
  for (const ComputeEvaluation::Subject& s : eval->subjects) {
    if (s.kind == "model") lineage_ops[s.id] = s.ops;
  }
  for (const v1::EgressEvent* e : outside) {
    auto ops = lineage_ops.find(e->model_id());
    if (ops == lineage_ops.end()) continue;  // no training of it seen here
    absl::StatusOr<bool> f = Judge(*e, ops->second, now);
    if (!f.ok()) return f.status();
    flagged += *f;
  }
  return flagged;
}

absl::StatusOr<bool> WeightEgress::Judge(const v1::EgressEvent& e, const detectors::Interval& ops,
                                         absl::Time now) {
  const std::optional<detectors::Likelihood> reached = detectors::Reached(ops, level_);
  if (!reached) return false;
  const char* likelihood = detectors::LikelihoodName(*reached);
  absl::StatusOr<v1::ModelRecord> record = models_.Get(e.model_id());
  if (record.ok() && record->publication().weights_published()) return false;

  v1::Alert a = NewAlert("weight_egress", "model", e.model_id(), e.destination_country());
  a.set_customer_id(e.customer_id());
  a.set_level(absl::StrCat(e.destination_country(), "/", likelihood));
  a.set_severity(std::string(likelihood) == "likely" ? v1::SEVERITY_CRITICAL : v1::SEVERITY_HIGH);
  a.set_summary(absl::StrCat("weights of model ", e.model_id(), " (", OpsRounded(ops.best),
                             " operations, upper bound ", OpsRounded(ops.upper), "; level ",
                             OpsRounded(level_), ", ", likelihood, ") were copied to ",
                             e.destination_country(),
                             ", outside the AI authorization "
                             "destinations: possible export of ECCN 4E091 technology"));
  AddEvidence(a, "destination", absl::StrCat(e.destination_country(), " ", e.destination_region()));
  AddEvidence(a, "checkpoint", e.checkpoint());
  AddEvidence(a, "bytes", absl::StrCat(e.bytes()));
  AddEvidence(a, "principal", e.principal());
  AddEvidence(a, "customer_id", e.customer_id());
  AddEvidence(a, "time", absl::FormatTime(absl::FromUnixMillis(e.time_unix_ms())));
  AddEvidence(a, "event_id", e.event_id());
  AddEvidence(a, "operations_lower", OpsFigure(ops.lower));
  AddEvidence(a, "operations_best", OpsFigure(ops.best));
  AddEvidence(a, "operations_upper", OpsFigure(ops.upper));
  AddEvidence(a, "level_operations", OpsFigure(level_));
  AddEvidence(a, "weights", record.ok() ? "recorded as not published" : "no publication on record");
  AddEvidence(a, "explain", absl::StrCat("redflagctl compute show model ", e.model_id()));
  const auto gather = [&](v1::Alert& w) {
    return AddEstimateEvidence(view_, "model", e.model_id(), w);
  };
  if (absl::Status s = recorder_.Record(std::move(a), now, true, gather); !s.ok()) return s;
  return true;
}

}  // namespace redflag
