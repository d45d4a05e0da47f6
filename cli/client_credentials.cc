#include "cli/client_credentials.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace redflag::cli {
namespace {

absl::StatusOr<std::string> ReadPem(const char* flag, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", file, "'"));
  std::stringstream s;
  s << in.rdbuf();
  if (!absl::StrContains(s.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": '", file, "' is not PEM"));
  }
  return s.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  if (ca_file.empty()) {
    if (!cert_file.empty() || !key_file.empty()) {
      return absl::InvalidArgumentError(
          "--cert/--key need --ca (or $REDFLAG_TLS_CA): the CA that signed the daemon's "
          "certificate");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("--cert and --key go together");
  }
  grpc::SslCredentialsOptions o;
  absl::StatusOr<std::string> ca = ReadPem("--ca", ca_file);
  if (!ca.ok()) return ca.status();
  o.pem_root_certs = *ca;
  if (!cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem("--cert", cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("--key", key_file);
    if (!key.ok()) return key.status();
    o.pem_cert_chain = *cert;
    o.pem_private_key = *key;
  }
  return grpc::SslCredentials(o);
}

}  // namespace redflag::cli
