#include "cli/alert_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/text_format.h"

namespace redflag::cli {
namespace {

// Evidence names are padded to the longest, so values line up.
size_t LongestName(const v1::Alert& a) {
  size_t n = 0;
  for (const v1::Evidence& e : a.evidence()) n = std::max(n, e.name().size());
  return n;
}

}  // namespace

std::string FormatAlertList(const std::vector<v1::Alert>& alerts) {
  if (alerts.empty()) return "no alerts\n";
  std::string out;
  for (const v1::Alert& a : alerts) {
    absl::StrAppendFormat(&out, "%-8s  %-12s  %s  [%s]\n", SeverityText(a.severity()),
                          StateText(a.state()), a.alert_id(), a.level());
    absl::StrAppend(&out, "          ", a.summary(), "\n");
  }
  absl::StrAppend(&out, alerts.size(), alerts.size() == 1 ? " alert\n" : " alerts\n");
  return out;
}

std::string FormatAlert(const v1::Alert& a, const std::vector<v1::AuditRecord>& history) {
  std::string out = absl::StrCat(a.alert_id(), "\n  ", a.summary(), "\n\n");
  absl::StrAppend(&out, "  rule:        ", a.rule(), " (level ", a.level(), ")\n");
  absl::StrAppend(&out, "  severity:    ", SeverityText(a.severity()), "\n");
  absl::StrAppend(&out, "  subject:     ", a.subject_kind(), " ", a.subject_id(), "\n");
  if (!a.customer_id().empty()) absl::StrAppend(&out, "  customer:    ", a.customer_id(), "\n");
  absl::StrAppend(&out, "  detected:    first ", TimeText(a.first_detected_unix_ms()), ", last ",
                  TimeText(a.last_detected_unix_ms()), "\n");
  absl::StrAppend(&out, "  policy:      ", a.policy_profile().empty() ? "-" : a.policy_profile(),
                  "\n");
  absl::StrAppend(&out, "  state:       ", StateText(a.state()), " since ",
                  TimeText(a.state_changed_unix_ms()), "\n");
  if (!a.assignee().empty()) absl::StrAppend(&out, "  assignee:    ", a.assignee(), "\n");
  if (a.state() == v1::ALERT_STATE_RESOLVED) {
    absl::StrAppend(&out, "  disposition: ", DispositionText(a.disposition()),
                    a.resolution_comment().empty() ? "" : ": ", a.resolution_comment(), "\n");
  }
  if (a.has_licence()) {
    const v1::Licence& l = a.licence();
    absl::StrAppend(&out, "  licence:     ", l.reference(), ", ",
                    l.expires_unix_ms() == 0
                        ? "no end stated"
                        : absl::StrCat("until ", TimeText(l.expires_unix_ms())),
                    ", ",
                    l.max_accelerators() == 0
                        ? "jobs of any size"
                        : absl::StrCat("jobs of up to ", l.max_accelerators(), " accelerators"),
                    "\n");
  }
  if (a.suppressed_until_unix_ms() != 0) {
    absl::StrAppend(&out, "  suppressed:  until ", TimeText(a.suppressed_until_unix_ms()), "\n");
  }

  absl::StrAppend(&out, "\nevidence (", a.evidence_size(), "):\n");
  const int width = static_cast<int>(LongestName(a));
  for (const v1::Evidence& e : a.evidence()) {
    absl::StrAppendFormat(&out, "  %-*s  %s\n", width, e.name(), e.value());
  }

  absl::StrAppend(&out, "\nhistory (", history.size(), " audit records):\n");
  for (const v1::AuditRecord& r : history) {
    absl::StrAppend(&out, "  #", r.seq(), "  ", TimeText(r.unix_ms()), "  ", r.actor(), "  ",
                    r.action(), "\n");
    for (const v1::AuditDetail& d : r.details()) {
      if (!d.value().empty()) absl::StrAppend(&out, "        ", d.name(), ": ", d.value(), "\n");
    }
  }
  return out;
}

}  // namespace redflag::cli
