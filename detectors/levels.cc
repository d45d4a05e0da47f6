#include "detectors/levels.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_format.h"

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

std::vector<Level> Levels(double info, double warning, double high, double critical) {
  auto name = [](double ops) {
    std::string s = absl::StrFormat("%.3g", ops);  // "1e+24"
    s.erase(std::remove(s.begin(), s.end(), '+'), s.end());
    return s;
  };
  return {{name(info), info, Severity::kInfo},
          {name(warning), warning, Severity::kWarning},
          {name(high), high, Severity::kHigh},
          {"4e091", critical, Severity::kCritical}};
}

std::vector<Level> DefaultLevels() { return Levels(1e24, 1e25, 5e25, 1e26); }

Severity SeverityOf(const Crossing& c, uint32_t possible_step) {
  if (c.likelihood == Likelihood::kLikely) return c.level.severity;
  const int s = static_cast<int>(c.level.severity) - static_cast<int>(std::min(possible_step, 3u));
  return static_cast<Severity>(std::max(s, static_cast<int>(Severity::kInfo)));
}

std::optional<Likelihood> Reached(const Interval& ops, double level_ops) {
  if (ops.best >= level_ops) return Likelihood::kLikely;
  if (ops.upper >= level_ops) return Likelihood::kPossible;
  return std::nullopt;
}

std::vector<Crossing> Crossings(const Interval& ops, const std::vector<Level>& levels) {
  std::vector<Crossing> out;
  for (const Level& l : levels) {
    if (std::optional<Likelihood> r = Reached(ops, l.ops)) out.push_back({l, *r});
  }
  return out;
}

double ProjectedOps(double best_ops, double rate_ops_per_s, absl::Duration horizon) {
  if (!(rate_ops_per_s > 0) || !std::isfinite(rate_ops_per_s)) return best_ops;
  return best_ops + rate_ops_per_s * absl::ToDoubleSeconds(horizon);
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
