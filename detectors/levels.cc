#include "detectors/levels.h"

#include <cmath>

namespace redflag::detectors {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";
}

const char* LikelihoodName(Likelihood l) {
  return l == Likelihood::kLikely ? "likely" : "possible";
}

std::vector<Level> DefaultLevels() {
  return {{"1e24", 1e24, Severity::kInfo},
          {"1e25", 1e25, Severity::kWarning},
          {"5e25", 5e25, Severity::kHigh},
          {"4e091", 1e26, Severity::kCritical}};
}

std::vector<Crossing> Crossings(const Interval& ops, const std::vector<Level>& levels) {
  std::vector<Crossing> out;
  for (const Level& l : levels) {
    if (ops.best >= l.ops) {
      out.push_back({l, Likelihood::kLikely});
    } else if (ops.upper >= l.ops) {
      out.push_back({l, Likelihood::kPossible});
    }
  }
  return out;
}

std::optional<absl::Time> ProjectCrossing(double best_ops, double rate_ops_per_s,
                                          const Level& level, absl::Time now,
                                          absl::Duration horizon) {
  if (best_ops >= level.ops || !(rate_ops_per_s > 0) || !std::isfinite(rate_ops_per_s)) {
    return std::nullopt;
  }
  const double seconds = (level.ops - best_ops) / rate_ops_per_s;
  if (seconds > absl::ToDoubleSeconds(horizon)) return std::nullopt;
  return now + absl::Seconds(std::round(seconds));  // to the second: a date, not a stopwatch
}

}  // namespace redflag::detectors
