// The daemon's life story as an ordered list of small steps, each of which
// may fail with a clear message, and a teardown that always runs in reverse.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "daemon/config/config.h"
#include "daemon/net/call_counter.h"
#include "daemon/storage/store.h"

namespace grpc {
class Server;
}

namespace redflag {

class DiskSpace;
class Periodic;
class Ledger;
class CustomerRegistry;
class ModelRegistry;
class AlertStore;
class Metrics;
class Authorizer;
struct HttpListeners;
class RemoteWriteReceiver;
class PodAdmissions;
class JobDecisions;
class EgressDecisions;
class DecisionServiceImpl;
class ClusterInventory;
class ClusterFitAlerts;
class BiologicalSequenceRuns;
class RecordStore;
class ForeignPersonRecords;
class RecordServiceImpl;
class LicenceNotices;
class ClusterServiceImpl;
class UnattributedAlerts;
class TelemetryServiceImpl;
class JobServiceImpl;
class CustomerServiceImpl;
class AlertServiceImpl;
class ComputeServiceImpl;
class ComputeView;
class ComputeAlerts;
class PartyLists;
class AdversaryTraining;
class DedicatedCapacityAlerts;
class AccessLog;
class AccessServiceImpl;
class AuditLog;
class AuditServiceImpl;
class InquiryStore;
class InquiryServiceImpl;
class RedFlag28;
class Structuring;
class ComputePass;
class ComputeExport;
class KycAnomalies;
class WeightEgress;
class EgressServiceImpl;
class QuarterlyReports;
class ReportServiceImpl;
class StorageServiceImpl;
class Backups;
class StreamLimiter;
class Retention;
class CustomerScreening;
class ScreeningServiceImpl;
namespace detectors {
class Catalog;
class CountryPolicy;
}  // namespace detectors

struct Options {
  std::string config_path;
  std::vector<std::string> overrides;  // -o key=value
  // Written once serving: {"grpc_port": N, "http_port": M}; for tests and
  // scripts that start the daemon on port 0.
  std::string port_file;
  bool check_config_only = false;
  // The operator's explicit step: open a store whose write-ahead log is
  // damaged, dropping what cannot be read.
  bool recover_damaged_wal = false;
};

struct AppState {
  Options options;
  Config config;
  std::unique_ptr<DiskSpace> space;
  std::unique_ptr<Periodic> space_watch;
  std::unique_ptr<Store> store;
  // What --recover-damaged-wal dropped, recorded once the audit log is open.
  std::optional<StoreRecovery> recovery;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<CustomerRegistry> customers;
  std::unique_ptr<ModelRegistry> models;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<AlertStore> alerts;
  std::unique_ptr<InquiryStore> inquiries;
  std::unique_ptr<Backups> backups;
  std::shared_ptr<const detectors::Catalog> catalog;
  std::unique_ptr<ComputeView> compute;
  std::unique_ptr<ComputeAlerts> compute_alerts;
  std::unique_ptr<ComputeExport> compute_export;
  std::unique_ptr<EgressDecisions> egress_decisions;  // before compute_pass, which updates it
  std::unique_ptr<ComputePass> compute_pass;
  std::shared_ptr<const detectors::CountryPolicy> country_policy;
  std::string country_groups_sha256;
  std::string catalog_sha256;
  std::unique_ptr<PartyLists> lists;
  std::unique_ptr<CustomerScreening> screening;
  std::unique_ptr<AdversaryTraining> adversary_training;
  std::unique_ptr<DedicatedCapacityAlerts> dedicated_capacity;
  std::unique_ptr<RedFlag28> red_flag_28;
  std::unique_ptr<Structuring> structuring;
  std::unique_ptr<BiologicalSequenceRuns> biological_runs;
  std::unique_ptr<RecordStore> records;
  std::unique_ptr<ForeignPersonRecords> foreign_records;
  std::unique_ptr<KycAnomalies> kyc;
  std::unique_ptr<WeightEgress> egress;
  std::unique_ptr<AccessLog> access;
  std::unique_ptr<JobDecisions> decisions;  // DecisionService's facts
  std::unique_ptr<LicenceNotices> licence_notices;
  std::unique_ptr<ClusterInventory> clusters;
  std::unique_ptr<ClusterFitAlerts> cluster_fit;
  std::unique_ptr<QuarterlyReports> reports;
  std::unique_ptr<Retention> retention;
  std::unique_ptr<TelemetryServiceImpl> telemetry_service;
  std::unique_ptr<JobServiceImpl> job_service;
  std::unique_ptr<CustomerServiceImpl> customer_service;
  std::unique_ptr<AlertServiceImpl> alert_service;
  std::unique_ptr<ComputeServiceImpl> compute_service;
  std::unique_ptr<ScreeningServiceImpl> screening_service;
  std::unique_ptr<AccessServiceImpl> access_service;
  std::unique_ptr<AuditServiceImpl> audit_service;
  std::unique_ptr<InquiryServiceImpl> inquiry_service;
  std::unique_ptr<EgressServiceImpl> egress_service;
  std::unique_ptr<ReportServiceImpl> report_service;
  std::unique_ptr<StorageServiceImpl> storage_service;
  std::unique_ptr<DecisionServiceImpl> decision_service;
  std::unique_ptr<ClusterServiceImpl> cluster_service;
  std::unique_ptr<RecordServiceImpl> record_service;
  std::unique_ptr<StreamLimiter> streams;
  std::unique_ptr<Authorizer> authorizer;
  // Re-reads the authorization policy when it changes; declared after it, so
  // it stops first.
  std::unique_ptr<Periodic> policy_watch;
  CallCounter calls;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<RemoteWriteReceiver> remote_write;  // before http, which calls it
  std::unique_ptr<PodAdmissions> pod_admissions;      // likewise
  std::unique_ptr<UnattributedAlerts> unattributed_alerts;
  std::unique_ptr<HttpListeners> http;
  int grpc_port = 0;
  std::atomic<bool> serving{false};
  std::atomic<bool> shutting_down{false};

  AppState();
  ~AppState();
};

// Runs the daemon until SIGTERM or SIGINT; returns the process exit code.
int Run(Options options);

}  // namespace redflag
