#include "daemon/reports/quarterly_report.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "daemon/reports/reporting_sections.h"
#include "daemon/util/sha256.h"
#include "daemon/version.h"
#include "detectors/levels.h"
#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/inquiries.pb.h"
#include "redflag/v1/screening.pb.h"

namespace redflag {
namespace {

constexpr int64_t kDayMs = 86'400'000;

std::string Lower(const std::string& enum_name, absl::string_view prefix) {
  absl::string_view n = enum_name;
  if (absl::StartsWith(n, prefix)) n.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(n);
}

std::string Detail(const v1::AuditRecord& r, absl::string_view name) {
  for (const v1::AuditDetail& d : r.details()) {
    if (d.name() == name) return d.value();
  }
  return "";
}

int KindOrder(const std::string& kind) { return kind == "model" ? 0 : kind == "customer" ? 1 : 2; }

}  // namespace

absl::StatusOr<Quarter> ParseQuarter(absl::string_view text) {
  std::string t = absl::AsciiStrToUpper(text);
  t.erase(std::remove(t.begin(), t.end(), '-'), t.end());
  int year = 0, quarter = 0;
  if (t.size() != 6 || t[4] != 'Q' || !absl::SimpleAtoi(t.substr(0, 4), &year) ||
      !absl::SimpleAtoi(t.substr(5), &quarter) || quarter < 1 || quarter > 4 || year < 2015 ||
      year > 2100) {
    return absl::InvalidArgumentError(
        absl::StrCat("quarter: '", text, "' is not a quarter like 2026Q3 (years 2015-2100)"));
  }
  const absl::TimeZone utc = absl::UTCTimeZone();
  const int month = 3 * (quarter - 1) + 1;
  Quarter q;
  q.name = absl::StrCat(year, "Q", quarter);
  q.start = absl::FromCivil(absl::CivilMonth(year, month), utc);
  q.end = absl::FromCivil(absl::CivilMonth(year, month + 3), utc);
  return q;
}

std::string QuarterName(absl::Time t) {
  const absl::CivilDay d = absl::ToCivilDay(t, absl::UTCTimeZone());
  return absl::StrCat(d.year(), "Q", (d.month() - 1) / 3 + 1);
}

std::string ReportContentSha256(const v1::QuarterlyReport& report) {
  v1::QuarterlyReport content = report;
  content.clear_generated_unix_ms();
  content.clear_generated_by();
  content.clear_content_sha256();
  content.clear_frozen_unix_ms();
  return Sha256Hex(content.SerializeAsString());
}

absl::StatusOr<v1::QuarterlyReport> QuarterlyReports::Build(
    const v1::GetQuarterlyReportRequest& request, absl::Time now) const {
  absl::StatusOr<Quarter> q = ParseQuarter(request.quarter());
  if (!q.ok()) return q.status();
  if (q->start > now) {
    return absl::InvalidArgumentError(
        absl::StrCat("quarter: ", q->name, " has not begun (it starts ",
                     absl::FormatTime("%Y-%m-%d", q->start, absl::UTCTimeZone()), ")"));
  }
  const uint32_t chart =
      request.chart_lineages() == 0 ? 5 : std::min(request.chart_lineages(), 20u);
  absl::StatusOr<std::optional<v1::QuarterlyReport>> frozen =
      GetMessage<v1::QuarterlyReport>(store_, Domain::kReports, q->name);
  if (!frozen.ok()) return frozen.status();
  if (frozen->has_value()) return **frozen;
  return BuildNow(*q, chart, now);
}

absl::Status QuarterlyReports::Freeze(const std::string& quarter, absl::Time now) const {
  absl::StatusOr<Quarter> q = ParseQuarter(quarter);
  if (!q.ok()) return q.status();
  absl::StatusOr<std::optional<std::string>> stored = store_.Get(Domain::kReports, q->name);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) return absl::OkStatus();
  absl::StatusOr<v1::QuarterlyReport> r = BuildNow(*q, 5, now);
  if (!r.ok()) return r.status();
  r->set_frozen_unix_ms(absl::ToUnixMillis(now));
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  wb->Put(Domain::kReports, q->name, r->SerializeAsString());
  return store_.Write(*wb, /*sync=*/true);
}

absl::StatusOr<v1::QuarterlyReport> QuarterlyReports::BuildNow(const Quarter& q, uint32_t chart,
                                                               absl::Time now) const {
  v1::QuarterlyReport report;
  report.set_quarter(q.name);
  report.set_start_unix_ms(absl::ToUnixMillis(q.start));
  report.set_end_unix_ms(absl::ToUnixMillis(q.end));
  report.set_complete(now >= q.end);
  for (const detectors::Level& l : view_.levels()) {
    v1::ReportLevel* level = report.add_levels();
    level->set_name(l.name);
    level->set_operations(l.ops);
    level->set_severity(detectors::SeverityName(l.severity));
  }
  ComputeEvaluation eval;
  std::set<std::string> active;
  if (absl::Status s = AddSubjects(q, chart, now, report, eval, active); !s.ok()) return s;
  std::map<std::string, std::string> first_policy;
  if (absl::Status s = AddAuditSections(q, report, first_policy); !s.ok()) return s;
  // A quarter before any profile was recorded is read under the first one
  // recorded, so that later changes leave it as it was.
  const PolicyProfile fallback = first_policy.empty() ? profile_ : ProfileFromRecord(first_policy);
  if (absl::Status s = AddReportingSections(q, ProfileInForce(report, fallback), eval, active,
                                            clusters_, records_, now, report);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = AddInquiries(q, report); !s.ok()) return s;
  if (absl::Status s = AddScreenings(q, report); !s.ok()) return s;
  report.set_content_sha256(ReportContentSha256(report));
  report.set_generated_unix_ms(absl::ToUnixMillis(now));
  report.set_generated_by(absl::StrCat("redflagd ", kVersion, " (", kGitCommit, ")"));
  return report;
}

absl::Status QuarterlyReports::AddSubjects(const Quarter& q, uint32_t chart_lineages,
                                           absl::Time now, v1::QuarterlyReport& report,
                                           ComputeEvaluation& eval,
                                           std::set<std::string>& active) const {
  absl::StatusOr<std::vector<Ledger::JobSnapshot>> jobs = ledger_.SnapshotJobsAsOf(q.end);
  if (!jobs.ok()) return jobs.status();
  absl::StatusOr<std::map<std::string, std::string>> parents =
      customers_.UltimateParentsAsOf(absl::ToUnixMillis(q.end) - 1);
  if (!parents.ok()) return parents.status();
  std::map<std::string, const v1::JobSpec*> spec_of;
  std::map<std::string, uint32_t> jobs_of;  // customer and parent -> jobs
  const int64_t start_ms = absl::ToUnixMillis(q.start);
  for (const Ledger::JobSnapshot& j : *jobs) {
    spec_of[j.spec->job_id()] = j.spec;
    if (j.end_unix_ms == 0 || j.end_unix_ms >= start_ms) active.insert(j.spec->job_id());
    ++jobs_of[j.spec->customer_id()];
    auto p = parents->find(j.spec->customer_id());
    if (p != parents->end()) ++jobs_of[absl::StrCat("parent:", p->second)];
  }
  eval = view_.EvaluateJobs(std::move(*jobs), *parents, /*lineage_jobs=*/true);

  std::vector<const ComputeEvaluation::Subject*> reached;
  for (const auto& s : eval.subjects) {
    // Training reaches a level, or serving alone would: both are the
    // officer's to see, apart.
    if (!detectors::Crossings(s.ops, view_.levels()).empty() ||
        !detectors::Crossings(s.serving, view_.levels()).empty()) {
      reached.push_back(&s);
    }
  }
  std::sort(reached.begin(), reached.end(), [](const auto* a, const auto* b) {
    if (a->kind != b->kind) return KindOrder(a->kind) < KindOrder(b->kind);
    return a->ops.best != b->ops.best ? a->ops.best > b->ops.best : a->id < b->id;
  });
  for (const ComputeEvaluation::Subject* s : reached) {
    v1::ReportSubject* out = report.add_subjects();
    out->set_kind(s->kind);
    out->set_id(s->id);
    out->set_operations_lower(s->ops.lower);
    out->set_operations_best(s->ops.best);
    out->set_operations_upper(s->ops.upper);
    out->set_serving_operations_best(s->serving.best);
    out->set_serving_operations_upper(s->serving.upper);
    for (const detectors::Crossing& c : detectors::Crossings(s->ops, view_.levels())) {
      v1::ReportSubject::Reached* r = out->add_reached();
      r->set_level(c.level.name);
      r->set_likelihood(detectors::LikelihoodName(c.likelihood));
    }
    for (const std::string& c : s->customers) out->add_customers(c);
    out->set_jobs(s->kind == "model"    ? static_cast<uint32_t>(s->lineage_jobs.size())
                  : s->kind == "parent" ? jobs_of[absl::StrCat("parent:", s->id)]
                                        : jobs_of[s->id]);
  }

  // The chart: each day's cumulative best estimate of the largest lineages.
  const int32_t first_day = static_cast<int32_t>(absl::ToUnixMillis(q.start) / kDayMs);
  // Up to the quarter's end, or to today while it runs.
  const int32_t end_day = static_cast<int32_t>(
      std::min(absl::ToUnixMillis(q.end), absl::ToUnixMillis(now) + kDayMs) / kDayMs);
  uint32_t drawn = 0;
  for (const ComputeEvaluation::Subject* s : reached) {
    if (s->kind != "model" || drawn == chart_lineages) continue;
    ++drawn;
    std::vector<double> best(static_cast<size_t>(end_day - first_day), 0.0);
    for (const std::string& job_id : s->lineage_jobs) {
      absl::StatusOr<std::vector<std::pair<int32_t, detectors::Totals>>> days =
          ledger_.DayTotals(job_id, q.end);
      if (!days.ok()) return days.status();
      detectors::Totals cumulative;
      size_t next = 0;
      for (int32_t d = first_day; d < end_day; ++d) {
        while (next < days->size() && (*days)[next].first <= d) {
          detectors::Merge(cumulative, (*days)[next++].second);
        }
        best[static_cast<size_t>(d - first_day)] +=
            view_.Estimate(*spec_of.at(job_id), cumulative).best;
      }
    }
    v1::ReportSeries* series = report.add_chart();
    series->set_model_id(s->id);
    for (int32_t d = first_day; d < end_day; ++d) {
      series->add_day_end_unix_ms((static_cast<int64_t>(d) + 1) * kDayMs);
      series->add_operations_best(best[static_cast<size_t>(d - first_day)]);
    }
  }
  return absl::OkStatus();
}

absl::Status QuarterlyReports::AddAuditSections(
    const Quarter& q, v1::QuarterlyReport& report,
    std::map<std::string, std::string>& first_policy) const {
  const int64_t start = absl::ToUnixMillis(q.start), end = absl::ToUnixMillis(q.end);
  std::map<std::string, v1::ReportAlert> alerts;
  std::map<std::string, bool> touched;
  std::map<std::string, v1::ReportInForce> in_force_at_start;
  std::vector<v1::ReportInForce> changes;
  uint64_t after = 0;
  for (bool more = true; more;) {
    absl::StatusOr<v1::ListAuditResponse> page = audit_.List(after, 10000);
    if (!page.ok()) return page.status();
    more = page->records_size() > 0;
    for (const v1::AuditRecord& r : page->records()) {
      after = r.seq();
      if (r.action() == "in_force" && r.subject() == "policy" && first_policy.empty()) {
        for (const v1::AuditDetail& d : r.details()) first_policy[d.name()] = d.value();
      }
      // Not a break: a clock stepped back can file a later record earlier.
      if (r.unix_ms() >= end) continue;
      const bool in_quarter = r.unix_ms() >= start;
      if (r.action() == "in_force") {
        v1::ReportInForce f;
        f.set_subject(r.subject());
        f.set_since_unix_ms(r.unix_ms());
        f.set_audit_seq(r.seq());
        for (const v1::AuditDetail& d : r.details()) {
          v1::ReportInForce::Detail* out = f.add_details();
          out->set_name(d.name());
          out->set_value(d.value());
        }
        if (in_quarter) {
          changes.push_back(std::move(f));
        } else {
          in_force_at_start[r.subject()] = std::move(f);
        }
        continue;
      }
      if (!absl::StartsWith(r.action(), "alert.")) continue;
      v1::ReportAlert& a = alerts[r.subject()];
      if (in_quarter) touched[r.subject()] = true;
      const std::string action = r.action().substr(sizeof("alert.") - 1);
      if (action == "raised" || action == "updated") {
        if (action == "raised") {
          a.set_raised_unix_ms(r.unix_ms());
          a.set_raised_in_quarter(in_quarter);
          a.set_state("open");
        }
        a.set_rule(Detail(r, "rule"));
        a.set_level(Detail(r, "level"));
        a.set_severity(Lower(Detail(r, "severity"), "SEVERITY_"));
        a.set_summary(Detail(r, "summary"));
        continue;
      }
      if (in_quarter) a.set_steps_in_quarter(a.steps_in_quarter() + 1);
      if (std::string to = Detail(r, "to_state"); !to.empty()) a.set_state(to);
      if (std::string who = Detail(r, "assignee"); !who.empty()) a.set_assignee(who);
      if (action == "resolve") {
        a.set_disposition(Detail(r, "disposition"));
        a.set_resolved_by(r.actor());
        a.set_resolved_unix_ms(r.unix_ms());
        a.set_resolution_comment(Detail(r, "comment"));
      } else if (action == "reopen") {
        a.clear_disposition();
        a.clear_resolved_by();
        a.clear_resolved_unix_ms();
        a.clear_resolution_comment();
      }
    }
  }
  for (auto& [id, a] : alerts) {
    if (!touched[id]) continue;
    a.set_alert_id(id);
    // Who and what the alert is about never changes; read it from the alert.
    absl::StatusOr<std::optional<v1::Alert>> stored =
        GetMessage<v1::Alert>(store_, Domain::kAlerts, id);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      a.set_subject_kind((*stored)->subject_kind());
      a.set_subject_id((*stored)->subject_id());
      a.set_customer_id((*stored)->customer_id());
    }
    *report.add_alerts() = std::move(a);
  }
  for (auto& [subject, f] : in_force_at_start) *report.add_in_force() = std::move(f);
  for (auto& f : changes) *report.add_in_force() = std::move(f);
  return absl::OkStatus();
}

absl::Status QuarterlyReports::AddInquiries(const Quarter& q, v1::QuarterlyReport& report) const {
  const int64_t start = absl::ToUnixMillis(q.start), end = absl::ToUnixMillis(q.end);
  return ScanMessages<v1::Inquiry>(
      store_, Domain::kInquiries, "", "", [&](absl::string_view, const v1::Inquiry& inquiry) {
        if (inquiry.opened_unix_ms() >= end) return true;
        const v1::InquiryStep* last = nullptr;
        v1::ExportIntent answer = v1::EXPORT_INTENT_UNSPECIFIED;
        for (const v1::InquiryStep& step : inquiry.steps()) {
          if (step.unix_ms() >= end) break;
          last = &step;
          if (step.answer() != v1::EXPORT_INTENT_UNSPECIFIED) answer = step.answer();
        }
        if (last == nullptr) return true;
        // Closed before the quarter began: not this quarter's business.
        if (last->state() == v1::INQUIRY_STATE_CLOSED && last->unix_ms() < start) return true;
        v1::ReportInquiry* out = report.add_inquiries();
        out->set_inquiry_id(inquiry.inquiry_id());
        out->set_model_id(inquiry.model_id());
        out->set_customer_id(inquiry.customer_id());
        out->set_opened_unix_ms(inquiry.opened_unix_ms());
        out->set_state(Lower(v1::InquiryState_Name(last->state()), "INQUIRY_STATE_"));
        if (answer != v1::EXPORT_INTENT_UNSPECIFIED) {
          out->set_answer(Lower(v1::ExportIntent_Name(answer), "EXPORT_INTENT_"));
        }
        out->set_last_actor(last->actor());
        out->set_last_step_unix_ms(last->unix_ms());
        out->set_last_note(last->note());
        return true;
      });
}

absl::Status QuarterlyReports::AddScreenings(const Quarter& q, v1::QuarterlyReport& report) const {
  const int64_t start = absl::ToUnixMillis(q.start), end = absl::ToUnixMillis(q.end);
  return ScanMessages<v1::ScreeningRecord>(
      store_, Domain::kScreenings, "", "", [&](absl::string_view, const v1::ScreeningRecord& r) {
        if (r.findings() == 0 || r.screened_unix_ms() < start || r.screened_unix_ms() >= end) {
          return true;
        }
        v1::ReportScreening* out = report.add_screenings();
        out->set_customer_id(r.customer_id());
        out->set_screened_unix_ms(r.screened_unix_ms());
        out->set_trigger(r.trigger());
        out->set_findings(r.findings());
        out->set_entries_hit(r.entries_hit());
        for (const v1::ListVersion& l : r.lists()) {
          out->add_lists(absl::StrCat(l.list(), " ", l.sha256().substr(0, 12)));
        }
        return true;
      });
}

}  // namespace redflag
