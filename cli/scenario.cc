#include "cli/scenario.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace redflag::cli {

absl::StatusOr<ScenarioEvent> ParseScenarioLine(absl::string_view line, int line_number) {
  ScenarioEvent event;
  absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  if (trimmed.empty() || trimmed[0] == '#') return event;
  auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(trimmed.data(), trimmed.size()), &event);
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_number, ": ", std::string(st.message())));
  }
  if (event.event_case() == ScenarioEvent::EVENT_NOT_SET) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", line_number, ": expected one of upsert_customer, register_job, samples, end_job"));
  }
  return event;
}

absl::StatusOr<std::vector<ScenarioEvent>> ParseScenario(absl::string_view text) {
  std::vector<ScenarioEvent> events;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StatusOr<ScenarioEvent> e = ParseScenarioLine(line, ++n);
    if (!e.ok()) return e.status();
    if (e->event_case() != ScenarioEvent::EVENT_NOT_SET) events.push_back(std::move(*e));
  }
  return events;
}

}  // namespace redflag::cli
