#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::ServerUnaryReactor* DecisionServiceImpl::CheckJob(grpc::CallbackServerContext* context,
                                                        const v1::CheckJobRequest* req,
                                                        v1::Decision* resp) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(
      Counted(ctx_, context, "/redflag.v1.DecisionService/CheckJob", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateCheckJob(*req, *ctx_.limits); !s.ok()) return s;
        absl::StatusOr<v1::Decision> d =
            ctx_.decisions->Check(*req, AuditActor(ctx_, *context, ""), ctx_.now());
        if (!d.ok()) return d.status();
        *resp = std::move(*d);
        return absl::OkStatus();
      }));
  return reactor;
}

}  // namespace redflag
