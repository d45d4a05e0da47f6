#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status EgressServiceImpl::RecordEgress(grpc::ServerContext* context,
                                             const v1::RecordEgressRequest* req,
                                             v1::RecordEgressResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.EgressService/RecordEgress", *req,
                 [&]() -> absl::Status {
                   const absl::Time now = ctx_.now();
                   if (absl::Status s = ValidateRecordEgress(*req, *ctx_.limits, now); !s.ok())
                     return s;
                   absl::StatusOr<uint32_t> flagged = ctx_.egress->Record(*req, now);
                   if (!flagged.ok()) return flagged.status();
                   resp->set_recorded(static_cast<uint32_t>(req->events_size()));
                   resp->set_flagged(*flagged);
                   return absl::OkStatus();
                 });
}

grpc::Status EgressServiceImpl::CheckEgress(grpc::ServerContext* context,
                                            const v1::CheckEgressRequest* req, v1::Decision* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.EgressService/CheckEgress", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateCheckEgress(*req); !s.ok()) return s;
        absl::StatusOr<v1::Decision> d =
            ctx_.egress_decisions->Check(*req, AuditActor(ctx_, *context, ""), ctx_.now());
        if (!d.ok()) return d.status();
        *resp = std::move(*d);
        return absl::OkStatus();
      });
}

}  // namespace redflag
