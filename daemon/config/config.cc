#include "daemon/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "daemon/util/sha256.h"

namespace redflag {
namespace {

// A scalar value with where it came from, for error messages.
struct Leaf {
  std::string value;
  std::string where;  // "file:line:col" or "command line (-o key=...)"
};

using Setter = std::function<std::string(const std::string& value, Config&)>;

struct KeySpec {
  const char* key;
  const char* maturity;  // stable | incubating
  const char* help;
  Setter set;  // returns an error message, empty on success
};

std::string SetUint(const std::string& v, uint64_t lo, uint64_t hi, uint64_t* out) {
  uint64_t x;
  if (!absl::SimpleAtoi(v, &x)) return absl::StrCat("must be a whole number, got '", v, "'");
  if (x < lo || x > hi) return absl::StrCat("must be between ", lo, " and ", hi, ", got ", x);
  *out = x;
  return "";
}

// A size in bytes: a whole number with an optional KiB, MiB, GiB or TiB.
std::string ParseBytes(const std::string& v, uint64_t lo, uint64_t hi, uint64_t* out) {
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"TiB", 1ull << 40}, {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}};
  absl::string_view number = v;
  uint64_t unit = 1;
  for (const auto& [suffix, size] : kUnits) {
    if (absl::ConsumeSuffix(&number, suffix)) {
      unit = size;
      break;
    }
  }
  uint64_t x = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(number), &x) || x > hi / unit) {
    return absl::StrCat("must be a size such as 1073741824, 512MiB or 1GiB, at most ", hi,
                        " bytes, got '", v, "'");
  }
  if (x * unit < lo) return absl::StrCat("must be at least ", lo, " bytes, got '", v, "'");
  *out = x * unit;
  return "";
}

Setter Bytes(uint64_t Config::*field, uint64_t lo, uint64_t hi) {
  return [=](const std::string& v, Config& c) { return ParseBytes(v, lo, hi, &(c.*field)); };
}

template <typename T>
Setter Uint(T Config::*field, uint64_t lo, uint64_t hi) {
  return [=](const std::string& v, Config& c) {
    uint64_t x = 0;
    std::string err = SetUint(v, lo, hi, &x);
    if (err.empty()) c.*field = static_cast<T>(x);
    return err;
  };
}

template <typename T>
Setter LimitUint(T IngestLimits::*field, uint64_t lo, uint64_t hi) {
  return [=](const std::string& v, Config& c) {
    uint64_t x = 0;
    std::string err = SetUint(v, lo, hi, &x);
    if (err.empty()) c.limits.*field = static_cast<T>(x);
    return err;
  };
}

std::string ParseDurationIn(const std::string& v, absl::Duration lo, absl::Duration hi,
                            absl::Duration* out) {
  absl::Duration d;
  if (!absl::ParseDuration(v, &d)) {
    return absl::StrCat("must be a duration such as 500ms, 30s, 5m or 1h, got '", v, "'");
  }
  if (d < lo || d > hi) {
    return absl::StrCat("must be between ", absl::FormatDuration(lo), " and ",
                        absl::FormatDuration(hi), ", got ", absl::FormatDuration(d));
  }
  *out = d;
  return "";
}

Setter Duration(absl::Duration Config::*field, absl::Duration lo, absl::Duration hi) {
  return [=](const std::string& v, Config& c) { return ParseDurationIn(v, lo, hi, &(c.*field)); };
}

Setter LimitDuration(absl::Duration IngestLimits::*field, absl::Duration lo, absl::Duration hi) {
  return [=](const std::string& v, Config& c) {
    return ParseDurationIn(v, lo, hi, &(c.limits.*field));
  };
}

// A number in [lo, hi] for a compute setting.
Setter ComputeDouble(double ComputeConfig::*field, double lo, double hi) {
  return [=](const std::string& v, Config& c) -> std::string {
    double x = 0;
    if (!absl::SimpleAtod(v, &x) || !(x >= lo && x <= hi)) {
      return absl::StrCat("must be a number between ", lo, " and ", hi, ", got '", v, "'");
    }
    c.compute.*field = x;
    return "";
  };
}

// A number in [lo, hi] for a field of a config section.
template <typename Section>
Setter Fraction(Section Config::*section, double Section::*field, double lo, double hi) {
  return [=](const std::string& v, Config& c) -> std::string {
    double x = 0;
    if (!absl::SimpleAtod(v, &x) || !(x >= lo && x <= hi)) {
      return absl::StrCat("must be a number between ", lo, " and ", hi, ", got '", v, "'");
    }
    c.*section.*field = x;
    return "";
  };
}

std::string ParseBool(const std::string& v, bool* out) {
  if (v == "true") {
    *out = true;
  } else if (v == "false") {
    *out = false;
  } else {
    return absl::StrCat("must be true or false, got '", v, "'");
  }
  return "";
}

Setter HostPort(std::string Config::*field) {
  return [=](const std::string& v, Config& c) -> std::string {
    size_t colon = v.rfind(':');
    uint32_t port;
    if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(v.substr(colon + 1), &port) ||
        port > 65535) {
      return absl::StrCat("must be host:port (port 0-65535), got '", v, "'");
    }
    c.*field = v;
    return "";
  };
}

Setter OneOf(std::string Config::*field, std::vector<std::string> allowed) {
  return [=](const std::string& v, Config& c) -> std::string {
    for (const auto& a : allowed) {
      if (v == a) {
        c.*field = v;
        return "";
      }
    }
    return absl::StrCat("must be one of ", absl::StrJoin(allowed, ", "), ", got '", v, "'");
  };
}

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = {
      {"grpc.listen", "stable", "gRPC address (host:port)", HostPort(&Config::grpc_listen)},
      {"grpc.max_message_bytes", "stable", "largest request accepted",
       Uint(&Config::grpc_max_message_bytes, 1 << 20, 1u << 30)},
      {"grpc.allow_insecure_remote", "incubating",
       "true: listen on a non-loopback address without TLS (every call unauthenticated)",
       [](const std::string& v, Config& c) {
         return ParseBool(v, &c.security.allow_insecure_remote);
       }},
      {"tls.cert_file", "incubating",
       "server certificate chain (PEM); empty: no TLS, loopback only",
       [](const std::string& v, Config& c) -> std::string {
         c.security.cert_file = v;
         return "";
       }},
      {"tls.key_file", "incubating", "server private key (PEM)",
       [](const std::string& v, Config& c) -> std::string {
         c.security.key_file = v;
         return "";
       }},
      {"tls.client_ca_file", "incubating",
       "CAs that sign client certificates (PEM); set: client certificates are required",
       [](const std::string& v, Config& c) -> std::string {
         c.security.client_ca_file = v;
         return "";
       }},
      {"tls.refresh_interval", "incubating", "how often the certificate files are re-read",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Seconds(1), absl::Hours(24), &c.security.refresh_interval);
       }},
      {"tls.min_version", "incubating", "oldest TLS version the HTTP listener accepts: 1.2 | 1.3",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "1.2" && v != "1.3") return absl::StrCat("must be 1.2 or 1.3, got '", v, "'");
         c.security.min_tls_version = v;
         return "";
       }},
      {"security.policy_file", "incubating",
       "authorization policy (JSON: principals to roles); required with TLS",
       [](const std::string& v, Config& c) -> std::string {
         c.security.policy_file = v;
         return "";
       }},
      {"grpc.max_threads", "stable",
       "threads of the gRPC server (one per call in progress); beyond, RESOURCE_EXHAUSTED",
       Uint(&Config::grpc_max_threads, 8, 100'000)},
      {"grpc.max_streams", "stable",
       "open streams (IngestStream, WatchAlerts) at once; must leave threads for unary calls",
       Uint(&Config::grpc_max_streams, 1, 100'000)},
      {"grpc.stream_idle_timeout", "stable", "an IngestStream sending nothing this long is ended",
       Duration(&Config::grpc_stream_idle_timeout, absl::Seconds(1), absl::Hours(24))},
      {"grpc.keepalive_time", "stable", "how often idle connections are pinged",
       Duration(&Config::grpc_keepalive_time, absl::Seconds(1), absl::Hours(2))},
      {"grpc.keepalive_timeout", "stable", "a ping unanswered this long closes the connection",
       Duration(&Config::grpc_keepalive_timeout, absl::Seconds(1), absl::Minutes(10))},
      {"grpc.max_connection_idle", "stable", "a connection without calls this long is closed",
       Duration(&Config::grpc_max_connection_idle, absl::Seconds(1), absl::Hours(24))},
      {"shutdown.timeout", "stable",
       "from SIGTERM to exit at the latest; calls in progress get half of it",
       Duration(&Config::shutdown_timeout, absl::Seconds(1), absl::Minutes(10))},
      {"http.listen", "stable", "address of /metrics, /healthz and /readyz",
       HostPort(&Config::http_listen)},
      {"http.threads", "stable", "HTTP connections served at once (a thread each)",
       Uint(&Config::http_threads, 2, 1024)},
      {"http.read_timeout", "stable",
       "a request must arrive within this, or its connection is closed",
       Duration(&Config::http_read_timeout, absl::Milliseconds(100), absl::Minutes(5))},
      {"http.write_timeout", "stable", "a client that does not read its reply this long is dropped",
       Duration(&Config::http_write_timeout, absl::Milliseconds(100), absl::Minutes(5))},
      {"http.health_listen", "incubating",
       "plaintext listener for /healthz and /readyz only (host:port); empty: none",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) {
           c.http_health_listen.clear();
           return "";
         }
         return HostPort(&Config::http_health_listen)(v, c);
       }},
      {"http.require_client_certificate", "incubating",
       "true: with TLS, a client without a certificate fails the handshake",
       [](const std::string& v, Config& c) {
         return ParseBool(v, &c.http_require_client_certificate);
       }},
      {"http.allow_insecure_remote", "incubating",
       "true: serve HTTP on a non-loopback address without TLS (/metrics unauthenticated)",
       [](const std::string& v, Config& c) { return ParseBool(v, &c.http_allow_insecure_remote); }},
      {"remote_write.enabled", "incubating",
       "true: POST /api/v1/write takes Prometheus remote-write (role telemetry)",
       [](const std::string& v, Config& c) { return ParseBool(v, &c.remote_write.enabled); }},
      {"remote_write.max_request_bytes", "incubating",
       "largest remote-write request, uncompressed (and as sent); larger: 413",
       [](const std::string& v, Config& c) {
         return ParseBytes(v, 64 << 10, 256 << 20, &c.remote_write.max_request_bytes);
       }},
      {"remote_write.collection_interval", "incubating",
       "what a series' first point covers: the sender's scrape interval",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Seconds(1), absl::Minutes(10),
                                &c.remote_write.collection_interval);
       }},
      {"remote_write.cluster_label", "incubating", "series label naming the cluster",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.remote_write.cluster_label = v;
         return "";
       }},
      {"remote_write.default_cluster", "incubating", "cluster of series without that label",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.remote_write.default_cluster = v;
         return "";
       }},
      {"remote_write.customer_label", "incubating",
       "Kubernetes namespace label naming the customer (kube-state-metrics allowlist)",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.remote_write.customer_label = v;
         return "";
       }},
      {"remote_write.pod_gone_after", "incubating",
       "a pod kube-state-metrics stops reporting for this long has ended",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Seconds(10), absl::Hours(24),
                                &c.remote_write.pod_gone_after);
       }},
      {"remote_write.unattributed_alert_time", "incubating",
       "unattributed accelerator time of a cluster that raises unattributed_compute",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Seconds(1), absl::Hours(24 * 365 * 10),
                                &c.remote_write.unattributed_alert_time);
       }},
      {"remote_write.unattributed_alert_min", "incubating",
       "least unattributed accelerator time the share rule raises on",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Seconds(1), absl::Hours(24 * 365 * 10),
                                &c.remote_write.unattributed_alert_min);
       }},
      {"remote_write.unattributed_alert_share", "incubating",
       "share of a cluster's accelerator time, unattributed, that raises unattributed_compute",
       Fraction(&Config::remote_write, &RemoteWriteConfig::unattributed_alert_share, 0, 1)},
      {"decisions.block_score", "incubating",
       "a restricted-party hit scoring at least this denies a job",
       Fraction(&Config::decisions, &DecisionsConfig::block_score, 0.5, 1)},
      {"decisions.kyc_review_score", "incubating",
       "a kyc_anomaly score that holds a job for review",
       Fraction(&Config::decisions, &DecisionsConfig::kyc_review_score, 0, 1000)},
      {"decisions.adversary_training", "incubating",
       "deny or review an adversary-linked party's training (empty: by the policy profile)",
       [](const std::string& v, Config& c) -> std::string {
         if (!v.empty() && v != "deny" && v != "review") return "must be deny, review or empty";
         c.decisions.adversary_training = v;
         return "";
       }},
      {"decisions.no_profile", "incubating", "a customer without a profile: review or deny",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "review" && v != "deny") return "must be review or deny";
         c.decisions.no_profile_denies = v == "deny";
         return "";
       }},
      {"decisions.cache_for", "incubating", "how long a scheduler may reuse a decision",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Seconds(0), absl::Hours(1), &c.decisions.cache_for);
       }},
      {"decisions.licence_notice", "incubating",
       "how long before a recorded licence ends licence_ending is raised",
       [](const std::string& v, Config& c) {
         return ParseDurationIn(v, absl::Hours(1), absl::Hours(24 * 366),
                                &c.decisions.licence_notice);
       }},
      {"admission.enabled", "incubating",
       "true: POST /admission/v1/pods/<cluster> answers Kubernetes (with remote_write)",
       [](const std::string& v, Config& c) { return ParseBool(v, &c.admission.enabled); }},
      {"admission.gpu_resources", "incubating",
       "comma-separated pod resources that are GPUs; a name ending in '-' is a prefix",
       [](const std::string& v, Config& c) -> std::string {
         c.admission.gpu_resources = absl::StrSplit(v, ',', absl::SkipWhitespace());
         if (c.admission.gpu_resources.empty()) return "must name at least one resource";
         return "";
       }},
      {"admission.accelerator_label", "incubating",
       "the nodeSelector key naming a pod's GPU product",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.admission.accelerator_label = v;
         return "";
       }},
      {"admission.default_accelerator", "incubating",
       "the GPU of pods whose nodeSelector names none (empty: the catalog's fastest)",
       [](const std::string& v, Config& c) -> std::string {
         c.admission.default_accelerator = v;
         return "";
       }},
      {"admission.dedicated_clusters", "incubating",
       "comma-separated clusters reserved for one customer each (R3: dedicated capacity, at "
       "admission and for the jobs of their pods)",
       [](const std::string& v, Config& c) -> std::string {
         c.admission.dedicated_clusters = absl::StrSplit(v, ',', absl::SkipWhitespace());
         return "";
       }},
      {"admission.on_review", "incubating",
       "a REVIEW answer: deny the pod, or allow it with a warning",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "deny" && v != "allow") return "must be deny or allow";
         c.admission.review_allows = v == "allow";
         return "";
       }},
      {"admission.unknown_namespace", "incubating",
       "a GPU pod whose namespace names no customer (yet): deny or allow with a warning",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "deny" && v != "allow") return "must be deny or allow";
         c.admission.unknown_namespace_allows = v == "allow";
         return "";
       }},
      {"storage.data_dir", "stable", "RocksDB directory",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.data_dir = v;
         return "";
       }},
      {"storage.durability", "stable", "fsync | group_commit",
       [](const std::string& v, Config& c) -> std::string {
         if (v == "fsync") {
           c.durability = Durability::kFsync;
         } else if (v == "group_commit") {
           c.durability = Durability::kGroupCommit;
         } else {
           return absl::StrCat("must be one of fsync, group_commit, got '", v, "'");
         }
         return "";
       }},
      {"storage.wal_sync_interval", "stable", "group_commit: WAL fsync period",
       Duration(&Config::wal_sync_interval, absl::Milliseconds(1), absl::Seconds(10))},
      {"storage.checkpoint_interval", "incubating", "how often totals are written back",
       Duration(&Config::checkpoint_interval, absl::Milliseconds(10), absl::Minutes(10))},
      {"storage.min_free_bytes", "stable",
       "free space under the data dir below which new data is refused (retryable); 0: off",
       Bytes(&Config::min_free_bytes, 0, 1ull << 50)},
      {"storage.reserve_bytes", "stable",
       "space held back in a reserve file, released so a start on a full disk can open the store",
       Bytes(&Config::reserve_bytes, 0, 1ull << 40)},
      {"storage.space_check_interval", "stable", "how often free space is measured at the least",
       Duration(&Config::space_check_interval, absl::Milliseconds(10), absl::Minutes(1))},
      {"storage.backup_dir", "stable",
       "where backups (redflagctl backup) are made, on the daemon's host",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.backup_dir = v;
         return "";
       }},
      {"storage.write_buffer_bytes", "incubating", "RocksDB write buffers across domains",
       Bytes(&Config::write_buffer_bytes, 1ull << 20, 16ull << 30)},
      {"ingest.max_batch_samples", "stable", "samples per batch",
       LimitUint(&IngestLimits::max_batch_samples, 1, 1'000'000)},
      {"ingest.max_sample_window", "stable", "longest sample window",
       LimitDuration(&IngestLimits::max_sample_window, absl::Seconds(1), absl::Hours(24))},
      {"ingest.max_future_skew", "stable", "how far past now a window may end",
       LimitDuration(&IngestLimits::max_future_skew, absl::ZeroDuration(), absl::Hours(24))},
      {"ingest.min_event_time", "stable", "earliest believable window start (RFC 3339)",
       [](const std::string& v, Config& c) -> std::string {
         absl::Time t;
         std::string err;
         if (!absl::ParseTime(absl::RFC3339_full, v, &t, &err)) {
           return absl::StrCat("must be an RFC 3339 time such as 2015-01-01T00:00:00Z, got '", v,
                               "'");
         }
         c.limits.min_event_time = t;
         return "";
       }},
      {"ingest.max_accelerators_per_job", "stable", "largest accelerator count",
       LimitUint(&IngestLimits::max_accelerators_per_job, 1, 100'000'000)},
      {"ingest.queue_batches", "stable", "batches waiting for the ledger",
       LimitUint(&IngestLimits::queue_batches, 1, 100'000)},
      {"ingest.queue_timeout", "stable", "wait for queue space before UNAVAILABLE",
       LimitDuration(&IngestLimits::queue_timeout, absl::Milliseconds(1), absl::Minutes(5))},
      {"compute.catalog_file", "incubating", "accelerator catalog CSV (config/README.md)",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.compute.catalog_file = v;
         return "";
       }},
      {"compute.utilization_prior", "incubating", "utilisation assumed where none is measured",
       ComputeDouble(&ComputeConfig::utilization_prior, 0.01, 1)},
      {"compute.utilization_prior_low", "incubating", "its low end, for lower bounds",
       ComputeDouble(&ComputeConfig::utilization_prior_low, 0, 1)},
      {"compute.measured_lower_fraction", "incubating",
       "share of measured tensor activity the lower bound keeps",
       ComputeDouble(&ComputeConfig::measured_lower_fraction, 0, 1)},
      {"compute.activity_margin", "incubating",
       "measured upper bound: activity x fastest peak x this margin (docs/compute.md)",
       ComputeDouble(&ComputeConfig::activity_margin, 1, 3)},
      {"compute.non_tensor_fraction", "incubating",
       "non-tensor pipes' peak as a share of the fastest, where the catalog gives none",
       ComputeDouble(&ComputeConfig::non_tensor_fraction, 0, 1)},
      {"compute.measured_share_for_best", "incubating",
       "measured activity ranks first for the best estimate from this share of the time",
       ComputeDouble(&ComputeConfig::measured_share_for_best, 0, 1)},
      {"compute.possible_severity_step", "incubating",
       "severities a possible crossing lies below the likely one of its level",
       [](const std::string& v, Config& c) -> std::string {
         uint64_t n = 0;
         std::string err = SetUint(v, 0, 3, &n);
         if (err.empty()) c.compute.possible_severity_step = static_cast<uint32_t>(n);
         return err;
       }},
      {"compute.underreport_fraction", "incubating",
       "reported operations below this share of the measured lower bound are a finding",
       ComputeDouble(&ComputeConfig::underreport_fraction, 0, 1)},
      {"compute.count_synthetic_data", "incubating",
       "synthetic-data generation counts toward the lineage it feeds",
       [](const std::string& v, Config& c) -> std::string {
         return ParseBool(v, &c.compute.count_synthetic_data);
       }},
      {"compute.projection_horizon", "incubating", "how far ahead crossings are projected",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Hours(1), absl::Hours(24 * 366),
                                &c.compute.projection_horizon);
       }},
      {"compute.level_info", "incubating", "operations of the info level",
       ComputeDouble(&ComputeConfig::level_info, 1e15, 1e30)},
      {"compute.level_warning", "incubating", "operations of the warning level",
       ComputeDouble(&ComputeConfig::level_warning, 1e15, 1e30)},
      {"compute.level_high", "incubating", "operations of the high level",
       ComputeDouble(&ComputeConfig::level_high, 1e15, 1e30)},
      {"compute.level_critical", "incubating", "operations of the critical (ECCN 4E091) level",
       ComputeDouble(&ComputeConfig::level_critical, 1e15, 1e30)},
      {"compute.export_floor", "incubating",
       "operations (upper bound) from which a subject's figure is exported on /metrics",
       ComputeDouble(&ComputeConfig::export_floor, 1e15, 1e30)},
      {"compute.export_top_n", "incubating",
       "most subjects of each kind exported on /metrics (largest best estimate first)",
       [](const std::string& v, Config& c) -> std::string {
         uint64_t n = 0;
         std::string err = SetUint(v, 0, 10'000, &n);
         if (err.empty()) c.compute.export_top_n = static_cast<uint32_t>(n);
         return err;
       }},
      {"compute.evaluation_interval", "incubating", "how often compute alerts are evaluated",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Milliseconds(100), absl::Hours(1),
                                &c.compute.evaluation_interval);
       }},
      {"clusters.inventory_file", "incubating",
       "YAML file of the cluster inventory, recorded at start; empty: none",
       [](const std::string& v, Config& c) -> std::string {
         c.clusters.inventory_file = v;
         return "";
       }},
      {"screening.csl_file", "incubating",
       "Consolidated Screening List CSV (consolidated.csv); empty: not loaded",
       [](const std::string& v, Config& c) -> std::string {
         c.screening.csl_file = v;
         return "";
       }},
      {"screening.ofac_sdn_file", "incubating",
       "OFAC sdn.csv, with add.csv and alt.csv beside it; empty: not loaded",
       [](const std::string& v, Config& c) -> std::string {
         c.screening.ofac_sdn_file = v;
         return "";
       }},
      {"screening.threshold", "incubating", "score (0-1) from which a name match is a finding",
       Fraction(&Config::screening, &ScreeningConfig::threshold, 0.5, 1)},
      {"screening.country_boost", "incubating", "added to a match in the party's country",
       Fraction(&Config::screening, &ScreeningConfig::country_boost, 0, 0.2)},
      {"screening.reload_check_interval", "incubating",
       "how often list files are checked for a new version",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Seconds(1), absl::Hours(24),
                                &c.screening.reload_check_interval);
       }},
      {"screening.max_bad_row_fraction", "incubating",
       "a list file with more unreadable rows than this share is refused",
       Fraction(&Config::screening, &ScreeningConfig::max_bad_row_fraction, 0, 1)},
      {"screening.min_kept_fraction", "incubating",
       "a new list version with fewer entries than this share of the one in use is refused",
       Fraction(&Config::screening, &ScreeningConfig::min_kept_fraction, 0, 1)},
      {"policy.profile", "incubating",
       "may_2025_guidance | ai_diffusion_2025 | eo_14110 | custom: which rules are in force",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "may_2025_guidance" && v != "ai_diffusion_2025" && v != "eo_14110" &&
             v != "custom") {
           return absl::StrCat(
               "must be one of may_2025_guidance, ai_diffusion_2025, eo_14110, custom, got '", v,
               "'");
         }
         c.policy.profile = v;
         return "";
       }},
      {"policy.rules", "incubating",
       "custom profile: the rules in force, comma-separated (rf28, adversary_linked_training, "
       "weight_egress, reportable_runs, biological_sequence_runs, reportable_clusters, "
       "foreign_person_records)",
       [](const std::string& v, Config& c) -> std::string {
         static constexpr absl::string_view kRules[] = {"rf28",
                                                        "adversary_linked_training",
                                                        "weight_egress",
                                                        "reportable_runs",
                                                        "biological_sequence_runs",
                                                        "reportable_clusters",
                                                        "foreign_person_records"};
         c.policy.rules.clear();
         for (absl::string_view r : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
           r = absl::StripAsciiWhitespace(r);
           if (std::find(std::begin(kRules), std::end(kRules), r) == std::end(kRules)) {
             return absl::StrCat("unknown rule '", r, "' (", absl::StrJoin(kRules, ", "), ")");
           }
           c.policy.rules.emplace_back(r);
         }
         return "";
       }},
      {"policy.reportable_runs_by", "incubating",
       "R4: a reportable run is a job or a model's lineage (job | lineage)",
       [](const std::string& v, Config& c) -> std::string {
         if (v != "job" && v != "lineage") {
           return absl::StrCat("must be job or lineage, got '", v, "'");
         }
         c.policy.reportable_runs_by_lineage = v == "lineage";
         return "";
       }},
      {"policy.foreign_record_due_days", "incubating",
       "R5: days from a foreign-person record's opening to its due date (15 unconfirmed)",
       [](const std::string& v, Config& c) -> std::string {
         int64_t days = 0;
         if (!absl::SimpleAtoi(v, &days) || days < 1 || days > 365) {
           return absl::StrCat("must be a whole number of days from 1 to 365, got '", v, "'");
         }
         c.policy.foreign_record_due_days = static_cast<int>(days);
         return "";
       }},
      {"policy.rf28_level", "incubating", "operations of the ECCN 4E091 level for Red Flag 28",
       Fraction(&Config::policy, &PolicyConfig::rf28_level, 1e20, 1e30)},
      {"policy.rf28_pre_alert_fraction", "incubating",
       "share of the Red Flag 28 level that raises a pre-alert",
       Fraction(&Config::policy, &PolicyConfig::rf28_pre_alert_fraction, 0.01, 1)},
      {"policy.country_groups_file", "incubating",
       "dated country groups CSV: D:5, Macau, AI authorization destinations",
       [](const std::string& v, Config& c) -> std::string {
         if (v.empty()) return "must not be empty";
         c.policy.country_groups_file = v;
         return "";
       }},
      {"policy.max_ownership_depth", "incubating",
       "links the ownership walk follows; a longer chain or a cycle is a finding",
       [](const std::string& v, Config& c) -> std::string {
         uint64_t x = 0;
         std::string err = SetUint(v, 1, 10'000, &x);
         if (err.empty()) c.policy.max_ownership_depth = static_cast<int>(x);
         return err;
       }},
      {"policy.hong_kong_as_china", "incubating", "Hong Kong counts as China for D:5",
       [](const std::string& v, Config& c) -> std::string {
         return ParseBool(v, &c.policy.hong_kong_as_china);
       }},
      {"policy.bis_affiliates_rule", "incubating",
       "ownership of 50 % or more by Entity List / MEU parties counts as listed",
       [](const std::string& v, Config& c) -> std::string {
         return ParseBool(v, &c.policy.bis_affiliates_rule);
       }},
      {"policy.access_window", "incubating", "window of the access-geography finding",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Hours(1), absl::Hours(24 * 366), &c.policy.access_window);
       }},
      {"policy.structuring_window", "incubating",
       "rolling window over which linked accounts' training adds up (structuring, R6)",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Hours(24), absl::Hours(24 * 3660),
                                &c.policy.structuring_window);
       }},
      {"policy.access_min_events", "incubating",
       "access events in the window before their geography is judged",
       [](const std::string& v, Config& c) -> std::string {
         uint64_t x = 0;
         std::string err = SetUint(v, 1, 1'000'000'000, &x);
         if (err.empty()) c.policy.access_min_events = static_cast<uint32_t>(x);
         return err;
       }},
      {"policy.access_flagged_share", "incubating",
       "share of access from D:5/Macau or anonymisers that is a finding",
       Fraction(&Config::policy, &PolicyConfig::access_flagged_share, 0.01, 1)},
      {"kyc.threshold", "incubating", "KYC anomaly score that is a finding",
       Fraction(&Config::kyc, &KycConfig::threshold, 0.1, 100)},
      {"kyc.large_request_accelerators", "incubating",
       "accelerators in one job that count as a large request",
       [](const std::string& v, Config& c) -> std::string {
         uint64_t x = 0;
         std::string err = SetUint(v, 1, 100'000'000, &x);
         if (err.empty()) c.kyc.large_request_accelerators = static_cast<uint32_t>(x);
         return err;
       }},
      {"kyc.weight_formed_recently_large_request", "incubating",
       "formed after 2022-10-07 and asking for a large request",
       Fraction(&Config::kyc, &KycConfig::weight_formed_recently_large_request, 0, 100)},
      {"kyc.weight_residential_address", "incubating", "residential address",
       Fraction(&Config::kyc, &KycConfig::weight_residential_address, 0, 100)},
      {"kyc.weight_forwarder_address", "incubating", "freight forwarder or mail-drop address",
       Fraction(&Config::kyc, &KycConfig::weight_forwarder_address, 0, 100)},
      {"kyc.weight_third_country_payment", "incubating", "payment from a third country",
       Fraction(&Config::kyc, &KycConfig::weight_third_country_payment, 0, 100)},
      {"kyc.weight_third_party_payment", "incubating", "payment by a third party",
       Fraction(&Config::kyc, &KycConfig::weight_third_party_payment, 0, 100)},
      {"kyc.weight_reseller_undisclosed", "incubating", "reseller not naming its end customers",
       Fraction(&Config::kyc, &KycConfig::weight_reseller_undisclosed, 0, 100)},
      {"kyc.weight_no_end_use", "incubating", "no end use declared",
       Fraction(&Config::kyc, &KycConfig::weight_no_end_use, 0, 100)},
      {"kyc.weight_listed_officer", "incubating", "an officer matches a restricted-party entry",
       Fraction(&Config::kyc, &KycConfig::weight_listed_officer, 0, 100)},
      {"kyc.weight_no_web_presence", "incubating", "no contact domain",
       Fraction(&Config::kyc, &KycConfig::weight_no_web_presence, 0, 100)},
      {"kyc.weight_young_domain", "incubating", "web domain registered less than a year ago",
       Fraction(&Config::kyc, &KycConfig::weight_young_domain, 0, 100)},
      {"retention.keep", "incubating",
       "dated records (screenings, access and egress events) are deleted after this; at least "
       "5 years (15 CFR 762.6)",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Hours(24 * 1826), absl::Hours(24 * 365 * 100),
                                &c.retention.keep);
       }},
      {"retention.legal_hold", "incubating", "true: nothing is deleted or compacted",
       [](const std::string& v, Config& c) -> std::string {
         return ParseBool(v, &c.retention.legal_hold);
       }},
      {"retention.compact_after", "incubating",
       "per-day job totals older than this are merged per quarter (its report frozen first)",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Hours(24 * 200), absl::Hours(24 * 365 * 100),
                                &c.retention.compact_after);
       }},
      {"retention.sweep_interval", "incubating", "how often retention runs",
       [](const std::string& v, Config& c) -> std::string {
         return ParseDurationIn(v, absl::Minutes(1), absl::Hours(24 * 31),
                                &c.retention.sweep_interval);
       }},
      {"log.level", "stable", "debug | info | warn | error",
       OneOf(&Config::log_level, {"debug", "info", "warn", "error"})},
      {"log.format", "stable", "json | text", OneOf(&Config::log_format, {"json", "text"})},
  };
  return keys;
}

const KeySpec* FindKey(const std::string& key) {
  for (const auto& k : Keys()) {
    if (key == k.key) return &k;
  }
  return nullptr;
}

std::string Where(const std::string& source, const YAML::Mark& m) {
  if (m.is_null()) return source;
  return absl::StrCat(source, ":", m.line + 1, ":", m.column + 1);
}

// yaml-cpp takes a quoted scalar left open up to the end of the file, newlines
// folded into it; every value here is one line, so a quote opened at `mark`
// must close on its line. Returns an error message, empty when it does.
std::string UnclosedQuote(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text.size()) return "";
  const char quote = text[mark.pos];
  if (quote != '"' && quote != '\'') return "";
  for (size_t i = mark.pos + 1; i < text.size() && text[i] != '\n'; ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // an escaped character
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
      } else {
        return "";
      }
    }
  }
  return absl::StrCat("the value's ", std::string(1, quote), " is not closed on its line");
}

// Flattens a YAML mapping into dotted keys; anything that is not a mapping of
// mappings and scalars is reported, and so is a key given twice (YAML forbids
// it; yaml-cpp would let the last one win without a word).
void Flatten(const YAML::Node& node, const std::string& prefix, const std::string& text,
             const std::string& source, std::map<std::string, std::string>& seen,
             std::map<std::string, Leaf>& leaves, std::vector<std::string>& errors) {
  for (const auto& kv : node) {
    std::string name = kv.first.as<std::string>();
    std::string key = prefix.empty() ? name : absl::StrCat(prefix, ".", name);
    const YAML::Node& v = kv.second;
    const std::string where = Where(source, kv.first.Mark());
    if (auto [first, inserted] = seen.emplace(key, where); !inserted) {
      errors.push_back(
          absl::StrCat(where, ": ", key, ": given twice (first at ", first->second, "); keep one"));
      continue;
    }
    if (v.IsMap()) {
      Flatten(v, key, text, source, seen, leaves, errors);
    } else if (v.IsScalar()) {
      if (std::string err = UnclosedQuote(text, v.Mark()); !err.empty()) {
        errors.push_back(absl::StrCat(Where(source, v.Mark()), ": ", key, ": ", err));
        continue;
      }
      leaves[key] = Leaf{v.Scalar(), where};
    } else if (v.IsNull()) {
      errors.push_back(absl::StrCat(Where(source, kv.first.Mark()), ": ", key,
                                    ": has no value (remove the key to use the default)"));
    } else {
      errors.push_back(
          absl::StrCat(Where(source, kv.first.Mark()), ": ", key, ": must be a single value"));
    }
  }
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& source,
                                   const std::vector<std::string>& overrides) {
  std::map<std::string, Leaf> leaves;
  std::vector<std::string> errors;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (root.IsMap()) {
      std::map<std::string, std::string> seen;
      Flatten(root, "", yaml_text, source, seen, leaves, errors);
    } else if (!root.IsNull()) {
      errors.push_back(absl::StrCat(source, ": the top level must be a mapping of sections"));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(source, e.mark), ": not valid YAML: ", e.msg));
  }
  for (const auto& o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      errors.push_back(absl::StrCat("command line: -o ", o, ": must be key=value"));
      continue;
    }
    leaves[o.substr(0, eq)] = Leaf{o.substr(eq + 1), absl::StrCat("command line (-o ", o, ")")};
  }

  Config config;
  for (const auto& [key, leaf] : leaves) {
    const KeySpec* spec = FindKey(key);
    if (spec == nullptr) {
      errors.push_back(absl::StrCat(leaf.where, ": ", key,
                                    ": unknown key (redflagd --print-config-keys lists them)"));
      continue;
    }
    std::string err = spec->set(leaf.value, config);
    if (!err.empty()) errors.push_back(absl::StrCat(leaf.where, ": ", key, ": ", err));
  }
  if (errors.empty() && config.grpc_max_streams >= config.grpc_max_threads) {
    errors.push_back(absl::StrCat(source, ": grpc.max_streams (", config.grpc_max_streams,
                                  ") must be below grpc.max_threads (", config.grpc_max_threads,
                                  "), so that unary calls always find a thread"));
  }
  const ComputeConfig& c = config.compute;
  if (errors.empty() && !(c.level_info < c.level_warning && c.level_warning < c.level_high &&
                          c.level_high < c.level_critical)) {
    errors.push_back(absl::StrCat(source, ": compute.level_*: must rise from info to warning, ",
                                  "high and critical, got ", c.level_info, ", ", c.level_warning,
                                  ", ", c.level_high, ", ", c.level_critical));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  config.source = source;
  config.source_sha256 = Sha256Hex(yaml_text);
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  if (path.empty()) return ParseConfig("", "(defaults)", overrides);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the config file"));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path, overrides);
}

std::string DescribeConfigKeys() {
  std::string out;
  for (const auto& k : Keys()) {
    absl::StrAppend(&out, k.key, "  [", k.maturity, "]  ", k.help, "\n");
  }
  return out;
}

}  // namespace redflag
