// Puts the calling thread below the threads that answer calls: an
// evaluation over every job, or re-screening every customer, can take a core
// for a while, and a scheduler waiting on CheckJob should not wait on it.
// SCHED_BATCH keeps it from preempting them; nice 10 gives it about a tenth
// of a contended core, never none (a tenant flooding the daemon cannot starve
// detection); a 100 µs slice (Linux 6.12+; ignored before) lets a call that
// arrives take the core within that. Lowering needs no privilege.
#pragma once

namespace redflag {

void RunInBackground();

}  // namespace redflag
