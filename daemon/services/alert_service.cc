#include "absl/strings/str_cat.h"
#include "daemon/net/stream_limiter.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status AlertServiceImpl::ListAlerts(grpc::ServerContext* context,
                                          const v1::ListAlertsRequest* req,
                                          v1::ListAlertsResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.AlertService/ListAlerts", *req, [&]() -> absl::Status {
    if (req->page_size() > 1000) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_size: must be at most 1000, got ", req->page_size()));
    }
    absl::StatusOr<v1::ListAlertsResponse> out = ctx_.alerts->List(*req);
    if (!out.ok()) return out.status();
    *resp = std::move(*out);
    return absl::OkStatus();
  });
}

grpc::Status AlertServiceImpl::WatchAlerts(grpc::ServerContext* context,
                                           const v1::WatchAlertsRequest* req,
                                           grpc::ServerWriter<v1::AlertEvent>* writer) {
  return Counted(
      ctx_, context, "/redflag.v1.AlertService/WatchAlerts", *req, [&]() -> absl::Status {
        absl::StatusOr<std::unique_ptr<StreamLimiter::Slot>> slot =
            ctx_.streams->Acquire(context, "WatchAlerts", /*idle_ends_it=*/false);
        if (!slot.ok()) return slot.status();
        absl::StatusOr<std::shared_ptr<AlertWatch>> watch = ctx_.alerts->Watch(req->filter());
        if (!watch.ok()) return watch.status();
        absl::Status result = absl::OkStatus();
        while (!context->IsCancelled() && !ctx_.shutting_down->load()) {
          if (absl::Status s = ctx_.alerts->AnnounceSuppressionEnds(absl::Now()); !s.ok()) {
            result = s;
            break;
          }
          std::optional<v1::AlertEvent> e = (*watch)->Next(absl::Milliseconds(500));
          if (e) {
            if (!writer->Write(*e)) break;
          } else if ((*watch)->lagged()) {
            result = absl::ResourceExhaustedError(
                "the watch fell behind and was closed; list alerts and watch again");
            break;
          }
        }
        ctx_.alerts->Unwatch(*watch);
        if (ctx_.shutting_down->load()) return absl::UnavailableError("redflagd is shutting down");
        return result;
      });
}

grpc::Status AlertServiceImpl::GetAlert(grpc::ServerContext* context,
                                        const v1::GetAlertRequest* req, v1::Alert* resp) {
  return Counted(ctx_, context, "/redflag.v1.AlertService/GetAlert", *req, [&]() -> absl::Status {
    if (req->alert_id().empty()) return absl::InvalidArgumentError("alert_id: is required");
    absl::StatusOr<std::optional<v1::Alert>> a = ctx_.alerts->Get(req->alert_id());
    if (!a.ok()) return a.status();
    if (!a->has_value()) {
      return absl::NotFoundError(absl::StrCat("alert_id: no alert '", req->alert_id(), "'"));
    }
    *resp = std::move(**a);
    return absl::OkStatus();
  });
}

grpc::Status AlertServiceImpl::ActOnAlert(grpc::ServerContext* context,
                                          const v1::AlertActionRequest* req, v1::Alert* resp) {
  return Counted(ctx_, context, "/redflag.v1.AlertService/ActOnAlert", *req, [&]() -> absl::Status {
    const absl::Time now = ctx_.now();
    v1::AlertActionRequest action = *req;
    action.set_actor(AuditActor(ctx_, *context, req->actor()));
    if (absl::Status s = ValidateAlertAction(action, now); !s.ok()) return s;
    absl::StatusOr<v1::Alert> a = ctx_.alerts->Act(action, now);
    if (!a.ok()) return a.status();
    *resp = std::move(*a);
    return absl::OkStatus();
  });
}

}  // namespace redflag
