#include "daemon/services/services.h"

namespace redflag {

grpc::Status ReportServiceImpl::GetQuarterlyReport(grpc::ServerContext*,
                                                   const v1::GetQuarterlyReportRequest* req,
                                                   v1::QuarterlyReport* resp) {
  return Counted(ctx_.metrics, "GetQuarterlyReport", *req, [&]() -> absl::Status {
    absl::StatusOr<v1::QuarterlyReport> r = ctx_.reports->Build(*req, ctx_.now());
    if (!r.ok()) return r.status();
    *resp = std::move(*r);
    return absl::OkStatus();
  });
}

}  // namespace redflag
