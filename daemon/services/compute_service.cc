#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status ComputeServiceImpl::GetEstimate(grpc::ServerContext*,
                                             const v1::GetEstimateRequest* req,
                                             v1::EstimateReport* resp) {
  return Counted(ctx_.metrics, "GetEstimate", [&]() -> absl::Status {
    switch (req->subject_case()) {
      case v1::GetEstimateRequest::kJobId:
        if (absl::Status s = ValidateId("job_id", req->job_id()); !s.ok()) return s;
        break;
      case v1::GetEstimateRequest::kModelId:
        if (absl::Status s = ValidateId("model_id", req->model_id()); !s.ok()) return s;
        break;
      case v1::GetEstimateRequest::kCustomerId:
        if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok()) return s;
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
    return absl::OkStatus();
  });
}

}  // namespace redflag
