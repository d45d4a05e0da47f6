#include "cli/tls_diagnosis.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace redflag::cli {
namespace {

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Cert = std::unique_ptr<X509, Free<X509, X509_free>>;
using Ctx = std::unique_ptr<SSL_CTX, Free<SSL_CTX, SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, Free<SSL, SSL_free>>;

std::string Time(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "an unreadable time";
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Name(X509_NAME* name) {
  char buf[256];
  X509_NAME_oneline(name, buf, sizeof(buf));
  return buf;
}

Cert ReadCert(const std::string& file) {
  std::unique_ptr<BIO, Free<BIO, BIO_vfree>> bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return nullptr;
  return Cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// The certificate's DNS and IP names, as "DNS:a, IP:127.0.0.1".
std::string AltNames(X509* cert) {
  std::vector<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) {
      out.push_back(
          absl::StrCat("DNS:", reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName))));
    } else if (n->type == GEN_IPADD && ASN1_STRING_length(n->d.iPAddress) == 4) {
      const unsigned char* a = ASN1_STRING_get0_data(n->d.iPAddress);
      out.push_back(absl::StrCat("IP:", a[0], ".", a[1], ".", a[2], ".", a[3]));
    }
  }
  GENERAL_NAMES_free(names);
  return out.empty() ? "no DNS or IP names" : absl::StrJoin(out, ", ");
}

int Connect(const std::string& host, const std::string& port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    const timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  return fd;
}

// The certificate that failed verification and why, from the verify callback.
thread_local Cert failed_cert;
thread_local int failed_error = X509_V_OK;
int OnVerify(int ok, X509_STORE_CTX* store) {
  if (!ok && !failed_cert) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(store);
    X509* leaf = chain == nullptr || sk_X509_num(chain) == 0
                     ? X509_STORE_CTX_get_current_cert(store)
                     : sk_X509_value(chain, 0);
    failed_cert.reset(leaf == nullptr ? nullptr : X509_dup(leaf));
    failed_error = X509_STORE_CTX_get_error(store);
  }
  return ok;
}

std::string LastSslError() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out = buf;  // the last is the most specific
  }
  return out;
}

// What the daemon's alert about this client's certificate means.
std::string ClientRefused(const std::string& error, const TlsSettings& tls) {
  if (absl::StrContains(error, "certificate required") ||
      (tls.cert.empty() && absl::StrContains(error, "handshake failure"))) {
    return "the daemon requires a client certificate: pass --cert and --key (or "
           "$REDFLAG_TLS_CERT and $REDFLAG_TLS_KEY)";
  }
  if (absl::StrContains(error, "certificate expired")) {
    return absl::StrCat("the daemon refused this client's certificate (--cert ", tls.cert,
                        ") as expired");
  }
  if (absl::StrContains(error, "unknown ca") || absl::StrContains(error, "bad certificate") ||
      absl::StrContains(error, "decrypt error")) {
    return absl::StrCat("the daemon does not trust this client's certificate (--cert ", tls.cert,
                        "): it is not signed by a CA in the daemon's tls.client_ca_file");
  }
  return "";
}

}  // namespace

std::string DiagnoseTls(const TlsSettings& tls) {
  const size_t colon = tls.addr.rfind(':');
  if (colon == std::string::npos) return "";
  std::string host = tls.addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = tls.addr.substr(colon + 1);
  const std::string name = tls.server_name.empty() ? host : tls.server_name;

  if (!tls.cert.empty()) {
    Cert mine = ReadCert(tls.cert);
    if (mine && X509_cmp_current_time(X509_get0_notAfter(mine.get())) < 0) {
      return absl::StrCat("this client's certificate (--cert ", tls.cert, ") expired at ",
                          Time(X509_get0_notAfter(mine.get())), ": renew it");
    }
    if (mine && X509_cmp_current_time(X509_get0_notBefore(mine.get())) > 0) {
      return absl::StrCat("this client's certificate (--cert ", tls.cert, ") is not valid before ",
                          Time(X509_get0_notBefore(mine.get())), ": check this machine's clock");
    }
  }

  Ctx ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return "";
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // gRPC servers insist on ALPN h2.
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof(kAlpn));
  if (!tls.ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), tls.ca.c_str(), nullptr) != 1) {
      return absl::StrCat("--ca ", tls.ca, ": no certificate in it could be read");
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, &OnVerify);
  }
  if (!tls.cert.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx.get(), tls.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
       SSL_CTX_check_private_key(ctx.get()) != 1)) {
    ERR_clear_error();
    return absl::StrCat("--key ", tls.key, " is not the key of --cert ", tls.cert);
  }
  const int fd = Connect(host, port);
  if (fd < 0) return "";  // not a TLS problem: nothing listens, or no route
  failed_cert.reset();
  failed_error = X509_V_OK;
  // A daemon that hangs up mid-write must not end redflagctl with SIGPIPE.
  struct IgnorePipe {
    void (*before)(int) = signal(SIGPIPE, SIG_IGN);
    ~IgnorePipe() { signal(SIGPIPE, before); }
  } ignore_pipe;
  Ssl ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  SSL_set_tlsext_host_name(ssl.get(), name.c_str());
  ERR_clear_error();
  const int connected = SSL_connect(ssl.get());
  std::string error = LastSslError();
  std::string out;
  if (connected != 1) {
    if (tls.ca.empty()) {
      out = "";  // plaintext client to a plaintext daemon that refused: not TLS
    } else if (absl::StrContains(error, "wrong version number") ||
               absl::StrContains(error, "packet length too long") ||
               absl::StrContains(error, "unexpected eof") || error.empty()) {
      out = absl::StrCat("the daemon at ", tls.addr,
                         " does not answer TLS: it may listen without TLS (then drop --ca and "
                         "$REDFLAG_TLS_CA), or not be redflagd");
    } else if (absl::StrContains(error, "certificate verify failed")) {
      const int v = failed_error;
      X509* theirs = failed_cert.get();
      if (v == X509_V_ERR_CERT_HAS_EXPIRED && theirs != nullptr) {
        out = absl::StrCat("the daemon's certificate expired at ", Time(X509_get0_notAfter(theirs)),
                           ": it must renew tls.cert_file");
      } else if (theirs != nullptr) {
        out = absl::StrCat("the daemon's certificate (", Name(X509_get_subject_name(theirs)),
                           ", issued by ", Name(X509_get_issuer_name(theirs)),
                           ") is not signed by a CA in --ca ", tls.ca, ": ",
                           X509_verify_cert_error_string(v));
      } else {
        out = absl::StrCat("the daemon's certificate does not verify against --ca ", tls.ca);
      }
    } else {
      out = ClientRefused(error, tls);
      if (out.empty()) out = absl::StrCat("the TLS handshake failed: ", error);
    }
  } else if (tls.ca.empty()) {
    out = absl::StrCat("the daemon at ", tls.addr,
                       " speaks TLS: pass --ca (and --cert, --key) or $REDFLAG_TLS_CA");
  } else if (X509* theirs = SSL_get0_peer_certificate(ssl.get());
             theirs != nullptr && X509_check_host(theirs, name.c_str(), 0, 0, nullptr) != 1 &&
             X509_check_ip_asc(theirs, name.c_str(), 0) != 1) {
    out = absl::StrCat("the daemon's certificate is not for '", name, "' (it names ",
                       AltNames(theirs), "): pass --server-name with one of those");
  } else {
    // TLS 1.3: the daemon judges this client's certificate after the
    // handshake; gRPC then closes the connection without a word. A daemon
    // that accepted it answers the HTTP/2 preface with its settings.
    static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0";
    char byte;
    if (SSL_write(ssl.get(), kPreface, sizeof(kPreface) - 1) <= 0 ||
        SSL_read(ssl.get(), &byte, 1) <= 0) {
      const std::string why = LastSslError();
      out = ClientRefused(why, tls);
      if (out.empty() && tls.cert.empty()) out = ClientRefused("certificate required", tls);
      if (out.empty()) out = ClientRefused("unknown ca", tls);
    }
  }
  close(fd);
  return out;
}

}  // namespace redflag::cli
