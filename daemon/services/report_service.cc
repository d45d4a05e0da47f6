#include "daemon/services/services.h"

namespace redflag {

grpc::Status ReportServiceImpl::GetQuarterlyReport(grpc::ServerContext* context,
                                                   const v1::GetQuarterlyReportRequest* req,
                                                   v1::QuarterlyReport* resp) {
  return Counted(ctx_, context, "/redflag.v1.ReportService/GetQuarterlyReport", *req,
                 [&]() -> absl::Status {
                   absl::StatusOr<v1::QuarterlyReport> r = ctx_.reports->Build(*req, ctx_.now());
                   if (!r.ok()) return r.status();
                   *resp = std::move(*r);
                   return absl::OkStatus();
                 });
}

}  // namespace redflag
