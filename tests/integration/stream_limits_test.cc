// Thousands of idle streams against the real redflagd: threads stay within
// the configured limit, other calls are served, idle streams are ended, and
// SIGTERM returns within its bound whatever is open.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

int Threads(pid_t pid) { return static_cast<int>(ProcStatus(pid, "Threads")); }

TEST(StreamLimits, TwoThousandIdleStreamsStayWithinTheThreadLimitWhileOtherCallsAreServed) {
  TempDir dir;
  constexpr int kMaxThreads = 64, kStreams = 2000;
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", absl::StrCat("grpc.max_threads=", kMaxThreads), "-o",
                                 "grpc.max_streams=32", "-o", "shutdown.timeout=6s"});
  ASSERT_TRUE(d.ok()) << d.status();
  const int baseline = Threads((*d)->pid());
  ASSERT_GT(baseline, 0);

  // 2000 streams opened at once, none sending anything (async, so that the
  // test needs no thread per stream). Tags: 2i started, 2i+1 finished.
  auto telemetry = v1::TelemetryService::NewStub((*d)->channel());
  grpc::CompletionQueue cq;
  std::vector<grpc::ClientContext> contexts(kStreams);
  std::vector<grpc::Status> statuses(kStreams);
  std::vector<std::unique_ptr<grpc::ClientAsyncReaderWriter<v1::SampleBatch, v1::BatchAck>>>
      streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(telemetry->AsyncIngestStream(&contexts[static_cast<size_t>(i)], &cq,
                                                   reinterpret_cast<void*>(intptr_t{2 * i})));
  }
  int finished = 0, refused = 0;
  std::set<std::string> refusals;
  auto drain = [&](std::chrono::milliseconds for_how_long) {
    const auto until = std::chrono::system_clock::now() + for_how_long;
    void* tag;
    bool ok;
    while (cq.AsyncNext(&tag, &ok, until) == grpc::CompletionQueue::GOT_EVENT) {
      const intptr_t t = reinterpret_cast<intptr_t>(tag);
      const size_t i = static_cast<size_t>(t / 2);
      if (t % 2 == 0) {
        streams[i]->Finish(&statuses[i], reinterpret_cast<void*>(t + 1));
      } else {
        ++finished;
        if (statuses[i].error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          ++refused;
          // Ours at grpc.max_streams, or gRPC's own when a burst finds no
          // thread left (grpc.max_threads).
          const std::string& m = statuses[i].error_message();
          refusals.insert(m.find("grpc.max_streams (32)") != std::string::npos ? "max_streams" : m);
        }
      }
    }
  };
  drain(std::chrono::seconds(5));

  // Within the limit: the server's own threads plus at most one per call.
  const int threads = Threads((*d)->pid());
  EXPECT_LE(threads, baseline + kMaxThreads) << "baseline " << baseline;
  // Every stream beyond the 32 allowed was refused, retryably, naming the limit.
  EXPECT_EQ(refused, kStreams - 32) << finished << " finished";
  EXPECT_TRUE(refusals.contains("max_streams"));
  refusals.erase("max_streams");
  for (const std::string& m : refusals) EXPECT_EQ(m, "Server Threadpool Exhausted");
  // Other calls are served meanwhile, and the daemon says it is ready.
  auto health = grpc::health::v1::Health::NewStub((*d)->channel());
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(HttpGet((*d)->http_port(), "/readyz").status, 200);
  const std::string metrics = HttpGet((*d)->http_port(), "/metrics").body;
  EXPECT_NE(metrics.find("redflag_grpc_streams_open 32"), std::string::npos);
  EXPECT_EQ(metrics.find("redflag_grpc_streams_refused_total 0\n"), std::string::npos);

  // SIGTERM with 32 streams still open: the daemon stops on its own, in time.
  (*d)->Signal(SIGTERM);
  const int code = (*d)->WaitFor(std::chrono::seconds(30));
  EXPECT_EQ(code, 0) << "-1: still running 30 s after SIGTERM";
  drain(std::chrono::seconds(5));
  EXPECT_EQ(finished, kStreams);
  cq.Shutdown();
  drain(std::chrono::milliseconds(100));
}

TEST(StreamLimits, AStreamThatSendsNothingIsEndedAfterTheIdleTimeout) {
  TempDir dir;
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", "grpc.stream_idle_timeout=1s"});
  ASSERT_TRUE(d.ok()) << d.status();
  auto telemetry = v1::TelemetryService::NewStub((*d)->channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = telemetry->IngestStream(&ctx);
  v1::BatchAck ack;
  EXPECT_FALSE(stream->Read(&ack));  // returns once the server ends it
  grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED) << s.error_message();
  EXPECT_NE(
      HttpGet((*d)->http_port(), "/metrics").body.find("redflag_grpc_streams_idle_closed_total 1"),
      std::string::npos);
}

}  // namespace
}  // namespace redflag::testing
