#include "daemon/net/call_counter.h"

namespace redflag {
namespace {

class Counting : public grpc::experimental::Interceptor {
 public:
  explicit Counting(std::atomic<uint32_t>& n) : n_(n) { ++n_; }
  ~Counting() override { --n_; }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::atomic<uint32_t>& n_;
};

class Forwarding : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Forwarding(CallCounter& c) : c_(c) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return c_.CreateServerInterceptor(info);
  }

 private:
  CallCounter& c_;
};

}  // namespace

grpc::experimental::Interceptor* CallCounter::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo*) {
  return new Counting(in_flight_);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CountInto(
    CallCounter& counter) {
  return std::make_unique<Forwarding>(counter);
}

}  // namespace redflag
