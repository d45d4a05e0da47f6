#include "absl/strings/str_cat.h"
#include "daemon/log/log.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status ComputeServiceImpl::GetEstimate(grpc::ServerContext* context,
                                             const v1::GetEstimateRequest* req,
                                             v1::EstimateReport* resp) {
  return Counted(ctx_, context, "/redflag.v1.ComputeService/GetEstimate", *req,
                 [&]() -> absl::Status {
                   switch (req->subject_case()) {
                     case v1::GetEstimateRequest::kJobId:
                       if (absl::Status s = ValidateId("job_id", req->job_id()); !s.ok()) return s;
                       break;
                     case v1::GetEstimateRequest::kModelId:
                       if (absl::Status s = ValidateId("model_id", req->model_id()); !s.ok())
                         return s;
                       break;
                     case v1::GetEstimateRequest::kCustomerId:
                       if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok())
                         return s;
                       break;
                     case v1::GetEstimateRequest::kUltimateParent:
                       if (req->ultimate_parent().empty() || req->ultimate_parent().size() > 1024) {
                         return absl::InvalidArgumentError("ultimate_parent: must be 1-1024 bytes");
                       }
                       break;
                     case v1::GetEstimateRequest::SUBJECT_NOT_SET:
                       break;
                   }
                   absl::StatusOr<v1::EstimateReport> r = ctx_.compute->Report(*req);
                   if (!r.ok()) return r.status();
                   *resp = std::move(*r);
                   if (req->has_model_id()) {
                     absl::StatusOr<v1::ModelRecord> m = ctx_.models->Get(req->model_id());
                     if (m.ok()) {
                       *resp->mutable_model() = std::move(*m);
                     } else if (!absl::IsNotFound(m.status())) {
                       return m.status();
                     }
                   }
                   return absl::OkStatus();
                 });
}

grpc::Status ComputeServiceImpl::SetModelPublication(grpc::ServerContext* context,
                                                     const v1::SetModelPublicationRequest* req,
                                                     v1::ModelRecord* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.ComputeService/SetModelPublication", *req, [&]() -> absl::Status {
        const absl::Time now = ctx_.now();
        v1::SetModelPublicationRequest publication = *req;
        publication.mutable_publication()->set_recorded_by(
            AuditActor(ctx_, *context, req->publication().recorded_by()));
        if (absl::Status s = ValidateModelPublication(publication, now); !s.ok()) return s;
        absl::StatusOr<ModelRegistry::Recorded> r =
            ctx_.models->SetPublication(publication, absl::ToUnixMillis(now));
        if (!r.ok()) return r.status();
        if (r->changed) {
          log::Info(
              "model publication recorded",
              {{"model_id", req->model_id()},
               {"weights_published", req->publication().weights_published() ? "true" : "false"},
               {"version", absl::StrCat(r->record.version())}});
        }
        *resp = std::move(r->record);
        return absl::OkStatus();
      });
}

grpc::Status ComputeServiceImpl::GetModel(grpc::ServerContext* context,
                                          const v1::GetModelRequest* req, v1::ModelRecord* resp) {
  return Counted(ctx_, context, "/redflag.v1.ComputeService/GetModel", *req, [&]() -> absl::Status {
    if (absl::Status s = ValidateId("model_id", req->model_id()); !s.ok()) return s;
    absl::StatusOr<v1::ModelRecord> m = ctx_.models->Get(req->model_id());
    if (!m.ok()) return m.status();
    *resp = std::move(*m);
    return absl::OkStatus();
  });
}

}  // namespace redflag
