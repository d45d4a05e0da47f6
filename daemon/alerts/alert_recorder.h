// Turns detections into stored alerts idempotently, for every detector: an
// alert is keyed by rule, subject and level, and written again only when
// what it says (level, severity) changes, keeping its first detection time
// and the state an analyst gave it. A re-evaluation or restart raises
// nothing twice.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_store.h"
#include "detectors/levels.h"

namespace redflag {

// An alert with id "<rule>/<kind>/<id>/<level_key>" and those fields set.
v1::Alert NewAlert(const std::string& rule, const std::string& kind, const std::string& id,
                   const std::string& level_key);
void AddEvidence(v1::Alert& alert, const std::string& name, const std::string& value);
// Replaces the value of the first evidence named `name`, or adds it.
void SetEvidence(v1::Alert& alert, const std::string& name, const std::string& value);
// Operations in evidence: six significant digits, enough to recompute sums.
std::string OpsFigure(double ops);
// Operations in summaries: three significant digits, for reading.
std::string OpsRounded(double ops);
// The alert severity of a compute level's.
v1::Severity ToSeverity(detectors::Severity s);

class AlertRecorder {
 public:
  explicit AlertRecorder(AlertStore& alerts) : alerts_(alerts) {}

  // Adds evidence that is costly to gather (e.g. every contributing job),
  // called only when the alert is about to be written.
  using Gather = std::function<absl::Status(v1::Alert&)>;

  // Stores `alert` detected at `now` unless it is stored already; with
  // `update_when_changed`, a stored alert whose level or severity differ is
  // rewritten (otherwise the first detection stands).
  absl::Status Record(v1::Alert alert, absl::Time now, bool update_when_changed,
                      const Gather& gather = nullptr);

 private:
  AlertStore& alerts_;
  std::mutex mu_;
  // What each alert stored since start says ("level|severity"), so a
  // re-evaluation that changes nothing reads nothing from the store.
  absl::flat_hash_map<std::string, std::string> stored_;
};

}  // namespace redflag
