#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status CustomerServiceImpl::UpsertCustomer(grpc::ServerContext* context,
                                                 const v1::UpsertCustomerRequest* req,
                                                 v1::UpsertCustomerResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.CustomerService/UpsertCustomer", *req,
                 [&]() -> absl::Status {
                   if (absl::Status s = ValidateCustomerProfile(req->profile()); !s.ok()) return s;
                   auto out = ctx_.customers->Upsert(req->profile(), absl::ToUnixMillis(ctx_.now()),
                                                     AuditActor(ctx_, *context, ""));
                   if (!out.ok()) return out.status();
                   *resp->mutable_customer() = std::move(out->customer);
                   resp->set_changed(out->changed);
                   // Screened at every upsert, changed or not: the lists may have changed.
                   absl::StatusOr<std::vector<v1::ScreeningFinding>> findings =
                       ctx_.screening->Screen(resp->customer(), ctx_.now(), "upsert");
                   if (!findings.ok()) return findings.status();
                   for (v1::ScreeningFinding& f : *findings) *resp->add_screening() = std::move(f);
                   return absl::OkStatus();
                 });
}

grpc::Status CustomerServiceImpl::GetCustomer(grpc::ServerContext* context,
                                              const v1::GetCustomerRequest* req,
                                              v1::Customer* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.CustomerService/GetCustomer", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok()) return s;
        if (req->as_of_unix_ms() < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("as_of_unix_ms: must not be negative, got ", req->as_of_unix_ms()));
        }
        absl::StatusOr<v1::Customer> c =
            req->as_of_unix_ms() == 0
                ? ctx_.customers->Get(req->customer_id())
                : ctx_.customers->GetAsOf(req->customer_id(), req->as_of_unix_ms());
        if (!c.ok()) return c.status();
        *resp = std::move(*c);
        return absl::OkStatus();
      });
}

grpc::Status CustomerServiceImpl::ListCustomerVersions(grpc::ServerContext* context,
                                                       const v1::ListCustomerVersionsRequest* req,
                                                       v1::ListCustomerVersionsResponse* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.CustomerService/ListCustomerVersions", *req,
      [&]() -> absl::Status {
        if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok()) return s;
        if (req->page_size() > 1000) {
          return absl::InvalidArgumentError(
              absl::StrCat("page_size: must be at most 1000, got ", req->page_size()));
        }
        uint64_t after = 0;
        if (!req->page_token().empty() && !absl::SimpleAtoi(req->page_token(), &after)) {
          return absl::InvalidArgumentError("page_token: not one this service gave");
        }
        absl::StatusOr<std::vector<v1::Customer>> v = ctx_.customers->Versions(req->customer_id());
        if (!v.ok()) return v.status();
        // A page ends at its count or at kMaxPageBytes, whichever comes first.
        const int page = req->page_size() == 0 ? 100 : static_cast<int>(req->page_size());
        size_t bytes = 0;
        for (v1::Customer& c : *v) {
          if (c.version() <= after) continue;
          bytes += c.ByteSizeLong() + 8;
          if (resp->versions_size() == page ||
              (resp->versions_size() > 0 && bytes > kMaxPageBytes)) {
            resp->set_next_page_token(
                absl::StrCat(resp->versions(resp->versions_size() - 1).version()));
            break;
          }
          *resp->add_versions() = std::move(c);
        }
        return absl::OkStatus();
      });
}

}  // namespace redflag
