#include "daemon/net/server_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

// The file can be read and holds a PEM block of `kind` ("CERTIFICATE", "PRIVATE KEY").
absl::Status CheckPem(const std::string& key, const std::string& file, absl::string_view kind) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(key, ": cannot read '", file, "'"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!absl::StrContains(text, "-----BEGIN ") || !absl::StrContains(text, kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, ": '", file, "' holds no PEM ", absl::AsciiStrToLower(kind)));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsLoopbackAddress(const std::string& host_port) {
  std::string host = host_port.substr(0, host_port.rfind(':'));
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]"))
    host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::StatusOr<Security> SecurityFor(const Config& config, Metrics* metrics) {
  const SecurityConfig& s = config.security;
  Security out;
  if (s.cert_file.empty()) {
    if (!s.key_file.empty() || !s.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "tls.cert_file: empty, but tls.key_file or tls.client_ca_file is set");
    }
    if (!IsLoopbackAddress(config.grpc_listen) && !s.allow_insecure_remote) {
      return absl::InvalidArgumentError(absl::StrCat(
          "grpc.listen: ", config.grpc_listen,
          " is not a loopback address and tls.cert_file is empty: anyone who can reach it "
          "could call every method as administrator. Set tls.* (docs/security.md), listen on "
          "127.0.0.1, or set grpc.allow_insecure_remote: true"));
    }
    out.credentials = grpc::InsecureServerCredentials();
    out.authorizer = Authorizer::LocalAdmin();
    out.mode = IsLoopbackAddress(config.grpc_listen) ? "plaintext (loopback)"
                                                     : "plaintext (remote, allowed)";
    return out;
  }
  if (s.key_file.empty())
    return absl::InvalidArgumentError("tls.key_file: must be set with tls.cert_file");
  if (absl::Status st = CheckPem("tls.cert_file", s.cert_file, "CERTIFICATE"); !st.ok()) return st;
  if (absl::Status st = CheckPem("tls.key_file", s.key_file, "PRIVATE KEY"); !st.ok()) return st;
  if (!s.client_ca_file.empty()) {
    if (absl::Status st = CheckPem("tls.client_ca_file", s.client_ca_file, "CERTIFICATE");
        !st.ok()) {
      return st;
    }
  }
  if (s.policy_file.empty()) {
    return absl::InvalidArgumentError(
        "security.policy_file: required with TLS (who may call what: docs/security.md)");
  }
  absl::StatusOr<std::unique_ptr<Authorizer>> authorizer =
      Authorizer::FromFile(s.policy_file, metrics);
  if (!authorizer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("security.policy_file: ", authorizer.status().message()));
  }
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      s.key_file, s.cert_file, s.client_ca_file.empty() ? "" : s.client_ca_file,
      static_cast<unsigned int>(absl::ToInt64Seconds(s.refresh_interval)));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!s.client_ca_file.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  out.credentials = grpc::experimental::TlsServerCredentials(options);
  out.authorizer = std::move(*authorizer);
  out.mode = s.client_ca_file.empty() ? "tls" : "mtls";
  return out;
}

}  // namespace redflag
