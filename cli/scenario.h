// Reading `redflagctl replay` scenario files (JSON lines).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scenario.pb.h"

namespace redflag::cli {

// Parses one line; errors name the line number. Blank lines and lines
// starting with '#' yield an event with no case set.
absl::StatusOr<ScenarioEvent> ParseScenarioLine(absl::string_view line, int line_number);

// Parses a whole file's text.
absl::StatusOr<std::vector<ScenarioEvent>> ParseScenario(absl::string_view text);

}  // namespace redflag::cli
