#include "daemon/http/server_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace redflag {

struct ServerTls::Material {
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;  // intermediates after the leaf
  EVP_PKEY* key = nullptr;
  X509_STORE* client_cas = nullptr;
  STACK_OF(X509_NAME) * client_ca_names = nullptr;
  absl::Time not_after;
  ~Material() {
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    X509_STORE_free(client_cas);
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
  }
};

namespace {

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no PEM data";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

struct FileCloser {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, FileCloser>;

absl::StatusOr<Bio> Open(const char* key, const std::string& file) {
  Bio bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(key, ": cannot read '", file, "'"));
  }
  return bio;
}

// Every certificate in a PEM file, in order.
absl::StatusOr<std::vector<X509*>> ReadCertificates(const char* key, const std::string& file) {
  absl::StatusOr<Bio> bio = Open(key, file);
  if (!bio.ok()) return bio.status();
  std::vector<X509*> out;
  while (X509* c = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr)) out.push_back(c);
  ERR_clear_error();  // the end of the file reads as an error
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": '", file, "' holds no PEM certificate"));
  }
  return out;
}

absl::Time Expiry(X509* cert) {
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t) != 1) return absl::InfinitePast();
  return absl::FromTM(t, absl::UTCTimeZone());
}

std::string Signature(const ServerTls::Files& f) {
  std::string out;
  for (const std::string& file : {f.cert_file, f.key_file, f.client_ca_file}) {
    if (file.empty()) continue;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    const auto time = std::filesystem::last_write_time(file, ec);
    absl::StrAppend(&out, ec ? -1 : static_cast<int64_t>(size), "/",
                    ec ? 0 : time.time_since_epoch().count(), ";");
  }
  return out;
}

}  // namespace

absl::Status CheckTlsVersion(const std::string& version) {
  if (version == "1.2" || version == "1.3") return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("tls.min_version: '", version, "' is not 1.2 or 1.3"));
}

absl::StatusOr<std::shared_ptr<ServerTls::Material>> ServerTls::Read(const Files& f) {
  auto m = std::make_shared<Material>();
  absl::StatusOr<std::vector<X509*>> certs = ReadCertificates("tls.cert_file", f.cert_file);
  if (!certs.ok()) return certs.status();
  m->cert = (*certs)[0];
  m->chain = sk_X509_new_null();
  for (size_t i = 1; i < certs->size(); ++i) sk_X509_push(m->chain, (*certs)[i]);
  m->not_after = Expiry(m->cert);
  absl::StatusOr<Bio> key = Open("tls.key_file", f.key_file);
  if (!key.ok()) return key.status();
  m->key = PEM_read_bio_PrivateKey(key->get(), nullptr, nullptr, nullptr);
  if (m->key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.key_file: '", f.key_file, "' holds no usable key: ", OpenSslError()));
  }
  if (X509_check_private_key(m->cert, m->key) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key_file: '", f.key_file, "' is not the key of tls.cert_file '", f.cert_file, "'"));
  }
  if (!f.client_ca_file.empty()) {
    absl::StatusOr<std::vector<X509*>> cas =
        ReadCertificates("tls.client_ca_file", f.client_ca_file);
    if (!cas.ok()) return cas.status();
    m->client_cas = X509_STORE_new();
    m->client_ca_names = sk_X509_NAME_new_null();
    for (X509* ca : *cas) {
      X509_STORE_add_cert(m->client_cas, ca);
      sk_X509_NAME_push(m->client_ca_names, X509_NAME_dup(X509_get_subject_name(ca)));
      X509_free(ca);  // the store holds its own reference
    }
  }
  return m;
}

absl::StatusOr<std::unique_ptr<ServerTls>> ServerTls::Load(const Files& files, OnRead on_read) {
  if (absl::Status s = CheckTlsVersion(files.min_version); !s.ok()) return s;
  std::unique_ptr<ServerTls> tls(new ServerTls(files, std::move(on_read)));
  tls->seen_ = Signature(files);
  absl::StatusOr<std::shared_ptr<Material>> m = Read(files);
  if (!m.ok()) return m.status();
  tls->material_ = std::move(*m);
  tls->checked_ = absl::Now();
  if (tls->on_read_) tls->on_read_(true, "", tls->material_->not_after);
  return tls;
}

ServerTls::~ServerTls() = default;

std::shared_ptr<const ServerTls::Material> ServerTls::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = absl::Now();
  if (now - checked_ < files_.refresh_interval) return material_;
  checked_ = now;
  const std::string signature = Signature(files_);
  if (signature == seen_) return material_;
  seen_ = signature;
  absl::StatusOr<std::shared_ptr<Material>> m = Read(files_);
  if (!m.ok()) {
    if (on_read_) on_read_(false, std::string(m.status().message()), material_->not_after);
    return material_;
  }
  material_ = std::move(*m);
  if (on_read_) on_read_(true, "", material_->not_after);
  return material_;
}

int ServerTls::OnCertificate(SSL* ssl, void* self) {
  std::shared_ptr<const Material> m = static_cast<ServerTls*>(self)->Current();
  if (SSL_use_certificate(ssl, m->cert) != 1 || SSL_use_PrivateKey(ssl, m->key) != 1 ||
      SSL_set1_chain(ssl, m->chain) != 1) {
    return 0;
  }
  if (m->client_cas != nullptr) {
    if (SSL_set1_verify_cert_store(ssl, m->client_cas) != 1) return 0;
    SSL_set_client_CA_list(ssl, SSL_dup_CA_list(m->client_ca_names));
  }
  return 1;
}

bool ServerTls::Configure(SSL_CTX& ctx, bool require_client_certificate) {
  SSL_CTX_set_min_proto_version(&ctx,
                                files_.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_cert_cb(&ctx, &ServerTls::OnCertificate, this);
  if (verifies_clients()) {
    SSL_CTX_set_verify(
        &ctx, SSL_VERIFY_PEER | (require_client_certificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
        nullptr);
  }
  return true;
}

}  // namespace redflag
