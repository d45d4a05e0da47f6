#include "daemon/services/services.h"

namespace redflag {

grpc::Status AuditServiceImpl::ListAudit(grpc::ServerContext* context,
                                         const v1::ListAuditRequest* req,
                                         v1::ListAuditResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.AuditService/ListAudit", *req, [&]() -> absl::Status {
    const uint32_t limit = req->limit() == 0 ? 1000 : std::min<uint32_t>(req->limit(), 10000);
    absl::StatusOr<v1::ListAuditResponse> r =
        ctx_.audit->List(req->after_seq(), limit, req->subject());
    if (!r.ok()) return r.status();
    *resp = std::move(*r);
    return absl::OkStatus();
  });
}

}  // namespace redflag
