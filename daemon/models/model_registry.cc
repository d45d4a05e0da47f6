#include "daemon/models/model_registry.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "daemon/audit/audit_log.h"

namespace redflag {

absl::StatusOr<ModelRegistry::Recorded> ModelRegistry::SetPublication(
    const v1::SetModelPublicationRequest& req, int64_t now_unix_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::ModelRecord>> old =
      GetMessage<v1::ModelRecord>(store_, Domain::kModels, req.model_id());
  if (!old.ok()) return old.status();
  Recorded out;
  if (old->has_value()) {
    out.record = **old;
    if (google::protobuf::util::MessageDifferencer::Equals(out.record.publication(),
                                                           req.publication())) {
      return out;
    }
  }
  out.record.set_model_id(req.model_id());
  *out.record.mutable_publication() = req.publication();
  out.record.set_version(out.record.version() + 1);
  out.record.set_updated_unix_ms(now_unix_ms);
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  wb->Put(Domain::kModels, req.model_id(), out.record.SerializeAsString());
  // Publishing weights silences Red Flag 28: every change is on record.
  if (audit_ != nullptr) {
    const v1::ModelPublication& p = req.publication();
    absl::StatusOr<v1::AuditRecord> r =
        audit_->Write(*wb,
                      {p.recorded_by().empty() ? "api" : p.recorded_by(),
                       "model.publication",
                       absl::StrCat("model/", req.model_id()),
                       {{"weights_published", p.weights_published() ? "true" : "false"},
                        {"evidence", p.evidence()},
                        {"published_unix_ms", absl::StrCat(p.published_unix_ms())},
                        {"version", absl::StrCat(out.record.version())}}},
                      absl::FromUnixMillis(now_unix_ms));
    if (!r.ok()) return r.status();
  } else if (absl::Status s = store_.Write(*wb, sync_); !s.ok()) {
    return s;
  }
  out.changed = true;
  return out;
}

absl::StatusOr<v1::ModelRecord> ModelRegistry::Get(const std::string& model_id) {
  absl::StatusOr<std::optional<v1::ModelRecord>> r =
      GetMessage<v1::ModelRecord>(store_, Domain::kModels, model_id);
  if (!r.ok()) return r.status();
  if (!r->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("model_id: nothing is recorded about model '", model_id, "'"));
  }
  return **r;
}

}  // namespace redflag
