// redflagctl's channel credentials: plaintext without a CA (a daemon on
// loopback), TLS with --ca, mutual TLS with --cert and --key as well. Files
// are read here, so a missing or unreadable one is a clear message, not a
// handshake that fails later.
#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace redflag::cli {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file);

}  // namespace redflag::cli
