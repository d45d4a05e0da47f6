// The operator's HTTP endpoint: /metrics (Prometheus text format), /healthz
// (the process is alive) and /readyz (it accepts and persists requests).
// Paths match exactly; anything else is 404.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

class CivetServer;

namespace redflag {

class HttpServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;
    // Empty string = ready; otherwise the reason it is not.
    std::function<std::string()> not_ready_reason;
  };
  struct Limits {
    // Connections served at once, a thread each; more wait to be accepted.
    uint32_t threads = 16;
    // A request must arrive within this, or its connection is closed: a
    // client that connects and sends nothing holds a thread no longer.
    absl::Duration read_timeout = absl::Seconds(2);
  };
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           Handlers handlers, const Limits& limits);
  ~HttpServer();
  int port() const { return port_; }

 private:
  HttpServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace redflag
