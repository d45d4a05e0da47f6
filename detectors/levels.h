// Compute levels (10^24 ... the 10^26 of ECCN 4E091) and whether an estimate
// has crossed them: by its upper bound = "possible", by its best = "likely";
// and when, at the recent rate, it will. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "detectors/estimate.h"

namespace redflag::detectors {

enum class Severity { kInfo, kWarning, kHigh, kCritical };
const char* SeverityName(Severity s);

struct Level {
  std::string name;  // e.g. "4e091" or "1e25"
  double ops = 0;
  Severity severity = Severity::kInfo;
};

// The defaults: 10^24 info, 10^25 warning, 5x10^25 high, 10^26 critical (the
// ECCN 4E091 level, where ">= 10^26" is taken as crossing, to be safe).
std::vector<Level> DefaultLevels();
// The four levels at the given operations; names are the numbers ("1e24"),
// except the critical one, named for ECCN 4E091.
std::vector<Level> Levels(double info, double warning, double high, double critical);

enum class Likelihood { kPossible, kLikely };
const char* LikelihoodName(Likelihood l);

struct Crossing {
  Level level;
  Likelihood likelihood;  // likely if the best estimate crossed, else possible
};

// A crossing's severity: its level's if likely; if only possible, `step`
// severities lower (never below info), so the upper bound alone never pages
// as loudly as the best estimate does.
Severity SeverityOf(const Crossing& c, uint32_t possible_step);

// Whether the estimate has reached `level_ops`: likely by the best estimate,
// possible by the upper bound; nullopt if neither.
std::optional<Likelihood> Reached(const Interval& ops, double level_ops);

// The levels the estimate has reached, lowest first.
std::vector<Crossing> Crossings(const Interval& ops, const std::vector<Level>& levels);

// The best estimate carried forward `horizon` at `rate` operations per second
// of event time (a rate that is not positive adds nothing): what R1's
// pre-alert on "projected operations" reads.
double ProjectedOps(double best_ops, double rate_ops_per_s, absl::Duration horizon);

// When the best estimate will reach `level` at `rate` operations per second
// of event time, counted from `now`, if that is within `horizon`; nullopt if
// already reached, not growing, or further away.
std::optional<absl::Time> ProjectCrossing(double best_ops, double rate_ops_per_s,
                                          const Level& level, absl::Time now,
                                          absl::Duration horizon);

}  // namespace redflag::detectors
