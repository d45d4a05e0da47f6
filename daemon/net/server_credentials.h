// The gRPC listener's credentials and who its callers are, from the config:
// TLS (mutual with tls.client_ca_file) with the certificate files re-read
// every tls.refresh_interval, or, without TLS, plaintext on loopback only,
// every call the local administrator. A non-loopback address without TLS is
// refused unless grpc.allow_insecure_remote.
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/config/config.h"
#include "daemon/net/authorizer.h"

namespace redflag {

// "127.0.0.1:50051", "localhost:1", "[::1]:1": a loopback host.
bool IsLoopbackAddress(const std::string& host_port);

struct Security {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::unique_ptr<Authorizer> authorizer;
  std::string mode;  // "mtls", "tls" or "plaintext (loopback)" / "plaintext (remote, allowed)"
};

// Errors name the config key and, for files, what is wrong with them.
absl::StatusOr<Security> SecurityFor(const Config& config, Metrics* metrics);

}  // namespace redflag
