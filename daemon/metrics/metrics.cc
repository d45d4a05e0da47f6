#include "daemon/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "absl/strings/str_cat.h"

namespace redflag {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  ack_latency_ = &prometheus::BuildHistogram()
                      .Name("redflag_ingest_ack_latency_seconds")
                      .Help("Time from receiving a sample batch to acknowledging it as durable")
                      .Register(*registry_)
                      .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005,
                                                                       0.01, 0.025, 0.05, 0.1, 0.25,
                                                                       0.5, 1, 2.5, 5});
  rpcs_ = &prometheus::BuildCounter()
               .Name("redflag_grpc_requests_total")
               .Help("Finished gRPC calls by method and status code")
               .Register(*registry_);
  denied_ = &prometheus::BuildCounter()
                 .Name("redflag_security_denied_total")
                 .Help(
                     "Calls the authorization policy refused, by method and the role that would "
                     "have allowed them")
                 .Register(*registry_);
  policy_reloads_ = &prometheus::BuildCounter()
                         .Name("redflag_security_policy_reloads_total")
                         .Help(
                             "Authorization policy reloads by outcome (loaded, refused: the "
                             "policy in force stays)")
                         .Register(*registry_);
  certificate_reads_ = &prometheus::BuildCounter()
                            .Name("redflag_security_certificate_reads_total")
                            .Help(
                                "Reads of the TLS certificate files by outcome (loaded, refused: "
                                "the certificate in force stays)")
                            .Register(*registry_);
  certificate_expiry_ = &prometheus::BuildGauge()
                             .Name("redflag_security_certificate_expiry_timestamp_seconds")
                             .Help("When the server certificate in force expires (Unix time)")
                             .Register(*registry_)
                             .Add({});
  http_requests_ = &prometheus::BuildCounter()
                        .Name("redflag_http_requests_total")
                        .Help("Finished HTTP requests by route and status code")
                        .Register(*registry_);
}

void Metrics::CountCertificateRead(bool ok, absl::Time not_after) {
  certificate_reads_->Add({{"outcome", ok ? "loaded" : "refused"}}).Increment();
  certificate_expiry_->Set(absl::ToDoubleSeconds(not_after - absl::UnixEpoch()));
}

void Metrics::CountHttp(absl::string_view route, int status) {
  http_requests_->Add({{"route", std::string(route)}, {"code", absl::StrCat(status)}}).Increment();
}

void Metrics::CountDenied(absl::string_view method, absl::string_view role) {
  denied_->Add({{"method", std::string(method)}, {"role", std::string(role)}}).Increment();
}

void Metrics::CountPolicyReload(bool ok) {
  policy_reloads_->Add({{"outcome", ok ? "loaded" : "refused"}}).Increment();
}

void Metrics::AddCollector(Collector c) { collectors_.push_back(std::move(c)); }

void Metrics::CountRpc(const std::string& method, int code) {
  rpcs_->Add({{"method", method}, {"code", absl::StrCat(code)}}).Increment();
}

std::string Metrics::Render() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (const auto& c : collectors_) c(families);
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

prometheus::MetricFamily GaugeFamily(const std::string& name, const std::string& help) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = prometheus::MetricType::Gauge;
  return f;
}

prometheus::MetricFamily CounterFamily(const std::string& name, const std::string& help) {
  prometheus::MetricFamily f = GaugeFamily(name, help);
  f.type = prometheus::MetricType::Counter;
  return f;
}

void AddSample(prometheus::MetricFamily& family, double value,
               std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (family.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  family.metric.push_back(std::move(m));
}

}  // namespace redflag
