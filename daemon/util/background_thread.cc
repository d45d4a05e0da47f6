#include "daemon/util/background_thread.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace redflag {
namespace {

// The kernel's struct sched_attr (glibc 2.36 has no wrapper).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // a fair thread's slice (Linux 6.12+), ns
  uint64_t sched_deadline;
  uint64_t sched_period;
};

}  // namespace

void RunInBackground() {
  SchedAttr a{.size = sizeof(SchedAttr),
              .sched_policy = SCHED_BATCH,
              .sched_flags = 0,
              .sched_nice = 10,
              .sched_priority = 0,
              .sched_runtime = 100'000,
              .sched_deadline = 0,
              .sched_period = 0};
  if (syscall(SYS_sched_setattr, 0, &a, 0) != 0) {
    a.sched_runtime = 0;  // a kernel without custom slices
    (void)syscall(SYS_sched_setattr, 0, &a, 0);
  }
}

}  // namespace redflag
