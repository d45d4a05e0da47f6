#include "daemon/http/certificate_principal.h"

#include <openssl/x509v3.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace redflag {
namespace {

std::string Text(const ASN1_STRING* s) {
  if (s == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string CommonName(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (at < 0) return "";
  unsigned char* utf8 = nullptr;
  const int n =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
  if (n < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

std::string PrincipalOfCertificate(X509* cert) {
  if (cert == nullptr) return "";
  std::vector<std::string> uris, dns;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_URI) uris.push_back(Text(name->d.uniformResourceIdentifier));
    if (name->type == GEN_DNS) dns.push_back(Text(name->d.dNSName));
  }
  GENERAL_NAMES_free(names);
  // As gRPC: a SPIFFE ID only when it is the certificate's one URI SAN.
  if (uris.size() == 1 && absl::StartsWith(absl::AsciiStrToLower(uris[0]), "spiffe://")) {
    return uris[0];
  }
  if (!uris.empty()) return uris[0];
  if (!dns.empty()) return dns[0];
  return CommonName(cert);
}

}  // namespace redflag
