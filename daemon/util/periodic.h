// Runs a task every interval on a thread of its own until destroyed, for the
// detectors that evaluate on a timer, below the threads that answer calls
// (background_thread.h). A failed run is logged; the next one runs on time.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace redflag {

class Periodic {
 public:
  // `name`: the thread's name (at most 15 characters) and the log's subject.
  // The first run comes after `first` (default: one interval).
  Periodic(std::string name, absl::Duration interval, std::function<absl::Status(absl::Time)> task,
           absl::Duration first = absl::InfiniteDuration());
  ~Periodic();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace redflag
