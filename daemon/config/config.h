// The daemon's configuration: defaults, YAML loading with located errors, and
// command-line overrides (-o key=value). Loading either yields a complete,
// valid Config or an error listing every problem with file, line and key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag {

enum class Durability {
  // Every acknowledged batch is fsynced first; concurrent batches share one
  // fsync (group commit). Survives power loss.
  kFsync,
  // Acknowledged after the write-ahead log append reaches the kernel
  // (survives a process crash); the log is fsynced every wal_sync_interval.
  kGroupCommit,
};

struct IngestLimits {
  uint32_t max_batch_samples = 10000;
  absl::Duration max_sample_window = absl::Hours(1);
  absl::Duration max_future_skew = absl::Minutes(5);
  // Windows starting before this are absurd (clock reset, unit mix-up).
  absl::Time min_event_time = absl::FromUnixSeconds(1420070400);  // 2015-01-01
  uint32_t max_accelerators_per_job = 10'000'000;
  // Upper bounds of a single sample's counters, far above any real window.
  uint64_t max_tokens_per_sample = 1'000'000'000'000'000ULL;  // 1e18
  double max_operations_per_sample = 1e30;
  // Batches waiting for the ledger; a full queue back-pressures clients and,
  // after queue_timeout, answers UNAVAILABLE so they retry.
  uint32_t queue_batches = 64;
  absl::Duration queue_timeout = absl::Seconds(5);
};

// How operations are estimated (docs/compute.md); mirrors
// detectors::EstimatorOptions and LineageOptions.
struct ComputeConfig {
  std::string catalog_file = "config/accelerators.csv";  // relative to the working directory
  double utilization_prior = 0.375;
  double utilization_prior_low = 0.1;
  double measured_lower_fraction = 0.5;
  double activity_margin = 1.1;
  double non_tensor_fraction = 0.25;
  double measured_share_for_best = 0.5;
  double underreport_fraction = 0.5;
  // A "possible" crossing (upper bound only) is this many severities below
  // the "likely" one of the same level; 0: the same severity.
  uint32_t possible_severity_step = 1;
  bool count_synthetic_data = true;
  absl::Duration projection_horizon = absl::Hours(24 * 30);
  absl::Duration evaluation_interval = absl::Seconds(10);  // alerts are evaluated this often
  // Operations levels by severity; critical is the ECCN 4E091 level.
  double level_info = 1e24;
  double level_warning = 1e25;
  double level_high = 5e25;
  double level_critical = 1e26;
  // Per-subject figures on /metrics, for a global Prometheus to sum across
  // regions (docs/operations.md): only subjects whose upper bound reaches the
  // floor, at most top_n of each kind by best estimate.
  double export_floor = 1e23;
  uint32_t export_top_n = 200;
};

// The operator's cluster inventory (rule R4, docs/reports.md).
struct ClustersConfig {
  // A YAML file of clusters, read at start and recorded as their versions;
  // empty: none (the inventory comes through ClusterService alone).
  std::string inventory_file;
};

// Restricted-party screening (docs/screening.md).
struct ScreeningConfig {
  // The Consolidated Screening List CSV as trade.gov publishes it; empty: none.
  std::string csl_file;
  // OFAC's sdn.csv; add.csv and alt.csv are read from the same directory.
  std::string ofac_sdn_file;
  double threshold = 0.88;      // hits scoring at least this are findings
  double country_boost = 0.02;  // added when the party's country is the listing's
  // Files are re-read when their size or modification time changes; SIGHUP
  // re-reads them at once.
  absl::Duration reload_check_interval = absl::Seconds(60);
  // A file with a larger share of unreadable rows is refused (the loaded
  // version stays).
  double max_bad_row_fraction = 0.01;
  // A new version must keep at least this share of the entries in use (a
  // file cut short by a failed copy is not a list that shrank); 0 disables.
  double min_kept_fraction = 0.5;
};

// Country groups, the policy profile, and how detections read them.
struct PolicyConfig {
  // Which rules of the export-control regime are in force:
  //   may_2025_guidance  the AI diffusion rule rescinded, adversary-linked
  //                      training (BIS guidance of May 2025) on, Red Flag 28 off
  //   ai_diffusion_2025  the January 2025 rule: Red Flag 28 on
  //   eo_14110           revoked: its reporting thresholds, for a past period
  //   custom             the rules listed in `rules`
  std::string profile = "may_2025_guidance";
  // custom only: "rf28", "adversary_linked_training", "weight_egress",
  // "reportable_runs", "biological_sequence_runs", "reportable_clusters",
  // "foreign_person_records"
  std::vector<std::string> rules;
  // R4: a reportable run is a job, or (true) a model's lineage.
  bool reportable_runs_by_lineage = false;
  // R5: days from a foreign-person record's opening to its due date (the
  // NPRM's 15 is unconfirmed).
  int foreign_record_due_days = 15;
  // Red Flag 28: the ECCN 4E091 level, and the share of it that raises a
  // pre-alert.
  double rf28_level = 1e26;
  double rf28_pre_alert_fraction = 0.5;
  std::string country_groups_file = "config/country_groups.csv";
  bool hong_kong_as_china = true;
  // The ownership walk follows at most this many links; a longer chain, or a
  // cycle, is itself a finding (ownership_unresolved).
  int max_ownership_depth = 64;
  // BIS's affiliates rule: parties 50 % or more owned by Entity List or
  // Military End User parties count as listed (OFAC's 50 % rule for SDNs
  // always applies).
  bool bis_affiliates_rule = true;
  // Access geography (R7): over this window, a customer headquartered outside
  // D:5/Macau with at least min_events access events, of which at least
  // flagged_share come from D:5/Macau or anonymisers, is a finding.
  absl::Duration access_window = absl::Hours(24 * 30);
  // Structuring (R6) adds up linked accounts' training in this rolling window.
  absl::Duration structuring_window = absl::Hours(24 * 180);
  uint32_t access_min_events = 20;
  double access_flagged_share = 0.2;
};

// Know-your-customer anomaly scoring (kyc_anomaly): a weight per flag; a
// customer whose flags add up to `threshold` is a finding.
struct KycConfig {
  double threshold = 4;
  uint32_t large_request_accelerators = 1000;
  double weight_formed_recently_large_request = 2;
  double weight_residential_address = 1;
  double weight_forwarder_address = 2;
  double weight_third_country_payment = 1.5;
  double weight_third_party_payment = 1.5;
  double weight_reseller_undisclosed = 2;
  double weight_no_end_use = 1;
  double weight_listed_officer = 3;
  double weight_no_web_presence = 0.5;
  double weight_young_domain = 0.5;
};

// How long records are kept and when old per-day totals are compacted
// (docs/reports.md#retention).
struct RetentionConfig {
  // Dated records (screenings, access and egress events) are deleted after
  // this; 15 CFR 762.6 asks for five years, the minimum accepted.
  absl::Duration keep = absl::Hours(24 * 1827);
  // Nothing is deleted or compacted while set (litigation, investigation).
  bool legal_hold = false;
  // Per-day job totals older than this are merged into one per quarter,
  // after the quarter's report is frozen.
  absl::Duration compact_after = absl::Hours(24 * 400);
  absl::Duration sweep_interval = absl::Hours(24);
};

// Who may call (docs/security.md). Without tls.cert_file the gRPC listener
// must be a loopback address and every call is the local administrator.
struct SecurityConfig {
  std::string cert_file, key_file;  // the server's certificate chain and key (PEM)
  // Client certificates are required and verified against these CAs when set.
  std::string client_ca_file;
  // How often the files are re-read: rotation needs no restart.
  absl::Duration refresh_interval = absl::Seconds(60);
  // Principals to roles (proto/redflag/v1/authorization.proto); required with TLS.
  std::string policy_file;
  // Listen on a non-loopback address without TLS (logged at every start).
  bool allow_insecure_remote = false;
  // The oldest TLS version the HTTP listener accepts (gRPC 1.51 negotiates
  // 1.2 or 1.3 and has no setting).
  std::string min_tls_version = "1.2";
};

// The Prometheus remote-write receiver (POST /api/v1/write on http.listen).
struct RemoteWriteConfig {
  bool enabled = true;
  uint64_t max_request_bytes = 4 << 20;  // uncompressed, and the body as sent
  // What a series' first point covers: the sender's scrape interval.
  absl::Duration collection_interval = absl::Seconds(30);
  std::string cluster_label = "cluster";  // the series label naming the cluster
  std::string default_cluster = "default";
  // Kubernetes (kube-state-metrics): the namespace label naming the customer,
  // and how long kube-state-metrics of a cluster goes on without a pod
  // before its job ends.
  std::string customer_label = "redflag.io/customer";
  absl::Duration pod_gone_after = absl::Minutes(2);
  // The unattributed_compute finding: a cluster's busy accelerator time that
  // maps to no job, from unattributed_alert_time on, or from
  // unattributed_alert_min on when it is at least unattributed_alert_share
  // of the cluster's accelerator time.
  absl::Duration unattributed_alert_time = absl::Hours(8);
  absl::Duration unattributed_alert_min = absl::Hours(1);
  double unattributed_alert_share = 0.02;
};

// DecisionService (detectors/job_decision.h).
struct DecisionsConfig {
  double block_score = 0.95;    // a restricted-party hit scoring at least this: DENY
  double kyc_review_score = 6;  // kyc_anomaly at least this: REVIEW
  // R2 for an adversary-linked party's training: "deny", "review", or ""
  // (by the profile: deny when it has adversary_linked_training on).
  std::string adversary_training;
  bool no_profile_denies = false;  // a customer without a profile: DENY, not REVIEW
  absl::Duration cache_for = absl::Seconds(60);
  // A recorded licence ending within this raises licence_ending.
  absl::Duration licence_notice = absl::Hours(24 * 30);
};

// The Kubernetes admission webhook (daemon/admission/pod_admissions.h), served
// with remote_write (which knows the namespaces' customers).
struct AdmissionConfig {
  bool enabled = true;
  std::vector<std::string> gpu_resources = {"nvidia.com/gpu", "nvidia.com/mig-"};
  std::string accelerator_label = "nvidia.com/gpu.product";
  std::string default_accelerator;
  std::vector<std::string> dedicated_clusters;
  bool review_allows = false;
  bool unknown_namespace_allows = false;
};

struct Config {
  std::string grpc_listen = "127.0.0.1:50051";
  SecurityConfig security;
  uint32_t grpc_max_message_bytes = 64 << 20;
  // Threads of the synchronous gRPC server (one per call in progress); more
  // calls than this get RESOURCE_EXHAUSTED. Streams are fewer, so that unary
  // calls always find a thread; a client stream silent for
  // stream_idle_timeout is ended; keepalive pings find dead peers.
  uint32_t grpc_max_threads = 256;
  uint32_t grpc_max_streams = 128;
  absl::Duration grpc_stream_idle_timeout = absl::Minutes(5);
  absl::Duration grpc_keepalive_time = absl::Minutes(1);
  absl::Duration grpc_keepalive_timeout = absl::Seconds(20);
  absl::Duration grpc_max_connection_idle = absl::Minutes(10);
  // From SIGTERM to exit, whatever is still open: calls in progress get up
  // to half of it to finish, then are cancelled.
  absl::Duration shutdown_timeout = absl::Seconds(20);
  std::string http_listen = "127.0.0.1:9464";
  // HTTP connections served at once (a thread each), and how long a request
  // may take to arrive before its connection is closed.
  uint32_t http_threads = 16;
  absl::Duration http_read_timeout = absl::Seconds(2);
  absl::Duration http_write_timeout = absl::Seconds(10);
  // A second, plaintext listener for /healthz and /readyz only (probes that
  // carry no client certificate); empty: none.
  std::string http_health_listen;
  // With TLS: a client without a certificate fails the handshake, instead of
  // reaching only the endpoints open to anyone.
  bool http_require_client_certificate = false;
  bool http_allow_insecure_remote = false;
  RemoteWriteConfig remote_write;
  DecisionsConfig decisions;
  AdmissionConfig admission;
  std::string data_dir = "./var/data";
  Durability durability = Durability::kFsync;
  absl::Duration wal_sync_interval = absl::Milliseconds(100);
  // How often running totals are written back so a restart replays little.
  absl::Duration checkpoint_interval = absl::Seconds(5);
  // Below this much free space under the data dir, new data is refused
  // (retryable) before the disk fills; a reserve file of reserve_bytes is
  // held back for a start on a full disk (docs/operations.md#disk-space).
  uint64_t min_free_bytes = 1ull << 30;
  uint64_t reserve_bytes = 64ull << 20;
  absl::Duration space_check_interval = absl::Seconds(1);
  // Where `redflagctl backup` puts its copies (docs/operations.md#backups).
  std::string backup_dir = "./var/backups";
  // RocksDB write buffers across domains (the ledger takes most).
  uint64_t write_buffer_bytes = 128ull << 20;
  IngestLimits limits;
  ComputeConfig compute;
  ScreeningConfig screening;
  ClustersConfig clusters;
  PolicyConfig policy;
  KycConfig kyc;
  RetentionConfig retention;
  std::string log_level = "info";
  std::string log_format = "json";
  // Where the config came from, for logs and the config_info metric.
  std::string source;
  std::string source_sha256;
};

// Parses YAML text named `source` (a path, for messages) and applies
// overrides of the form "section.key=value".
absl::StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& source,
                                   const std::vector<std::string>& overrides);

// Reads and parses a file; an empty path means defaults plus overrides.
absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  const std::vector<std::string>& overrides);

// Every key with its default and maturity, for `redflagd --print-config-keys`.
std::string DescribeConfigKeys();

}  // namespace redflag
