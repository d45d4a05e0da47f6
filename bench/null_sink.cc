// The null sink of `make bench`: a gRPC server with the same TelemetryService
// and transport settings as redflagd that parses each batch and acknowledges
// it without storing anything. Its rate is the ceiling the ledger is measured
// against.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <iostream>

#include "redflag/v1/telemetry.grpc.pb.h"

namespace {

class NullTelemetry final : public redflag::v1::TelemetryService::Service {
  grpc::Status Ingest(grpc::ServerContext*, const redflag::v1::SampleBatch* b,
                      redflag::v1::BatchAck* ack) override {
    ack->set_batch_id(b->batch_id());
    ack->set_accepted(static_cast<uint32_t>(b->samples_size()));
    return grpc::Status::OK;
  }
  grpc::Status IngestStream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<redflag::v1::BatchAck, redflag::v1::SampleBatch>* s) override {
    redflag::v1::SampleBatch b;
    redflag::v1::BatchAck ack;
    while (s->Read(&b)) {
      ack.set_batch_id(b.batch_id());
      ack.set_accepted(static_cast<uint32_t>(b.samples_size()));
      if (!s->Write(ack)) break;
    }
    return grpc::Status::OK;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string addr = argc > 1 ? argv[1] : "127.0.0.1:50061";
  NullTelemetry service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(addr, grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server) return 1;
  std::cerr << "null sink on " << addr << "\n";
  server->Wait();
}
