// gRPC services of redflag.v1: thin adapters that validate a request, hand it
// to the component that owns the data, and map the result to a status.
#pragma once

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/access/access_log.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/clusters/cluster_inventory.h"
#include "daemon/compute/compute_view.h"
#include "daemon/config/config.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/decisions/job_decisions.h"
#include "daemon/egress/egress_decisions.h"
#include "daemon/egress/weight_egress.h"
#include "daemon/inquiries/inquiry_store.h"
#include "daemon/ledger/ledger.h"
#include "daemon/metrics/metrics.h"
#include "daemon/models/model_registry.h"
#include "daemon/net/authorizer.h"
#include "daemon/records/record_store.h"
#include "daemon/reports/quarterly_report.h"
#include "daemon/screening/customer_screening.h"
#include "daemon/screening/party_lists.h"
#include "daemon/validation/bounds.h"
#include "redflag/v1/access.grpc.pb.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/clusters.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/decisions.grpc.pb.h"
#include "redflag/v1/egress.grpc.pb.h"
#include "redflag/v1/inquiries.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/records.grpc.pb.h"
#include "redflag/v1/reports.grpc.pb.h"
#include "redflag/v1/screening.grpc.pb.h"
#include "redflag/v1/storage.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"

namespace redflag {

grpc::Status ToGrpc(const absl::Status& s);

class Metrics;
class Backups;
class StreamLimiter;
struct ServiceContext;

// The method's name without its service ("/redflag.v1.JobService/GetJob" -> "GetJob").
inline std::string ShortMethod(absl::string_view method) {
  return std::string(method.substr(method.rfind('/') + 1));
}

// Who the audit log names for this call: the authenticated principal; a name
// the caller typed (`--actor`) only as "<principal> on behalf of <name>", and
// only where the principal may delegate (Authorizer::Delegates).
std::string AuditActor(const ServiceContext& ctx, const grpc::ServerContextBase& call,
                       absl::string_view typed);

// Whether the caller may call `method` (daemon/net/authorizer.h), every call.
absl::Status Authorized(const ServiceContext& ctx, const grpc::ServerContextBase& call,
                        absl::string_view method);

// Runs a handler body if the caller may, and counts the finished call by
// method and code. `method`: the full name, "/redflag.v1.JobService/GetJob".
template <typename Fn>
grpc::Status Counted(const ServiceContext& ctx, grpc::ServerContextBase* call,
                     absl::string_view method, Fn fn);

// The same, once the request is within its bounds (daemon/validation/bounds.h).
template <typename Fn>
grpc::Status Counted(const ServiceContext& ctx, grpc::ServerContextBase* call,
                     absl::string_view method, const google::protobuf::Message& request, Fn fn) {
  return Counted(ctx, call, method, [&]() -> absl::Status {
    if (absl::Status s = CheckBounds(request); !s.ok()) return s;
    return fn();
  });
}

// What every service needs; `now` is injectable for tests.
struct ServiceContext {
  const IngestLimits* limits;
  Ledger* ledger;
  CustomerRegistry* customers;
  AlertStore* alerts;
  Metrics* metrics;
  const ComputeView* compute;
  ModelRegistry* models;
  const PartyLists* lists;
  CustomerScreening* screening;
  AccessLog* access;
  AuditLog* audit;
  Store* audit_store;  // for batches of audit records written alone
  InquiryStore* inquiries;
  WeightEgress* egress;
  const QuarterlyReports* reports;
  Backups* backups;
  StreamLimiter* streams;
  std::function<absl::Time()> now = absl::Now;
  // Set when the daemon begins to shut down, to end long-lived watches.
  const std::atomic<bool>* shutting_down;
  const Authorizer* authorizer;
  JobDecisions* decisions = nullptr;
  EgressDecisions* egress_decisions = nullptr;
  ClusterInventory* clusters = nullptr;
  RecordStore* records = nullptr;
};

template <typename Fn>
grpc::Status Counted(const ServiceContext& ctx, grpc::ServerContextBase* call,
                     absl::string_view method, Fn fn) {
  absl::Status allowed = Authorized(ctx, *call, method);
  grpc::Status st = ToGrpc(allowed.ok() ? fn() : allowed);
  ctx.metrics->CountRpc(ShortMethod(method), st.error_code());
  return st;
}

class TelemetryServiceImpl final : public v1::TelemetryService::Service {
 public:
  explicit TelemetryServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status Ingest(grpc::ServerContext*, const v1::SampleBatch* batch,
                      v1::BatchAck* ack) override;
  grpc::Status IngestStream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::BatchAck, v1::SampleBatch>* stream) override;

 private:
  absl::Status Process(const v1::SampleBatch& batch, v1::BatchAck& ack);
  ServiceContext ctx_;
};

class JobServiceImpl final : public v1::JobService::Service {
 public:
  explicit JobServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status RegisterJob(grpc::ServerContext*, const v1::RegisterJobRequest*,
                           v1::RegisterJobResponse*) override;
  grpc::Status EndJob(grpc::ServerContext*, const v1::EndJobRequest*, v1::EndJobResponse*) override;
  grpc::Status GetJob(grpc::ServerContext*, const v1::GetJobRequest*, v1::Job*) override;
  grpc::Status ListJobs(grpc::ServerContext*, const v1::ListJobsRequest*,
                        v1::ListJobsResponse*) override;

 private:
  ServiceContext ctx_;
};

class CustomerServiceImpl final : public v1::CustomerService::Service {
 public:
  explicit CustomerServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status UpsertCustomer(grpc::ServerContext*, const v1::UpsertCustomerRequest*,
                              v1::UpsertCustomerResponse*) override;
  grpc::Status GetCustomer(grpc::ServerContext*, const v1::GetCustomerRequest*,
                           v1::Customer*) override;
  grpc::Status ListCustomerVersions(grpc::ServerContext*, const v1::ListCustomerVersionsRequest*,
                                    v1::ListCustomerVersionsResponse*) override;

 private:
  ServiceContext ctx_;
};

class AlertServiceImpl final : public v1::AlertService::Service {
 public:
  explicit AlertServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status ListAlerts(grpc::ServerContext*, const v1::ListAlertsRequest*,
                          v1::ListAlertsResponse*) override;
  grpc::Status WatchAlerts(grpc::ServerContext*, const v1::WatchAlertsRequest*,
                           grpc::ServerWriter<v1::AlertEvent>*) override;
  grpc::Status GetAlert(grpc::ServerContext*, const v1::GetAlertRequest*, v1::Alert*) override;
  grpc::Status ActOnAlert(grpc::ServerContext*, const v1::AlertActionRequest*, v1::Alert*) override;

 private:
  ServiceContext ctx_;
};

class ComputeServiceImpl final : public v1::ComputeService::Service {
 public:
  explicit ComputeServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status GetEstimate(grpc::ServerContext*, const v1::GetEstimateRequest*,
                           v1::EstimateReport*) override;
  grpc::Status SetModelPublication(grpc::ServerContext*, const v1::SetModelPublicationRequest*,
                                   v1::ModelRecord*) override;
  grpc::Status GetModel(grpc::ServerContext*, const v1::GetModelRequest*,
                        v1::ModelRecord*) override;

 private:
  ServiceContext ctx_;
};

class ScreeningServiceImpl final : public v1::ScreeningService::Service {
 public:
  explicit ScreeningServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status Screen(grpc::ServerContext*, const v1::ScreenRequest*, v1::ScreenResponse*) override;
  grpc::Status ListLists(grpc::ServerContext*, const v1::ListListsRequest*,
                         v1::ListListsResponse*) override;
  grpc::Status ListCustomerScreenings(grpc::ServerContext*,
                                      const v1::ListCustomerScreeningsRequest*,
                                      v1::ListCustomerScreeningsResponse*) override;

 private:
  ServiceContext ctx_;
};

class AccessServiceImpl final : public v1::AccessService::Service {
 public:
  explicit AccessServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status RecordAccess(grpc::ServerContext*, const v1::RecordAccessRequest*,
                            v1::RecordAccessResponse*) override;
  grpc::Status GetAccessSummary(grpc::ServerContext*, const v1::GetAccessSummaryRequest*,
                                v1::AccessSummary*) override;

 private:
  ServiceContext ctx_;
};

class InquiryServiceImpl final : public v1::InquiryService::Service {
 public:
  explicit InquiryServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status GetInquiry(grpc::ServerContext*, const v1::GetInquiryRequest*,
                          v1::Inquiry*) override;
  grpc::Status ListInquiries(grpc::ServerContext*, const v1::ListInquiriesRequest*,
                             v1::ListInquiriesResponse*) override;
  grpc::Status AdvanceInquiry(grpc::ServerContext*, const v1::AdvanceInquiryRequest*,
                              v1::Inquiry*) override;

 private:
  ServiceContext ctx_;
};

class EgressServiceImpl final : public v1::EgressService::Service {
 public:
  explicit EgressServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status RecordEgress(grpc::ServerContext*, const v1::RecordEgressRequest*,
                            v1::RecordEgressResponse*) override;
  grpc::Status CheckEgress(grpc::ServerContext*, const v1::CheckEgressRequest*,
                           v1::Decision*) override;

 private:
  ServiceContext ctx_;
};

class ClusterServiceImpl final : public v1::ClusterService::Service {
 public:
  explicit ClusterServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status UpsertCluster(grpc::ServerContext*, const v1::UpsertClusterRequest*,
                             v1::UpsertClusterResponse*) override;
  grpc::Status ListClusters(grpc::ServerContext*, const v1::ListClustersRequest*,
                            v1::ListClustersResponse*) override;
  grpc::Status GetClusterHistory(grpc::ServerContext*, const v1::GetClusterHistoryRequest*,
                                 v1::ClusterHistory*) override;

 private:
  ServiceContext ctx_;
};

class RecordServiceImpl final : public v1::RecordService::Service {
 public:
  explicit RecordServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status ListRecords(grpc::ServerContext*, const v1::ListRecordsRequest*,
                           v1::ListRecordsResponse*) override;
  grpc::Status GetRecord(grpc::ServerContext*, const v1::GetRecordRequest*,
                         v1::ForeignPersonRecord*) override;
  grpc::Status FileRecord(grpc::ServerContext*, const v1::FileRecordRequest*,
                          v1::ForeignPersonRecord*) override;

 private:
  ServiceContext ctx_;
};

// The callback API: a scheduler's question is answered on the thread that
// read it, without the synchronous server's hand-off to a worker thread
// (the admission path's latency is what schedulers wait on).
class DecisionServiceImpl final : public v1::DecisionService::CallbackService {
 public:
  explicit DecisionServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::ServerUnaryReactor* CheckJob(grpc::CallbackServerContext*, const v1::CheckJobRequest*,
                                     v1::Decision*) override;

 private:
  ServiceContext ctx_;
};

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  explicit AuditServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status ListAudit(grpc::ServerContext*, const v1::ListAuditRequest*,
                         v1::ListAuditResponse*) override;

 private:
  ServiceContext ctx_;
};

class StorageServiceImpl final : public v1::StorageService::Service {
 public:
  explicit StorageServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status CreateBackup(grpc::ServerContext*, const v1::CreateBackupRequest*,
                            v1::Backup*) override;

 private:
  ServiceContext ctx_;
};

class ReportServiceImpl final : public v1::ReportService::Service {
 public:
  explicit ReportServiceImpl(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  grpc::Status GetQuarterlyReport(grpc::ServerContext*, const v1::GetQuarterlyReportRequest*,
                                  v1::QuarterlyReport*) override;

 private:
  ServiceContext ctx_;
};

}  // namespace redflag
