// Puts the calling thread below the threads that answer calls: an
// evaluation over every job, or re-screening every customer, can take a core
// for a while, and a scheduler waiting on CheckJob should not wait on it.
// SCHED_BATCH keeps it from preempting them; nice 10 gives it about a tenth
// of a contended core (Linux's nice is per thread). Needs no privilege.
#pragma once

namespace redflag {

void RunInBackground();

}  // namespace redflag
