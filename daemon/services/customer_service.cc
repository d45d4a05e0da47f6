#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status CustomerServiceImpl::UpsertCustomer(grpc::ServerContext*,
                                                 const v1::UpsertCustomerRequest* req,
                                                 v1::UpsertCustomerResponse* resp) {
  return Counted(ctx_.metrics, "UpsertCustomer", [&]() -> absl::Status {
    if (absl::Status s = ValidateCustomerProfile(req->profile()); !s.ok()) return s;
    auto out = ctx_.customers->Upsert(req->profile(), absl::ToUnixMillis(ctx_.now()));
    if (!out.ok()) return out.status();
    *resp->mutable_customer() = std::move(out->customer);
    resp->set_changed(out->changed);
    return absl::OkStatus();
  });
}

grpc::Status CustomerServiceImpl::GetCustomer(grpc::ServerContext*,
                                              const v1::GetCustomerRequest* req,
                                              v1::Customer* resp) {
  return Counted(ctx_.metrics, "GetCustomer", [&]() -> absl::Status {
    if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok()) return s;
    absl::StatusOr<v1::Customer> c = ctx_.customers->Get(req->customer_id());
    if (!c.ok()) return c.status();
    *resp = std::move(*c);
    return absl::OkStatus();
  });
}

}  // namespace redflag
