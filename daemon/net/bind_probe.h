// Why a listener could not be had: gRPC and cpp-httplib report only that binding
// failed, so the daemon asks the kernel itself, with the same address.
#pragma once

#include <string>

namespace redflag {

// Binds a throwaway TCP socket to `host:port` (no SO_REUSEPORT) and returns
// why that fails, e.g. "address already in use"; "" when it binds (the
// failure lay elsewhere) or the address cannot be parsed.
std::string BindFailureReason(const std::string& host_port);

}  // namespace redflag
