// Who an HTTP client is: the principal its verified certificate names, by the
// same precedence as a gRPC call's (daemon/net/authorizer.h): the SPIFFE ID,
// else the first URI SAN, else the first DNS SAN, else the subject CN.
#pragma once

#include <openssl/x509.h>

#include <string>

namespace redflag {

// Empty for a null certificate or one that names nothing.
std::string PrincipalOfCertificate(X509* cert);

}  // namespace redflag
