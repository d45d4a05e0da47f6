// Long-lived streams each hold a thread of the synchronous gRPC server, so
// they are bounded: at most `max_streams` open at once (more are refused with
// RESOURCE_EXHAUSTED, retryable), and a stream that sends nothing for
// `idle_timeout` is ended by a watchdog. At shutdown every open stream is
// cancelled, so that stopping never waits on a client.
#pragma once

#include <grpcpp/server_context.h>

#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag {

class StreamLimiter {
  struct Open {
    grpc::ServerContext* context;
    bool idle_ends_it;
    absl::Time last_touch;
  };

 public:
  StreamLimiter(uint32_t max_streams, absl::Duration idle_timeout);
  ~StreamLimiter();

  class Slot {
   public:
    ~Slot();
    // The client sent something: the idle clock starts again.
    void Touch();

   private:
    friend class StreamLimiter;
    Slot(StreamLimiter& owner, std::list<Open>::iterator it) : owner_(owner), it_(it) {}
    StreamLimiter& owner_;
    std::list<Open>::iterator it_;
  };

  // A slot for the stream of `context`, or RESOURCE_EXHAUSTED naming the limit.
  // `idle_ends_it`: the watchdog ends the stream after idle_timeout without a
  // Touch (streams the client writes to); server-streaming watches are kept
  // open by keepalive instead.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(grpc::ServerContext* context, const char* method,
                                                bool idle_ends_it);
  // Cancels every open stream (shutdown) and refuses new ones.
  void CancelAll();
  uint32_t open() const;
  uint64_t refused() const;
  uint64_t idle_closed() const;

 private:
  void Watch();

  const uint32_t max_streams_;
  const absl::Duration idle_timeout_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::list<Open> open_;
  bool stopping_ = false;
  uint64_t refused_ = 0;
  uint64_t idle_closed_ = 0;
  std::thread watchdog_;
};

}  // namespace redflag
