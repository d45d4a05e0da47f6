// What every redflag.v1 request goes through on arrival, before its handler
// (a gRPC server interceptor):
// - unknown fields are dropped, so that nothing a client adds beyond the API
//   (a 60 MiB field, say) is stored, logged or sent back;
// - a request protobuf cannot parse is answered INVALID_ARGUMENT naming the
//   field where possible (gRPC says INTERNAL with an empty message): for a
//   string field that is not UTF-8, protobuf names it in its log, which
//   InstallProtobufLogHandler routes here and to the daemon's log.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace redflag {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRequestGuard();

// Sends protobuf's own log lines to the daemon's structured log, and keeps
// the last one of this thread for the request guard. Once, at start.
void InstallProtobufLogHandler();

}  // namespace redflag
