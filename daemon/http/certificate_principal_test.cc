#include "daemon/http/certificate_principal.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

namespace redflag {
namespace {

// A certificate with subject CN `cn` (none when empty) and these SANs
// ("URI:...", "DNS:...").
X509* Certificate(const std::string& cn, const std::vector<std::string>& sans) {
  X509* cert = X509_new();
  if (!cn.empty()) {
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  }
  if (!sans.empty()) {
    std::string value;
    for (const std::string& s : sans) value += (value.empty() ? "" : ",") + s;
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  return cert;
}

std::string PrincipalOf(const std::string& cn, const std::vector<std::string>& sans) {
  X509* cert = Certificate(cn, sans);
  std::string p = PrincipalOfCertificate(cert);
  X509_free(cert);
  return p;
}

// The precedence gRPC gives a call's peer, so one certificate is one
// principal over gRPC and over HTTPS.
TEST(CertificatePrincipal, SpiffeIdThenUriThenDnsThenCommonName) {
  EXPECT_EQ(PrincipalOf("agent", {"DNS:a.example.org", "URI:spiffe://x/ns/gpu/sa/a"}),
            "spiffe://x/ns/gpu/sa/a");
  EXPECT_EQ(PrincipalOf("agent", {"URI:https://agents.example.org/a"}),
            "https://agents.example.org/a");
  EXPECT_EQ(PrincipalOf("agent", {"DNS:a.example.org", "DNS:b.example.org"}), "a.example.org");
  EXPECT_EQ(PrincipalOf("ops-admin", {}), "ops-admin");
  EXPECT_EQ(PrincipalOf("", {}), "");
  EXPECT_EQ(PrincipalOfCertificate(nullptr), "");
}

// Two URI SANs make no SPIFFE ID (as gRPC): the first URI is the principal,
// so a certificate cannot choose which of two identities it claims.
TEST(CertificatePrincipal, TwoUrisAreNoSpiffeId) {
  EXPECT_EQ(PrincipalOf("x", {"URI:https://a.example.org", "URI:spiffe://x/ns/admin"}),
            "https://a.example.org");
}

}  // namespace
}  // namespace redflag
