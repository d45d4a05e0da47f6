#include "daemon/util/periodic.h"

#include <pthread.h>

#include "absl/time/clock.h"
#include "daemon/log/log.h"
#include "daemon/util/background_thread.h"

namespace redflag {
Periodic::Periodic(std::string name, absl::Duration interval,
                   std::function<absl::Status(absl::Time)> task, absl::Duration first) {
  if (first == absl::InfiniteDuration()) first = interval;
  thread_ = std::thread([this, name = std::move(name), interval, first, task = std::move(task)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    RunInBackground();
    std::unique_lock<std::mutex> lock(mu_);
    absl::Duration wait = first;
    while (!cv_.wait_for(lock, absl::ToChronoMilliseconds(wait), [&] { return stop_; })) {
      wait = interval;
      lock.unlock();
      if (absl::Status s = task(absl::Now()); !s.ok()) {
        log::Warn("periodic evaluation failed",
                  {{"task", name}, {"error", std::string(s.message())}});
      }
      lock.lock();
    }
  });
}

Periodic::~Periodic() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace redflag
