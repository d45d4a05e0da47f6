// Fuzzes reading a client certificate's principal: any DER bytes that parse
// as a certificate give a principal (possibly empty) no longer than the
// certificate itself, and never crash or leak.
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>

#include "daemon/http/certificate_principal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const unsigned char* p = data;
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(size));
  if (cert == nullptr) return 0;
  const std::string principal = redflag::PrincipalOfCertificate(cert);
  if (principal.size() > size) __builtin_trap();
  X509_free(cert);
  return 0;
}
