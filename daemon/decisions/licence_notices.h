// Rule licence_ending: a licence recorded when a finding was resolved as
// licence_obtained that ends within decisions.licence_notice, or has ended.
// From its end DecisionService.CheckJob no longer lifts the reason it lifted,
// so jobs it allowed are refused again; the notice gives compliance the time to
// renew it (reopen the finding, resolve it with the new licence). One alert per
// customer and licence: `ends_soon` (warning), then `ended` (high). On a timer.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/util/periodic.h"

namespace redflag {

class LicenceNotices {
 public:
  LicenceNotices(AlertStore& alerts, absl::Duration notice)
      : alerts_(alerts), recorder_(alerts), notice_(notice) {}

  absl::Status EvaluateOnce(absl::Time now);
  void Start(absl::Duration interval);

 private:
  AlertStore& alerts_;
  AlertRecorder recorder_;
  const absl::Duration notice_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag
