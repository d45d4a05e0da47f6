// TLS for the HTTP listener from the same files as gRPC's (tls.*): the
// certificate chain, its key and the CA that client certificates must chain
// to. Each handshake takes the files' current contents, checked for change at
// most every tls.refresh_interval, so rotation needs no restart; files that
// cannot be used (a half-written key, a certificate that does not match it)
// are refused and the ones in force stay.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag {

class ServerTls {
 public:
  struct Files {
    std::string cert_file, key_file, client_ca_file;  // client_ca_file may be empty
    absl::Duration refresh_interval = absl::Minutes(1);
    std::string min_version = "1.2";  // "1.2" or "1.3"
  };
  // Called after each read: whether the files were taken, why not, and the
  // certificate's expiry.
  using OnRead = std::function<void(bool ok, const std::string& error, absl::Time not_after)>;

  // Fails, naming the config key, if the files cannot be used now.
  static absl::StatusOr<std::unique_ptr<ServerTls>> Load(const Files& files, OnRead on_read);
  ~ServerTls();

  // Sets up a server context: the minimum version, the certificate taken per
  // handshake, and client certificates asked for (a presented one must
  // verify) and, with `require_client_certificate`, demanded.
  bool Configure(SSL_CTX& ctx, bool require_client_certificate);
  bool verifies_clients() const { return !files_.client_ca_file.empty(); }

 private:
  struct Material;
  ServerTls(Files files, OnRead on_read) : files_(std::move(files)), on_read_(std::move(on_read)) {}
  static absl::StatusOr<std::shared_ptr<Material>> Read(const Files& f);
  std::shared_ptr<const Material> Current();
  static int OnCertificate(SSL* ssl, void* self);

  const Files files_;
  const OnRead on_read_;
  std::mutex mu_;
  std::shared_ptr<const Material> material_;
  std::string seen_;  // the files' sizes and modification times when last read
  absl::Time checked_ = absl::InfinitePast();
};

// "1.2" or "1.3", else an error naming tls.min_version.
absl::Status CheckTlsVersion(const std::string& version);

}  // namespace redflag
