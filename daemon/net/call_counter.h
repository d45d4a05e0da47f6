// Counts the gRPC calls in progress (a server interceptor: one object per
// call, made when it starts and dropped when it ends), so that readiness can
// say when the server's threads are nearly all taken.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <cstdint>

namespace redflag {

class CallCounter : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
  // Not owned by the server: the server owns the factory it is given, so the
  // daemon hands it a forwarding factory and keeps this one.
  uint32_t in_flight() const { return in_flight_.load(); }

 private:
  std::atomic<uint32_t> in_flight_{0};
};

// A factory the server may own, counting into `counter`.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CountInto(
    CallCounter& counter);

}  // namespace redflag
