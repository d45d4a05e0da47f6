#include "daemon/http/http_listeners.h"

#include "absl/strings/str_cat.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/net/server_credentials.h"

namespace redflag {
namespace {

std::vector<HttpRoute> HealthRoutes(const OperatorEndpoints& e) {
  return {{"GET", "/healthz", [](const HttpCall&) { return HttpReply{.body = "ok\n"}; }},
          {"GET", "/readyz", [r = e.not_ready_reason](const HttpCall&) {
             const std::string reason = r();
             if (reason.empty()) return HttpReply{.body = "ready\n"};
             return HttpReply{.status = 503, .body = reason + "\n"};
           }}};
}

}  // namespace

absl::Status CheckHttpConfig(const Config& config) {
  if (config.security.cert_file.empty() && !IsLoopbackAddress(config.http_listen) &&
      !config.http_allow_insecure_remote) {
    return absl::InvalidArgumentError(absl::StrCat(
        "http.listen: ", config.http_listen,
        " is not a loopback address and tls.cert_file is empty: anyone who can reach it could "
        "read /metrics. Set tls.* (docs/security.md), listen on 127.0.0.1, or set "
        "http.allow_insecure_remote: true"));
  }
  if (!config.http_health_listen.empty() && config.http_health_listen == config.http_listen) {
    return absl::InvalidArgumentError(
        "http.health_listen: must differ from http.listen (it is a second listener)");
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpListeners> StartHttpListeners(const Config& config, const Authorizer* authorizer,
                                                 Metrics* metrics, OperatorEndpoints endpoints) {
  if (absl::Status s = CheckHttpConfig(config); !s.ok()) return s;
  HttpListeners out;
  const SecurityConfig& sec = config.security;
  if (!sec.cert_file.empty()) {
    absl::StatusOr<std::unique_ptr<ServerTls>> tls = ServerTls::Load(
        {.cert_file = sec.cert_file,
         .key_file = sec.key_file,
         .client_ca_file = sec.client_ca_file,
         .refresh_interval = sec.refresh_interval,
         .min_version = sec.min_tls_version},
        [metrics](bool ok, const std::string& error, absl::Time not_after) {
          if (metrics != nullptr) metrics->CountCertificateRead(ok, not_after);
          if (ok) {
            log::Info(
                "TLS certificate loaded",
                {{"listener", "http"},
                 {"expires", absl::FormatTime(absl::RFC3339_sec, not_after, absl::UTCTimeZone())}});
          } else {
            log::Error("TLS certificate files refused; the ones in force stay",
                       {{"listener", "http"}, {"error", error}});
          }
        });
    if (!tls.ok()) return tls.status();
    out.tls = std::move(*tls);
  }
  auto on_reply = [metrics](const std::string& route, int status) {
    if (metrics != nullptr) metrics->CountHttp(route, status);
  };
  HttpServer::Options main{.listen = config.http_listen,
                           .threads = config.http_threads,
                           .read_timeout = config.http_read_timeout,
                           .write_timeout = config.http_write_timeout,
                           .tls = out.tls.get(),
                           .require_client_certificate = config.http_require_client_certificate,
                           .authorizer = authorizer,
                           .on_reply = on_reply};
  std::vector<HttpRoute> routes = HealthRoutes(endpoints);
  routes.push_back({"GET", "/metrics", [m = endpoints.metrics](const HttpCall&) {
                      return HttpReply{.content_type = "text/plain; version=0.0.4; charset=utf-8",
                                       .body = m()};
                    }});
  if (endpoints.remote_write) {
    routes.push_back({"POST", "/api/v1/write", endpoints.remote_write});
    main.max_body_bytes = std::max(main.max_body_bytes, config.remote_write.max_request_bytes);
  }
  if (endpoints.admission) {
    // An AdmissionReview carries the whole pod; the API server sends at most 3 MiB.
    routes.push_back({"POST", "/admission/v1/pods/*", endpoints.admission});
    main.max_body_bytes = std::max<size_t>(main.max_body_bytes, 4 << 20);
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(main, std::move(routes));
  if (!s.ok()) return s.status();
  out.main = std::move(*s);
  if (!config.http_health_listen.empty()) {
    HttpServer::Options health = main;
    health.listen = config.http_health_listen;
    health.config_key = "http.health_listen";
    health.tls = nullptr;
    health.authorizer = nullptr;
    health.threads = 2;
    absl::StatusOr<std::unique_ptr<HttpServer>> h =
        HttpServer::Start(health, HealthRoutes(endpoints));
    if (!h.ok()) return h.status();
    out.health = std::move(*h);
  }
  return out;
}

}  // namespace redflag
