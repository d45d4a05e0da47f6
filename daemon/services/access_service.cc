#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status AccessServiceImpl::RecordAccess(grpc::ServerContext* context,
                                             const v1::RecordAccessRequest* req,
                                             v1::RecordAccessResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.AccessService/RecordAccess", *req,
                 [&]() -> absl::Status {
                   const absl::Time now = ctx_.now();
                   if (absl::Status s = ValidateRecordAccess(*req, *ctx_.limits, now); !s.ok())
                     return s;
                   absl::StatusOr<uint32_t> n = ctx_.access->Record(*req, now);
                   if (!n.ok()) return n.status();
                   resp->set_recorded(*n);
                   return absl::OkStatus();
                 });
}

grpc::Status AccessServiceImpl::GetAccessSummary(grpc::ServerContext* context,
                                                 const v1::GetAccessSummaryRequest* req,
                                                 v1::AccessSummary* resp) {
  return Counted(ctx_, context, "/redflag.v1.AccessService/GetAccessSummary", *req,
                 [&]() -> absl::Status {
                   if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok())
                     return s;
                   absl::StatusOr<v1::AccessSummary> summary =
                       ctx_.access->Summary(req->customer_id(), ctx_.now());
                   if (!summary.ok()) return summary.status();
                   *resp = std::move(*summary);
                   return absl::OkStatus();
                 });
}

}  // namespace redflag
