#include "cli/record_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/text_format.h"

namespace redflag::cli {
namespace {

std::string State(const v1::ForeignPersonRecord& r, int64_t now_unix_ms) {
  if (r.state() == v1::RECORD_STATE_FILED) return "filed";
  return now_unix_ms > r.due_unix_ms() ? "OVERDUE" : "draft";
}

std::string OrNone(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

std::string FormatRecordList(const std::vector<v1::ForeignPersonRecord>& records,
                             int64_t now_unix_ms) {
  if (records.empty()) return "no records\n";
  std::string out;
  for (const v1::ForeignPersonRecord& r : records) {
    absl::StrAppendFormat(&out, "%-8s  due %s  %s\n", State(r, now_unix_ms),
                          DayText(r.due_unix_ms()), r.record_id());
    absl::StrAppendFormat(&out, "          %s (%s); %.3g operations over %.3g\n",
                          OrNone(r.legal_name()), r.foreign_basis(), r.operations_best(),
                          r.level());
  }
  absl::StrAppend(&out, records.size(), records.size() == 1 ? " record\n" : " records\n");
  return out;
}

std::string FormatRecord(const v1::ForeignPersonRecord& r, int64_t now_unix_ms, int max_events) {
  std::string out = absl::StrCat(r.record_id(), "  [", State(r, now_unix_ms), "]\n\n");
  absl::StrAppend(&out, "  customer:      ", r.customer_id(), " (", r.foreign_basis(), ")\n");
  absl::StrAppend(&out, "  lineage:       ", r.model_id(), ", best ",
                  absl::StrFormat("%.4g", r.operations_best()), " (upper ",
                  absl::StrFormat("%.4g", r.operations_upper()), ") operations, level ",
                  absl::StrFormat("%.3g", r.level()), "\n");
  absl::StrAppend(&out, "  period:        ", TimeText(r.period_start_unix_ms()), " to ",
                  TimeText(r.period_end_unix_ms()), "\n");
  absl::StrAppend(&out, "  opened:        ", TimeText(r.opened_unix_ms()), "\n");
  absl::StrAppend(&out, "  due:           ", DayText(r.due_unix_ms()), " (", r.due_basis(), ")\n");
  absl::StrAppend(&out, "  duty:          ", r.duty(), "\n\n");
  absl::StrAppend(&out, "  as of the profile version ", r.profile_version(), ":\n");
  absl::StrAppend(&out, "  name:          ", OrNone(r.legal_name()), "\n");
  absl::StrAppend(&out, "  addresses:     ", OrNone(absl::StrJoin(r.addresses(), "; ")), "\n");
  absl::StrAppend(&out, "  payment:       ", r.payment_source(), "\n");
  absl::StrAppend(&out, "  e-mail:        ", OrNone(absl::StrJoin(r.emails(), ", ")), "\n");
  absl::StrAppend(&out, "  phones:        ", OrNone(absl::StrJoin(r.phones(), ", ")), "\n\n");
  absl::StrAppend(&out, "  access events: ", r.access_events_total(), "\n");
  uint32_t shown = 0;
  for (const v1::RecordAccessEvent& e : r.access_events()) {
    if (shown == static_cast<uint32_t>(max_events)) break;
    ++shown;
    absl::StrAppend(&out, "    ", TimeText(e.time_unix_ms()), "  ", e.source_ip(), "  ",
                    OrNone(e.action()), "  ", OrNone(e.principal()),
                    e.country().empty() ? "" : absl::StrCat("  ", e.country()), "\n");
  }
  if (r.access_events_total() > shown) {
    absl::StrAppend(&out, "    ... ", r.access_events_total() - shown,
                    " more (--json lists those the record holds)\n");
  }
  if (r.state() == v1::RECORD_STATE_FILED) {
    absl::StrAppend(&out, "\n  filed:         ", TimeText(r.filed_unix_ms()), " by ", r.filed_by(),
                    ", reference ", r.agency_reference(), "\n");
    if (!r.filing_note().empty()) absl::StrAppend(&out, "  note:          ", r.filing_note(), "\n");
  }
  return out;
}

}  // namespace redflag::cli
