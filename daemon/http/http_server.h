// The operator's HTTP endpoint: /metrics (Prometheus text format), /healthz
// (the process is alive) and /readyz (it accepts and persists requests).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

class CivetServer;

namespace redflag {

class HttpServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;
    // Empty string = ready; otherwise the reason it is not.
    std::function<std::string()> not_ready_reason;
  };
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           Handlers handlers);
  ~HttpServer();
  int port() const { return port_; }

 private:
  HttpServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace redflag
