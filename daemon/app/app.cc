#include "daemon/app/app.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/admission/admission_metrics.h"
#include "daemon/admission/pod_admissions.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/audit/audit_log.h"
#include "daemon/audit/in_force.h"
#include "daemon/audit/store_recovery.h"
#include "daemon/backup/backups.h"
#include "daemon/clusters/cluster_fit_alerts.h"
#include "daemon/compute/biological_runs.h"
#include "daemon/compute/compute_alerts.h"
#include "daemon/compute/compute_export.h"
#include "daemon/compute/compute_pass.h"
#include "daemon/compute/red_flag_28.h"
#include "daemon/config/policy_profile.h"
#include "daemon/customers/adversary_training.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/customers/dedicated_capacity_alerts.h"
#include "daemon/customers/kyc_anomalies.h"
#include "daemon/customers/structuring.h"
#include "daemon/decisions/job_decisions.h"
#include "daemon/decisions/licence_notices.h"
#include "daemon/egress/egress_decisions.h"
#include "daemon/egress/weight_egress.h"
#include "daemon/http/http_listeners.h"
#include "daemon/inquiries/inquiry_store.h"
#include "daemon/ledger/ledger.h"
#include "daemon/log/log.h"
#include "daemon/metrics/daemon_metrics.h"
#include "daemon/metrics/metrics.h"
#include "daemon/models/model_registry.h"
#include "daemon/net/bind_probe.h"
#include "daemon/net/call_counter.h"
#include "daemon/net/request_guard.h"
#include "daemon/net/server_credentials.h"
#include "daemon/net/stream_limiter.h"
#include "daemon/records/foreign_person_records.h"
#include "daemon/remote_write/remote_write_metrics.h"
#include "daemon/remote_write/remote_write_receiver.h"
#include "daemon/remote_write/unattributed_alerts.h"
#include "daemon/retention/retention.h"
#include "daemon/screening/customer_screening.h"
#include "daemon/screening/party_lists.h"
#include "daemon/services/services.h"
#include "daemon/storage/disk_space.h"
#include "daemon/storage/schema.h"
#include "daemon/storage/store.h"
#include "daemon/util/periodic.h"
#include "daemon/util/sha256.h"
#include "daemon/version.h"
#include "detectors/country_policy.h"

namespace redflag {

AppState::AppState() = default;
AppState::~AppState() = default;

namespace {

const char* const kServiceNames[] = {
    "redflag.v1.TelemetryService", "redflag.v1.JobService",     "redflag.v1.CustomerService",
    "redflag.v1.AlertService",     "redflag.v1.ComputeService", "redflag.v1.ScreeningService",
    "redflag.v1.AccessService",    "redflag.v1.AuditService",   "redflag.v1.InquiryService",
    "redflag.v1.EgressService",    "redflag.v1.ReportService",  "redflag.v1.StorageService"};

absl::Status LoadConfigStep(AppState& app) {
  absl::StatusOr<Config> c = LoadConfig(app.options.config_path, app.options.overrides);
  if (!c.ok()) return c.status();
  app.config = std::move(*c);
  log::Configure(app.config.log_level == "debug"   ? log::Level::kDebug
                 : app.config.log_level == "warn"  ? log::Level::kWarn
                 : app.config.log_level == "error" ? log::Level::kError
                                                   : log::Level::kInfo,
                 app.config.log_format == "text" ? log::Format::kText : log::Format::kJson);
  // The first line, once the log has its configured level and format.
  log::Info("starting redflagd", {{"version", kVersion}, {"commit", kGitCommit}});
  log::Info("config loaded", {{"source", app.config.source}, {"sha256", app.config.source_sha256}});
  return absl::OkStatus();
}

// Hex SHA-256 of a file's bytes ("" if unreadable: it was read just before).
std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return in ? Sha256Hex(bytes.str()) : "";
}

// Who started the daemon, for steps an operator takes by starting it.
std::string OperatorName() {
  const passwd* pw = getpwuid(geteuid());
  return absl::StrCat("operator ", pw != nullptr ? pw->pw_name : absl::StrCat("uid ", geteuid()),
                      " (redflagd --recover-damaged-wal)");
}

absl::Status LoadCatalogStep(AppState& app) {
  absl::StatusOr<std::shared_ptr<const detectors::Catalog>> c = LoadCatalog(app.config.compute);
  if (!c.ok()) return c.status();
  app.catalog = std::move(*c);
  app.catalog_sha256 = FileSha256(app.config.compute.catalog_file);
  log::Info("accelerator catalog loaded",
            {{"file", app.config.compute.catalog_file},
             {"accelerators", absl::StrCat(app.catalog->entries().size())}});
  return absl::OkStatus();
}

absl::Status LoadCountryPolicyStep(AppState& app) {
  const std::string& file = app.config.policy.country_groups_file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("policy.country_groups_file: ", file, ": cannot read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<detectors::CountryPolicy> p = detectors::CountryPolicy::Parse(text.str(), file);
  if (!p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy.country_groups_file: ", p.status().message()));
  }
  p->set_hong_kong_as_china(app.config.policy.hong_kong_as_china);
  app.country_policy = std::make_shared<const detectors::CountryPolicy>(std::move(*p));
  app.country_groups_sha256 = Sha256Hex(text.str());
  log::Info("country groups loaded", {{"file", file},
                                      {"rows", absl::StrCat(app.country_policy->rows().size())},
                                      {"sha256", Sha256Hex(text.str())}});
  return absl::OkStatus();
}

absl::Status OpenStoreStep(AppState& app) {
  std::error_code ec;
  std::filesystem::create_directories(app.config.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage.data_dir ", app.config.data_dir, ": cannot create: ", ec.message()));
  }
  absl::StatusOr<std::unique_ptr<DiskSpace>> space = DiskSpace::Open(
      app.config.data_dir,
      {.min_free_bytes = app.config.min_free_bytes, .reserve_bytes = app.config.reserve_bytes});
  if (!space.ok()) return space.status();
  app.space = std::move(*space);
  app.space_watch = std::make_unique<Periodic>("rf-disk-space", app.config.space_check_interval,
                                               [space = app.space.get()](absl::Time) {
                                                 space->Check();
                                                 return absl::OkStatus();
                                               });
  StoreRecovery recovery;
  absl::StatusOr<std::unique_ptr<Store>> s =
      OpenRocksDbStore(app.config.data_dir, {.write_buffer_bytes = app.config.write_buffer_bytes,
                                             .space = app.space.get(),
                                             .recover_damaged_wal = app.options.recover_damaged_wal,
                                             .recovery = &recovery});
  if (!s.ok()) return s.status();
  if (!recovery.file.empty()) {
    log::Error("store recovered from a damaged write-ahead log, dropping what could not be read",
               {{"file", recovery.file},
                {"offset", absl::StrCat(recovery.offset)},
                {"damage", recovery.what},
                {"dropped", recovery.Summary()}});
    app.recovery = std::move(recovery);
  } else if (app.options.recover_damaged_wal) {
    log::Info("--recover-damaged-wal: the write-ahead logs are intact; nothing was dropped");
  }
  app.store = std::move(*s);
  log::Info("store opened", {{"data_dir", app.config.data_dir}});
  return absl::OkStatus();
}

absl::Status MigrateStep(AppState& app) {
  absl::StatusOr<uint32_t> found = MigrateSchema(*app.store);
  if (!found.ok()) return found.status();
  log::Info("schema ready",
            {{"found", absl::StrCat(*found)}, {"current", absl::StrCat(kSchemaVersion)}});
  return absl::OkStatus();
}

absl::Status OpenLedgerStep(AppState& app) {
  LedgerOptions o;
  o.durability = app.config.durability;
  o.wal_sync_interval = app.config.wal_sync_interval;
  o.checkpoint_interval = app.config.checkpoint_interval;
  o.limits = app.config.limits;
  absl::StatusOr<std::unique_ptr<Ledger>> l = Ledger::Open(*app.store, o);
  if (!l.ok()) return l.status();
  app.ledger = std::move(*l);
  const bool sync = app.config.durability == Durability::kFsync;
  app.customers = std::make_unique<CustomerRegistry>(*app.store, sync);
  app.models = std::make_unique<ModelRegistry>(*app.store, sync);
  absl::StatusOr<std::unique_ptr<AuditLog>> audit = AuditLog::Open(*app.store, sync);
  if (!audit.ok()) return audit.status();
  app.audit = std::move(*audit);
  app.customers->set_audit(app.audit.get());
  app.models->set_audit(app.audit.get());
  app.alerts = std::make_unique<AlertStore>(*app.store, sync, app.audit.get());
  app.alerts->set_policy_profile(ResolvePolicyProfile(app.config.policy).Label());
  app.inquiries = std::make_unique<InquiryStore>(*app.store, *app.audit);
  app.backups =
      std::make_unique<Backups>(*app.ledger, *app.store, *app.audit, app.config.backup_dir);
  // What applies from now on, in the audit log when it changed since last run.
  const ComputeConfig& cc = app.config.compute;
  absl::StatusOr<bool> recorded = RecordInForce(
      *app.audit, *app.store, "policy",
      {{"profile", ResolvePolicyProfile(app.config.policy).Label()},
       {"config", app.config.source},
       {"config_sha256", app.config.source_sha256},
       {"country_groups_file", app.config.policy.country_groups_file},
       {"country_groups_sha256", app.country_groups_sha256},
       {"catalog_file", cc.catalog_file},
       {"catalog_sha256", app.catalog_sha256},
       {"levels", absl::StrFormat("info %g; warning %g; high %g; critical %g", cc.level_info,
                                  cc.level_warning, cc.level_high, cc.level_critical)},
       {"rf28_level", absl::StrFormat("%g", app.config.policy.rf28_level)},
       // What a quarterly report needs to apply this profile's reporting
       // duties to its quarter later (reports/reporting_sections.cc).
       {"rules", absl::StrJoin(app.config.policy.rules, ",")},
       {"reportable_runs_by", app.config.policy.reportable_runs_by_lineage ? "lineage" : "job"},
       {"foreign_record_due_days", absl::StrCat(app.config.policy.foreign_record_due_days)}},
      absl::Now());
  if (app.recovery) {
    absl::Status r = RecordStoreRecovery(*app.recovery, OperatorName(), *app.audit, *app.alerts,
                                         *app.store, absl::Now());
    if (!r.ok()) return r;
  }
  if (!recorded.ok()) {
    // A start on a full disk still serves reads; the next start records it.
    if (app.space->LowReason().empty()) return recorded.status();
    log::Warn("the policy in force is not recorded: disk space low",
              {{"error", std::string(recorded.status().message())}});
  }
  return absl::OkStatus();
}

absl::Status StartComputeStep(AppState& app) {
  app.compute = std::make_unique<ComputeView>(*app.ledger, app.catalog, app.config.compute,
                                              app.customers.get());
  app.compute_alerts = std::make_unique<ComputeAlerts>(*app.compute, *app.alerts,
                                                       app.config.compute.projection_horizon);
  return absl::OkStatus();
}

// The cluster inventory, with the descriptions of its file recorded.
absl::Status LoadClustersStep(AppState& app) {
  app.clusters = std::make_unique<ClusterInventory>(
      *app.store, *app.audit, app.catalog,
      ResolvePolicyProfile(app.config.policy).reporting.clusters);
  app.cluster_fit = std::make_unique<ClusterFitAlerts>(*app.ledger, *app.clusters, *app.alerts);
  app.cluster_fit->Start(app.config.compute.evaluation_interval);
  const std::string& file = app.config.clusters.inventory_file;
  if (file.empty()) return absl::OkStatus();
  absl::StatusOr<int> changed = app.clusters->RecordFile(file, absl::Now());
  if (!changed.ok()) {
    // A start on a full disk still serves; the next start records the file.
    if (!absl::IsUnavailable(changed.status()) || app.space->LowReason().empty()) {
      return changed.status();
    }
    log::Warn("the cluster inventory file is not recorded: disk space low",
              {{"file", file}, {"error", std::string(changed.status().message())}});
    return absl::OkStatus();
  }
  log::Info("cluster inventory file recorded",
            {{"file", file}, {"new_or_changed", absl::StrCat(*changed)}});
  return absl::OkStatus();
}

// Who the customer really is: adversary-linked training on a timer, access
// geography as events arrive.
absl::Status StartCustomerRulesStep(AppState& app) {
  const PolicyProfile profile = ResolvePolicyProfile(app.config.policy);
  log::Info("policy profile",
            {{"profile", profile.Label()},
             {"rf28", profile.rf28 ? "on" : "off"},
             {"adversary_linked_training", profile.adversary_linked_training ? "on" : "off"},
             {"weight_egress", profile.weight_egress ? "on" : "off"}});
  app.adversary_training = std::make_unique<AdversaryTraining>(
      *app.ledger, *app.customers, *app.alerts, app.country_policy,
      app.config.policy.max_ownership_depth, profile.adversary_linked_training);
  app.adversary_training->Start(app.config.compute.evaluation_interval);
  app.dedicated_capacity = std::make_unique<DedicatedCapacityAlerts>(
      *app.ledger, *app.customers, *app.alerts, app.country_policy, app.catalog,
      app.config.policy.max_ownership_depth);
  app.dedicated_capacity->Start(app.config.compute.evaluation_interval);
  if (profile.rf28) {
    app.red_flag_28 =
        std::make_unique<RedFlag28>(*app.compute, *app.models, *app.customers, *app.alerts,
                                    *app.inquiries, app.country_policy, app.config.policy);
  }
  app.structuring = std::make_unique<Structuring>(
      *app.compute, *app.ledger, *app.customers, *app.alerts, app.config.policy.structuring_window);
  // One pass over all figures per interval, for every detector that judges them.
  std::vector<std::pair<std::string, ComputePass::Detector>> detectors = {
      {"compute_level",
       [c = app.compute_alerts.get()](const ComputeEvaluation& e, absl::Time now) {
         return c->Evaluate(e, now);
       }},
      {"structuring", [s = app.structuring.get()](const ComputeEvaluation& e, absl::Time now) {
         return s->Evaluate(e, now);
       }}};
  app.compute_export = std::make_unique<ComputeExport>(
      app.compute->levels(), app.config.compute.export_floor, app.config.compute.export_top_n);
  detectors.push_back(
      {"metrics", [x = app.compute_export.get()](const ComputeEvaluation& e, absl::Time now) {
         return x->Evaluate(e, now);
       }});
  app.egress_decisions = std::make_unique<EgressDecisions>(
      *app.compute, *app.models, *app.inquiries, *app.audit, *app.store, app.country_policy,
      EgressDecisionOptions{.level = app.config.policy.rf28_level,
                            .policy_profile = profile.Label(),
                            .cache_for = app.config.decisions.cache_for});
  detectors.push_back({"egress_decisions", [e = app.egress_decisions.get()](
                                               const ComputeEvaluation& eval, absl::Time now) {
                         return e->Update(eval, now);
                       }});
  app.access = std::make_unique<AccessLog>(*app.store, app.config.durability == Durability::kFsync,
                                           *app.customers, *app.alerts, app.country_policy,
                                           app.config.policy);
  app.records = std::make_unique<RecordStore>(*app.store, *app.audit);
  app.foreign_records = std::make_unique<ForeignPersonRecords>(
      *app.records, *app.customers, *app.access, *app.alerts,
      profile.reporting.foreign_person_records, app.config.policy.max_ownership_depth);
  detectors.push_back({"foreign_person_records",
                       [f = app.foreign_records.get()](const ComputeEvaluation& e, absl::Time now) {
                         return f->Evaluate(e, now);
                       }});
  if (profile.reporting.biological_sequence_runs.on) {
    app.biological_runs = std::make_unique<BiologicalSequenceRuns>(*app.alerts, profile.reporting);
    detectors.push_back(
        {"biological_sequence_run",
         [b = app.biological_runs.get()](const ComputeEvaluation& e, absl::Time now) {
           return b->Evaluate(e, now);
         }});
  }
  if (app.red_flag_28) {
    detectors.push_back(
        {"rf28", [r = app.red_flag_28.get()](const ComputeEvaluation& e, absl::Time now) {
           return r->Evaluate(e, now);
         }});
  }
  app.compute_pass = std::make_unique<ComputePass>(*app.compute, std::move(detectors),
                                                   app.config.compute.evaluation_interval);
  app.egress = std::make_unique<WeightEgress>(
      *app.store, app.config.durability == Durability::kFsync, *app.compute, *app.models,
      *app.alerts, app.country_policy, app.config.policy.rf28_level, profile.weight_egress);
  app.reports = std::make_unique<QuarterlyReports>(*app.ledger, *app.compute, *app.customers,
                                                   *app.audit, *app.store, app.clusters.get(),
                                                   app.records.get(), profile);
  app.retention =
      std::make_unique<Retention>(*app.ledger, *app.reports, *app.store, app.config.retention);
  app.retention->Start();
  app.decisions = std::make_unique<JobDecisions>(
      *app.customers, *app.alerts, *app.audit, *app.store, app.country_policy, app.catalog,
      JobDecisionOptions{.policy = {.block_score = app.config.decisions.block_score,
                                    .kyc_review_score = app.config.decisions.kyc_review_score,
                                    .adversary_training =
                                        app.config.decisions.adversary_training == "deny" ||
                                                (app.config.decisions.adversary_training.empty() &&
                                                 profile.adversary_linked_training)
                                            ? detectors::Verdict::kDeny
                                            : detectors::Verdict::kReview,
                                    .no_profile = app.config.decisions.no_profile_denies
                                                      ? detectors::Verdict::kDeny
                                                      : detectors::Verdict::kReview},
                         .policy_profile = profile.Label(),
                         .cache_for = app.config.decisions.cache_for,
                         .max_ownership_depth = app.config.policy.max_ownership_depth});
  app.licence_notices =
      std::make_unique<LicenceNotices>(*app.alerts, app.config.decisions.licence_notice);
  app.licence_notices->Start(app.config.compute.evaluation_interval);
  return absl::OkStatus();
}

// Each list version in use, in the audit log when it changed.
void RecordListsInForce(AppState& app) {
  for (const ListStatus& l : app.lists->Status()) {
    if (!l.in_use) continue;
    absl::StatusOr<bool> r = RecordInForce(
        *app.audit, *app.store, absl::StrCat("list/", l.name),
        {{"files", absl::StrJoin(l.in_use->files, ", ")},
         {"sha256", l.in_use->sha256},
         {"entries", absl::StrCat(l.in_use->index->entries().size())},
         {"file_mtime",
          absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(l.in_use->file_mtime_unix),
                           absl::UTCTimeZone())},
         {"published",
          absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(l.in_use->published_unix),
                           absl::UTCTimeZone())},
         {"dated_by", l.in_use->published_source}},
        absl::Now());
    if (!r.ok())
      log::Error("recording the list in force failed", {{"error", r.status().ToString()}});
  }
}

// Lists that fail to load leave screening without them (logged, and in
// /metrics); ingestion and every other detection still start.
absl::Status StartScreeningStep(AppState& app) {
  app.lists = std::make_unique<PartyLists>(app.config.screening);
  app.screening = std::make_unique<CustomerScreening>(
      *app.lists, *app.store, app.config.durability == Durability::kFsync, *app.alerts,
      *app.customers, app.config.policy.bis_affiliates_rule);
  // Scored with whatever lists are in use (officers match nothing without).
  app.kyc = std::make_unique<KycAnomalies>(*app.ledger, *app.customers, *app.lists, *app.alerts,
                                           app.config.kyc);
  app.kyc->Start(app.config.compute.evaluation_interval);
  if (!app.lists->configured()) {
    log::Warn("no restricted-party list configured (screening.csl_file, screening.ofac_sdn_file)");
    return absl::OkStatus();
  }
  app.lists->Refresh(true);
  CustomerScreening* screening = app.screening.get();
  // Called on the lists' thread only: first at start, then on each change.
  auto rescreen = [screening, &app,
                   at_start = true](const std::vector<std::string>& changed) mutable {
    RecordListsInForce(app);
    absl::StatusOr<size_t> n =
        screening->ScreenAll(absl::Now(), std::exchange(at_start, false) ? "start" : "list_change");
    if (!n.ok()) {
      log::Error("re-screening customers failed", {{"error", n.status().ToString()}});
      return;
    }
    log::Info("customers re-screened",
              {{"customers", absl::StrCat(*n)}, {"lists_changed", absl::StrJoin(changed, ",")}});
  };
  // Customers stored before this start are screened against the lists as
  // they are now, on the lists' thread.
  app.lists->Start(rescreen);
  return absl::OkStatus();
}

absl::Status MetricsStep(AppState& app) {
  app.metrics = std::make_unique<Metrics>();
  RegisterDaemonMetrics(*app.metrics, app);
  return absl::OkStatus();
}

absl::Status StartGrpcStep(AppState& app) {
  app.streams = std::make_unique<StreamLimiter>(app.config.grpc_max_streams,
                                                app.config.grpc_stream_idle_timeout);
  absl::StatusOr<Security> security = SecurityFor(app.config, app.metrics.get());
  if (!security.ok()) return security.status();
  app.authorizer = std::move(security->authorizer);
  if (app.authorizer->local_admin()) {
    log::Warn("no TLS: every call is the local administrator",
              {{"grpc_listen", app.config.grpc_listen}, {"mode", security->mode}});
  } else {
    log::Info("gRPC security",
              {{"mode", security->mode}, {"policy_file", app.config.security.policy_file}});
    app.policy_watch = std::make_unique<Periodic>(
        "policy-watch", app.config.security.refresh_interval,
        [&app](absl::Time) { return app.authorizer->ReloadIfChanged(); });
  }
  ServiceContext ctx{.limits = &app.config.limits,
                     .ledger = app.ledger.get(),
                     .customers = app.customers.get(),
                     .alerts = app.alerts.get(),
                     .metrics = app.metrics.get(),
                     .compute = app.compute.get(),
                     .models = app.models.get(),
                     .lists = app.lists.get(),
                     .screening = app.screening.get(),
                     .access = app.access.get(),
                     .audit = app.audit.get(),
                     .audit_store = app.store.get(),
                     .inquiries = app.inquiries.get(),
                     .egress = app.egress.get(),
                     .reports = app.reports.get(),
                     .backups = app.backups.get(),
                     .streams = app.streams.get(),
                     .shutting_down = &app.shutting_down,
                     .authorizer = app.authorizer.get(),
                     .decisions = app.decisions.get(),
                     .egress_decisions = app.egress_decisions.get(),
                     .clusters = app.clusters.get(),
                     .records = app.records.get()};
  app.telemetry_service = std::make_unique<TelemetryServiceImpl>(ctx);
  app.job_service = std::make_unique<JobServiceImpl>(ctx);
  app.customer_service = std::make_unique<CustomerServiceImpl>(ctx);
  app.alert_service = std::make_unique<AlertServiceImpl>(ctx);
  app.compute_service = std::make_unique<ComputeServiceImpl>(ctx);
  app.screening_service = std::make_unique<ScreeningServiceImpl>(ctx);
  app.access_service = std::make_unique<AccessServiceImpl>(ctx);
  app.audit_service = std::make_unique<AuditServiceImpl>(ctx);
  app.inquiry_service = std::make_unique<InquiryServiceImpl>(ctx);
  app.egress_service = std::make_unique<EgressServiceImpl>(ctx);
  app.report_service = std::make_unique<ReportServiceImpl>(ctx);
  app.storage_service = std::make_unique<StorageServiceImpl>(ctx);
  app.decision_service = std::make_unique<DecisionServiceImpl>(ctx);
  app.cluster_service = std::make_unique<ClusterServiceImpl>(ctx);
  app.record_service = std::make_unique<RecordServiceImpl>(ctx);

  InstallProtobufLogHandler();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(app.config.grpc_listen, security->credentials, &app.grpc_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(app.config.grpc_max_message_bytes));
  // gRPC sets SO_REUSEPORT by default: a second daemon on the same port would
  // start and take half the connections against another data dir.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A thread per call in progress, at most grpc.max_threads; idle and dead
  // connections are closed.
  grpc::ResourceQuota quota("redflagd");
  quota.SetMaxThreads(static_cast<int>(app.config.grpc_max_threads));
  builder.SetResourceQuota(quota);
  auto ms = [](absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(app.config.grpc_keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(app.config.grpc_keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ms(app.config.grpc_max_connection_idle));
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(CountInto(app.calls));
  interceptors.push_back(NewRequestGuard());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(app.telemetry_service.get());
  builder.RegisterService(app.job_service.get());
  builder.RegisterService(app.customer_service.get());
  builder.RegisterService(app.alert_service.get());
  builder.RegisterService(app.compute_service.get());
  builder.RegisterService(app.screening_service.get());
  builder.RegisterService(app.access_service.get());
  builder.RegisterService(app.audit_service.get());
  builder.RegisterService(app.inquiry_service.get());
  builder.RegisterService(app.egress_service.get());
  builder.RegisterService(app.decision_service.get());
  builder.RegisterService(app.cluster_service.get());
  builder.RegisterService(app.record_service.get());
  builder.RegisterService(app.report_service.get());
  builder.RegisterService(app.storage_service.get());
  app.grpc_server = builder.BuildAndStart();
  if (!app.grpc_server || app.grpc_port == 0) {
    app.grpc_server.reset();
    const std::string why = BindFailureReason(app.config.grpc_listen);
    return absl::UnavailableError(absl::StrCat("grpc.listen ", app.config.grpc_listen,
                                               ": cannot listen", why.empty() ? "" : ": ", why));
  }
  // gRPC's health service starts with the server as a whole SERVING: not
  // until every start-up step is done (ServeStep).
  app.grpc_server->GetHealthCheckService()->SetServingStatus(false);
  log::Info("gRPC listening",
            {{"addr", app.config.grpc_listen}, {"port", absl::StrCat(app.grpc_port)}});
  return absl::OkStatus();
}

std::string NotReadyReason(const AppState& app) {
  if (app.shutting_down) return "shutting down";
  if (!app.serving) return "starting";
  if (!app.ledger->healthy()) {
    return absl::StrCat(app.ledger->failure_reason(), "; writes refused until restart");
  }
  std::vector<std::string> reasons;
  // Nearly every thread taken: new calls are about to be refused.
  const uint32_t calls = app.calls.in_flight(), threads = app.config.grpc_max_threads;
  if (calls + threads / 10 >= threads) {
    reasons.push_back(
        absl::StrCat("gRPC busy: ", calls, " calls in progress, grpc.max_threads ", threads));
  }
  for (const auto& [domain, why] : app.store->UnreadableDomains()) reasons.push_back(why);
  if (std::string blocked = app.ledger->checkpoint_blocked_reason(); !blocked.empty()) {
    reasons.push_back(blocked);
  }
  if (std::string low = app.space->LowReason(); !low.empty()) reasons.push_back(low);
  return absl::StrJoin(reasons, "; ");
}

// Before anything is opened: the listeners' security as configured can be
// had (files readable, key matching certificate, policy valid, no plaintext
// remote listener unless allowed). --check-config stops after this.
absl::Status CheckSecurityStep(AppState& app) {
  absl::StatusOr<Security> grpc = SecurityFor(app.config, nullptr);
  if (!grpc.ok()) return grpc.status();
  if (absl::Status s = CheckHttpConfig(app.config); !s.ok()) return s;
  const SecurityConfig& sec = app.config.security;
  if (sec.cert_file.empty()) return absl::OkStatus();
  return ServerTls::Load({.cert_file = sec.cert_file,
                          .key_file = sec.key_file,
                          .client_ca_file = sec.client_ca_file,
                          .min_version = sec.min_tls_version},
                         nullptr)
      .status();
}

absl::Status StartHttpStep(AppState& app) {
  OperatorEndpoints endpoints{.metrics = [&app] { return app.metrics->Render(); },
                              .not_ready_reason = [&app] { return NotReadyReason(app); },
                              .remote_write = nullptr,
                              .admission = nullptr};
  if (app.config.remote_write.enabled) {
    const RemoteWriteConfig& rw = app.config.remote_write;
    // A pod job's end goes on record as an EndJob call's does, in the name
    // of whoever sent the facts that ended it.
    auto audit_end = [&app](const v1::Job& job, const std::string& principal,
                            const std::string& why) {
      std::unique_ptr<WriteBatch> wb = app.store->NewBatch();
      absl::StatusOr<v1::AuditRecord> r = app.audit->Write(
          *wb,
          {absl::StrCat(principal.empty() ? "anonymous" : principal, " (kube-state-metrics)"),
           "job.ended",
           absl::StrCat("job/", job.spec().job_id()),
           {{"end_unix_ms", absl::StrCat(job.end_unix_ms())},
            {"customer_id", job.spec().customer_id()},
            {"accelerator_ms", absl::StrCat(job.totals().accelerator_ms())},
            {"why", why}}},
          absl::Now());
      if (!r.ok()) {
        log::Error("a pod job's end is not in the audit log",
                   {{"job_id", job.spec().job_id()}, {"error", std::string(r.status().message())}});
      }
    };
    app.remote_write = std::make_unique<RemoteWriteReceiver>(
        RemoteWriteOptions{
            .max_request_bytes = rw.max_request_bytes,
            .collection_interval = rw.collection_interval,
            .labels = {.cluster = rw.cluster_label, .default_cluster = rw.default_cluster},
            .kube_labels = {.cluster = rw.cluster_label,
                            .default_cluster = rw.default_cluster,
                            .customer = KubeStateLabelName(rw.customer_label)},
            .pod_gone_after = rw.pod_gone_after,
            .dedicated_clusters = app.config.admission.dedicated_clusters},
        &app.config.limits, app.ledger.get(), audit_end);
    RegisterRemoteWriteMetrics(*app.metrics, *app.remote_write);
    app.unattributed_alerts = std::make_unique<UnattributedAlerts>(
        *app.remote_write, *app.ledger, *app.alerts,
        detectors::UnattributedPolicy{
            .alert_ms =
                static_cast<uint64_t>(absl::ToInt64Milliseconds(rw.unattributed_alert_time)),
            .min_ms = static_cast<uint64_t>(absl::ToInt64Milliseconds(rw.unattributed_alert_min)),
            .share = rw.unattributed_alert_share},
        app.config.compute.evaluation_interval);
    endpoints.remote_write = [&app](const HttpCall& call) {
      return app.remote_write->Handle(call);
    };
    if (app.config.admission.enabled) {
      const AdmissionConfig& ad = app.config.admission;
      app.pod_admissions = std::make_unique<PodAdmissions>(
          PodAdmissionOptions{.gpu_resources = ad.gpu_resources,
                              .customer_label = rw.customer_label,
                              .accelerator_label = ad.accelerator_label,
                              .default_accelerator = ad.default_accelerator,
                              .dedicated_clusters = ad.dedicated_clusters,
                              .review_allows = ad.review_allows,
                              .unknown_namespace_allows = ad.unknown_namespace_allows},
          *app.decisions, app.remote_write->pods(), app.config.limits);
      RegisterAdmissionMetrics(*app.metrics, *app.pod_admissions);
      endpoints.admission = [&app](const HttpCall& call) {
        return app.pod_admissions->Handle(call, absl::Now());
      };
    }
  }
  absl::StatusOr<HttpListeners> http =
      StartHttpListeners(app.config, app.authorizer.get(), app.metrics.get(), endpoints);
  if (!http.ok()) return http.status();
  app.http = std::make_unique<HttpListeners>(std::move(*http));
  log::Info("HTTP listening", {{"addr", app.config.http_listen},
                               {"port", absl::StrCat(app.http->main->port())},
                               {"tls", app.http->tls == nullptr ? "no" : "yes"}});
  if (app.http->health != nullptr) {
    log::Info("HTTP health listening", {{"addr", app.config.http_health_listen},
                                        {"port", absl::StrCat(app.http->health->port())}});
  }
  return absl::OkStatus();
}

absl::Status ServeStep(AppState& app) {
  auto* health = app.grpc_server->GetHealthCheckService();
  // Each service first: a client that saw the server as a whole serving finds
  // every service serving too.
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);
  health->SetServingStatus(true);
  app.serving = true;
  if (!app.options.port_file.empty()) {
    std::string tmp = app.options.port_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << absl::StrFormat("{\"grpc_port\": %d, \"http_port\": %d, \"health_port\": %d}\n",
                             app.grpc_port, app.http->main->port(),
                             app.http->health == nullptr ? 0 : app.http->health->port());
    }
    if (std::rename(tmp.c_str(), app.options.port_file.c_str()) != 0) {
      return absl::UnavailableError(
          absl::StrCat("--port-file ", app.options.port_file, ": cannot write"));
    }
  }
  log::Info("redflagd serving", {{"version", kVersion}});
  return absl::OkStatus();
}

// Blocks until SIGTERM or SIGINT; SIGHUP re-reads the restricted-party lists.
void WaitForSignal(const sigset_t& set, AppState& app) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGTERM || sig == SIGINT) {
      log::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      return;
    }
    if (sig == SIGHUP) {
      log::Info("re-reading restricted-party lists and the authorization policy",
                {{"signal", "SIGHUP"}});
      app.lists->RequestReload();
      if (app.authorizer != nullptr) app.authorizer->Reload().IgnoreError();  // logged, counted
      continue;
    }
    log::Info("signal ignored", {{"signal", absl::StrCat(sig)}});
  }
}

// Exits the process once `timeout` has passed, whatever is still running:
// stopping is bounded even if something below hangs. Everything acknowledged
// is durable already; a final checkpoint is a convenience.
void BoundShutdown(absl::Duration timeout) {
  std::thread([timeout] {
    absl::SleepFor(timeout);
    log::Error("shutdown did not finish in time; exiting",
               {{"shutdown.timeout", absl::FormatDuration(timeout)}});
    std::fflush(nullptr);
    std::_Exit(1);
  }).detach();
}

void Teardown(AppState& app) {
  app.shutting_down = true;
  if (app.grpc_server) {
    BoundShutdown(app.config.shutdown_timeout);
    auto* health = app.grpc_server->GetHealthCheckService();
    health->SetServingStatus(false);
    // Streams end now; calls in progress finish (each is either durable and
    // acknowledged or not acknowledged) within half the timeout, then are
    // cancelled.
    app.streams->CancelAll();
    app.grpc_server->Shutdown(std::chrono::system_clock::now() +
                              absl::ToChronoMilliseconds(app.config.shutdown_timeout / 2));
    app.grpc_server->Wait();
    log::Debug("gRPC stopped");
  }
  app.http.reset();
  log::Debug("HTTP stopped");
  app.unattributed_alerts.reset();
  app.compute_pass.reset();  // stops the timer before the detectors go
  app.cluster_fit.reset();
  app.licence_notices.reset();
  app.retention.reset();
  app.compute_alerts.reset();
  app.adversary_training.reset();
  app.dedicated_capacity.reset();
  app.red_flag_28.reset();
  app.structuring.reset();
  app.kyc.reset();
  app.lists.reset();  // stops re-reading and re-screening before the store closes
  if (app.ledger) app.ledger->Stop();
  app.ledger.reset();
  app.space_watch.reset();
  app.store.reset();
  app.space.reset();
  log::Info("stopped");
}

}  // namespace

int Run(Options options) {
  // Signals are taken by sigwait in the main thread only: block them before
  // any other thread starts so every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Every file the daemon creates (store, port file) is the owner's alone.
  umask(077);

  AppState app;
  app.options = std::move(options);

  struct Step {
    const char* name;
    absl::Status (*run)(AppState&);
    int exit_code;  // 2 for a configuration error, 1 otherwise
  };
  std::vector<Step> steps = {{"load config", LoadConfigStep, 2},
                             {"load accelerator catalog", LoadCatalogStep, 2},
                             {"load country groups", LoadCountryPolicyStep, 2},
                             {"check listener security", CheckSecurityStep, 2}};
  if (!app.options.check_config_only) {
    steps.insert(steps.end(), {{"open store", OpenStoreStep, 1},
                               {"migrate schema", MigrateStep, 1},
                               {"open ledger", OpenLedgerStep, 1},
                               {"start compute alerts", StartComputeStep, 1},
                               {"load cluster inventory", LoadClustersStep, 1},
                               {"start customer rules", StartCustomerRulesStep, 1},
                               {"start screening", StartScreeningStep, 1},
                               {"start metrics", MetricsStep, 1},
                               {"start gRPC", StartGrpcStep, 1},
                               {"start HTTP", StartHttpStep, 1},
                               {"serve", ServeStep, 1}});
  }
  for (const Step& step : steps) {
    absl::Status s = step.run(app);
    if (!s.ok()) {
      log::Error("start-up failed", {{"step", step.name}, {"error", std::string(s.message())}});
      Teardown(app);
      return step.exit_code;
    }
  }
  if (app.options.check_config_only) {
    log::Info("config is valid", {{"source", app.config.source}});
    return 0;
  }
  WaitForSignal(set, app);
  Teardown(app);
  return 0;
}

}  // namespace redflag
