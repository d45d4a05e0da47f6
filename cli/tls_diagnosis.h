// Why a TLS connection to redflagd fails, in words an operator can act on:
// gRPC reports only that the handshake failed. redflagctl asks once the call
// came back UNAVAILABLE: it checks its own certificate, then makes one TLS
// handshake of its own with the same files and reads what went wrong: the
// daemon's certificate not signed by --ca, expired, or not for the name
// dialled; this client's certificate expired, missing, or not trusted by the
// daemon; TLS spoken to a plaintext daemon or the other way round.
#pragma once

#include <string>

namespace redflag::cli {

struct TlsSettings {
  std::string addr;         // host:port
  std::string server_name;  // empty: the host of addr
  std::string ca, cert, key;
};

// A sentence naming the cause, or empty when the handshake succeeds (the
// failure is elsewhere: the daemon down, the network).
std::string DiagnoseTls(const TlsSettings& tls);

}  // namespace redflag::cli
