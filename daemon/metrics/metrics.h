// The daemon's Prometheus metrics. Hot-path figures (ledger counters, store
// size) are read at scrape time from the components that own them, so
// ingestion never touches a metric object per sample. No identifiers (job,
// customer, source) ever become labels.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace redflag {

class Metrics {
 public:
  Metrics();

  // A source of families evaluated at every scrape.
  using Collector = std::function<void(std::vector<prometheus::MetricFamily>&)>;
  void AddCollector(Collector c);

  // Text exposition format of every metric.
  std::string Render() const;

  prometheus::Registry& registry() { return *registry_; }
  // Time from receiving a batch to acknowledging it (durable), by RPC kind.
  prometheus::Histogram& ack_latency() { return *ack_latency_; }
  // Finished RPCs by method and status code.
  void CountRpc(const std::string& method, int code);
  // Calls the authorization policy refused, by method and the role that would
  // have allowed them; policy reloads by outcome.
  void CountDenied(absl::string_view method, absl::string_view role);
  void CountPolicyReload(bool ok);
  // Reads of the TLS certificate files by outcome, and when the certificate
  // in force expires.
  void CountCertificateRead(bool ok, absl::Time not_after);
  // Finished HTTP requests by route ("other" for unknown paths) and status.
  void CountHttp(absl::string_view route, int status);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Histogram* ack_latency_;
  prometheus::Family<prometheus::Counter>* rpcs_;
  prometheus::Family<prometheus::Counter>* denied_;
  prometheus::Family<prometheus::Counter>* policy_reloads_;
  prometheus::Family<prometheus::Counter>* certificate_reads_;
  prometheus::Gauge* certificate_expiry_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  std::vector<Collector> collectors_;
};

// Helpers to build scrape-time families.
prometheus::MetricFamily GaugeFamily(const std::string& name, const std::string& help);
prometheus::MetricFamily CounterFamily(const std::string& name, const std::string& help);
void AddSample(prometheus::MetricFamily& family, double value,
               std::vector<prometheus::ClientMetric::Label> labels = {});

}  // namespace redflag
