// The operator's HTTP endpoints as the config asks for them: /metrics,
// /healthz, /readyz, the remote-write receiver /api/v1/write and the Kubernetes
// admission webhook /admission/v1/pods/<cluster> on http.listen (HTTPS with the
// tls.* files when they are set, each request judged by the authorization policy), and optionally
// /healthz and /readyz alone on a plaintext http.health_listen for probes
// that carry no certificate.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/config/config.h"
#include "daemon/http/http_server.h"
#include "daemon/http/server_tls.h"

namespace redflag {

class Authorizer;
class Metrics;

struct HttpListeners {
  std::unique_ptr<ServerTls> tls;  // null without TLS; outlives the servers
  std::unique_ptr<HttpServer> main;
  std::unique_ptr<HttpServer> health;  // null without http.health_listen
};

struct OperatorEndpoints {
  std::function<std::string()> metrics;  // the text exposition
  // Empty string = ready; otherwise the reason it is not.
  std::function<std::string()> not_ready_reason;
  // POST /api/v1/write (Prometheus remote-write); none when empty.
  std::function<HttpReply(const HttpCall&)> remote_write;
  // POST /admission/v1/pods/<cluster> (Kubernetes admission); none when empty.
  std::function<HttpReply(const HttpCall&)> admission;
};

// Without TLS, http.listen must be a loopback address unless
// http.allow_insecure_remote; errors name the key.
absl::Status CheckHttpConfig(const Config& config);

absl::StatusOr<HttpListeners> StartHttpListeners(const Config& config, const Authorizer* authorizer,
                                                 Metrics* metrics, OperatorEndpoints endpoints);

}  // namespace redflag
