#include "cli/report_format.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/text_format.h"

namespace redflag::cli {
namespace {

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

std::string Html(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string Ops(double v) { return absl::StrFormat("%.3g", v); }

std::string Reached(const v1::ReportSubject& s) {
  std::vector<std::string> parts;
  for (const auto& r : s.reached()) parts.push_back(absl::StrCat(r.level(), " ", r.likelihood()));
  return absl::StrJoin(parts, "; ");
}

std::string Details(const v1::ReportInForce& f) {
  std::vector<std::string> parts;
  for (const auto& d : f.details()) parts.push_back(absl::StrCat(d.name(), "=", d.value()));
  return absl::StrJoin(parts, "; ");
}

// A row of cells, escaped.
std::string Row(const std::vector<std::string>& cells, bool header = false) {
  std::string out = "<tr>";
  for (const std::string& c : cells) {
    absl::StrAppend(&out, header ? "<th>" : "<td>", Html(c), header ? "</th>" : "</td>");
  }
  return out + "</tr>\n";
}

constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

}  // namespace

std::string ReportCsv(const v1::QuarterlyReport& r) {
  std::string out =
      "section,kind,id,customer,level,status,operations_lower,operations_best,operations_upper,"
      "time,actor,disposition,detail\n";
  auto row = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const std::string& c : cells) escaped.push_back(Csv(c));
    absl::StrAppend(&out, absl::StrJoin(escaped, ","), "\n");
  };
  row({"report", "quarter", r.quarter(), "", "", r.complete() ? "complete" : "so far", "", "", "",
       TimeText(r.generated_unix_ms()), r.generated_by(), "",
       absl::StrCat("content_sha256=", r.content_sha256())});
  for (const auto& s : r.subjects()) {
    row({"subject", s.kind(), s.id(), absl::StrJoin(s.customers(), " "), Reached(s), "",
         absl::StrFormat("%.6g", s.operations_lower()),
         absl::StrFormat("%.6g", s.operations_best()),
         absl::StrFormat("%.6g", s.operations_upper()), "", "", "",
         s.serving_operations_upper() > 0
             ? absl::StrFormat("%d jobs; serving (not training) best %.6g upper %.6g", s.jobs(),
                               s.serving_operations_best(), s.serving_operations_upper())
             : absl::StrCat(s.jobs(), " jobs")});
  }
  for (const auto& a : r.alerts()) {
    row({"alert", a.rule(), a.alert_id(), a.customer_id(), a.level(), a.state(), "", "", "",
         TimeText(a.raised_unix_ms()), a.resolved_by(), a.disposition(),
         a.resolution_comment().empty() ? a.summary() : a.resolution_comment()});
  }
  for (const auto& q : r.inquiries()) {
    row({"inquiry", "rf28", q.inquiry_id(), q.customer_id(), "", q.state(), "", "", "",
         TimeText(q.last_step_unix_ms()), q.last_actor(), q.answer(), q.last_note()});
  }
  for (const auto& s : r.screenings()) {
    row({"screening", s.trigger(), s.customer_id(), s.customer_id(), "",
         absl::StrCat(s.findings(), " findings"), "", "", "", TimeText(s.screened_unix_ms()), "",
         "", absl::StrJoin(s.lists(), "; ")});
  }
  for (const auto& f : r.in_force()) {
    row({"in_force", "", f.subject(), "", "", "", "", "", "", TimeText(f.since_unix_ms()), "", "",
         Details(f)});
  }
  for (const auto& d : r.duties()) {
    row({"duty", d.duty(), r.reporting_profile(), "", "", d.on() ? "on" : "off", "", "", "", "", "",
         "", absl::StrCat(d.threshold(), " (", d.status(), ": ", d.source(), ")")});
  }
  for (const auto& run : r.runs()) {
    row({"reportable_run", run.kind(), run.id(), run.customer_id(),
         absl::StrCat("over ", absl::StrFormat("%g", run.threshold()), " ", run.likelihood()),
         run.duty(), absl::StrFormat("%.6g", run.operations_lower()),
         absl::StrFormat("%.6g", run.operations_best()),
         absl::StrFormat("%.6g", run.operations_upper()), TimeText(run.start_unix_ms()), "", "",
         absl::StrCat("model ", run.model_id(), "; workload ", run.workload())});
  }
  for (const auto& f : r.foreign_person_records()) {
    row({"foreign_person_record", f.state(), f.record_id(), f.customer_id(), f.foreign_basis(),
         f.overdue() ? "overdue" : f.state(), "", absl::StrFormat("%.6g", f.operations_best()), "",
         TimeText(f.opened_unix_ms()), f.filed_by(), f.agency_reference(),
         absl::StrCat("due ", DayText(f.due_unix_ms()), "; ", f.access_events(),
                      " access events")});
  }
  for (const auto& c : r.clusters()) {
    row({"cluster", c.region(), c.cluster_id(), "", c.datacenter(),
         c.reportable() ? "reportable" : "not reportable", "",
         absl::StrFormat("%.6g", c.peak_ops_per_s()), "", c.effective_date(), "", "",
         c.arithmetic()});
  }
  return out;
}

std::string ReportChartSvg(const v1::QuarterlyReport& r) {
  constexpr double kW = 880, kH = 360, kLeft = 70, kRight = 150, kTop = 20, kBottom = 40;
  // Log scale from the smallest level / 10 (or the smallest value) to the top level x 3.
  double lo = 1e30, hi = 0;
  for (const auto& l : r.levels()) {
    lo = std::min(lo, l.operations() / 10);
    hi = std::max(hi, l.operations() * 3);
  }
  for (const auto& s : r.chart()) {
    for (double v : s.operations_best()) {
      if (v > 0) lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (hi <= 0) hi = 1e27;
  if (lo >= hi) lo = hi / 1e4;
  const double llo = std::floor(std::log10(lo)), lhi = std::ceil(std::log10(hi));
  const double t0 = static_cast<double>(r.start_unix_ms()),
               t1 = static_cast<double>(r.end_unix_ms());
  auto x = [&](double t) { return kLeft + (t - t0) / (t1 - t0) * (kW - kLeft - kRight); };
  auto y = [&](double v) {
    const double l = std::log10(std::max(v, std::pow(10.0, llo)));
    return kTop + (lhi - l) / (lhi - llo) * (kH - kTop - kBottom);
  };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Cumulative training operations of the "
      "largest lineages against the levels\">\n",
      static_cast<int>(kW), static_cast<int>(kH), static_cast<int>(kW), static_cast<int>(kH));
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" "
                        "stroke=\"#999\"/>\n",
                        kLeft, kTop, kW - kLeft - kRight, kH - kTop - kBottom);
  for (double e = llo; e <= lhi; ++e) {
    absl::StrAppendFormat(
        &svg, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>\n",
        kLeft - 6, y(std::pow(10.0, e)) + 4, static_cast<int>(e));
  }
  absl::StrAppendFormat(&svg, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", kLeft,
                        kH - 12, Html(TimeText(r.start_unix_ms()).substr(0, 10)));
  absl::StrAppendFormat(
      &svg, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
      kW - kRight, kH - 12, Html(TimeText(r.end_unix_ms()).substr(0, 10)));
  for (const auto& l : r.levels()) {
    const double ly = y(l.operations());
    absl::StrAppendFormat(&svg,
                          "<line class=\"level\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#c00\" stroke-dasharray=\"4 3\"/>"
                          "<text class=\"level-label\" x=\"%.1f\" y=\"%.1f\">%s (%s)</text>\n",
                          kLeft, kW - kRight, ly, ly, kW - kRight + 4, ly + 4, Html(l.name()),
                          Ops(l.operations()));
  }
  size_t i = 0;
  for (const auto& s : r.chart()) {
    const char* colour = kColours[i++ % (sizeof(kColours) / sizeof(kColours[0]))];
    std::vector<std::string> points;
    double last_y = 0;
    for (int d = 0; d < s.day_end_unix_ms_size() && d < s.operations_best_size(); ++d) {
      last_y = y(s.operations_best(d));
      points.push_back(
          absl::StrFormat("%.1f,%.1f", x(static_cast<double>(s.day_end_unix_ms(d))), last_y));
    }
    absl::StrAppendFormat(&svg,
                          "<polyline class=\"lineage\" data-model=\"%s\" fill=\"none\" "
                          "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n",
                          Html(s.model_id()), colour, absl::StrJoin(points, " "));
    absl::StrAppendFormat(
        &svg, "<text class=\"lineage-label\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
        kW - kRight + 4, last_y + 14, colour, Html(s.model_id()));
  }
  return svg + "</svg>\n";
}

std::string ReportHtml(const v1::QuarterlyReport& r) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>redflagd "
      "compliance report ",
      Html(r.quarter()),
      "</title>\n<style>\nbody{font:14px/1.4 sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:.5em 0 1.5em}"
      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
      "th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}"
      ".tick,.level-label,.lineage-label{font:11px sans-serif}.meta{color:#555}\n</style>\n"
      "</head><body>\n<h1>Export-control compliance report, ",
      Html(r.quarter()), "</h1>\n<p class=\"meta\" id=\"period\">",
      Html(TimeText(r.start_unix_ms())), " to ", Html(TimeText(r.end_unix_ms())), " (",
      r.complete() ? "complete" : "quarter still running: figures so far", "). Generated ",
      Html(TimeText(r.generated_unix_ms())), " by ", Html(r.generated_by()),
      ". Content SHA-256 <code id=\"content-sha256\">", Html(r.content_sha256()), "</code>.</p>\n");

  absl::StrAppend(&out, "<h2>Training operations against the levels</h2>\n", ReportChartSvg(r));
  absl::StrAppend(&out, "<h2>Lineages, accounts and ultimate parents at or above a level</h2>\n",
                  "<table id=\"subjects\">\n",
                  Row({"kind", "id", "levels reached", "lower", "best", "upper", "serving (best)",
                       "jobs", "trained by"},
                      true));
  for (const auto& s : r.subjects()) {
    absl::StrAppend(&out, "<tr><td>", Html(s.kind()), "</td><td>", Html(s.id()), "</td><td>",
                    Html(Reached(s)), "</td><td class=\"num\">", Ops(s.operations_lower()),
                    "</td><td class=\"num\">", Ops(s.operations_best()), "</td><td class=\"num\">",
                    Ops(s.operations_upper()), "</td><td class=\"num\">",
                    s.serving_operations_best() > 0 ? Ops(s.serving_operations_best()) : "-",
                    "</td><td class=\"num\">", s.jobs(), "</td><td>",
                    Html(absl::StrJoin(s.customers(), ", ")), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");

  absl::StrAppend(&out, "<h2>Alerts raised or worked in the quarter</h2>\n<table id=\"alerts\">\n",
                  Row({"alert", "severity", "state at quarter end", "raised", "disposition",
                       "resolved by", "comment", "summary"},
                      true));
  for (const auto& a : r.alerts()) {
    out += Row({a.alert_id(), a.severity(), a.state(), TimeText(a.raised_unix_ms()),
                a.disposition(), a.resolved_by(), a.resolution_comment(), a.summary()});
  }
  absl::StrAppend(&out, "</table>\n");

  absl::StrAppend(&out, "<h2>Red Flag 28 export-intent inquiries</h2>\n<table id=\"inquiries\">\n",
                  Row({"inquiry", "customer", "model", "opened", "state at quarter end", "answer",
                       "last step", "by", "note"},
                      true));
  for (const auto& q : r.inquiries()) {
    out +=
        Row({q.inquiry_id(), q.customer_id(), q.model_id(), TimeText(q.opened_unix_ms()), q.state(),
             q.answer(), TimeText(q.last_step_unix_ms()), q.last_actor(), q.last_note()});
  }
  absl::StrAppend(&out, "</table>\n");

  absl::StrAppend(
      &out, "<h2>Screenings that found listed parties</h2>\n<table id=\"screenings\">\n",
      Row({"customer", "screened", "trigger", "findings", "entries hit", "lists"}, true));
  for (const auto& s : r.screenings()) {
    out += Row({s.customer_id(), TimeText(s.screened_unix_ms()), s.trigger(),
                absl::StrCat(s.findings()), absl::StrCat(s.entries_hit()),
                absl::StrJoin(s.lists(), "; ")});
  }
  absl::StrAppend(&out, "</table>\n");

  absl::StrAppend(
      &out, "<h2>Policy, country lists and list files in force</h2>\n<table id=\"in-force\">\n",
      Row({"what", "since", "audit record", "details"}, true));
  for (const auto& f : r.in_force()) {
    out += Row(
        {f.subject(), TimeText(f.since_unix_ms()), absl::StrCat("#", f.audit_seq()), Details(f)});
  }
  absl::StrAppend(&out, "</table>\n");

  absl::StrAppend(&out, "<h2>Reporting duties (", Html(r.reporting_profile()),
                  ")</h2>\n<table id=\"duties\">\n",
                  Row({"duty", "in force", "threshold", "status", "source"}, true));
  for (const auto& d : r.duties()) {
    out += Row({d.duty(), d.on() ? "yes" : "no", d.threshold(), d.status(), d.source()});
  }
  absl::StrAppend(&out, "</table>\n<h2>Reportable training runs</h2>\n<table id=\"runs\">\n",
                  Row({"run", "kind", "customer", "model", "workload", "duty", "over", "likelihood",
                       "lower", "best", "upper", "started", "ended"},
                      true));
  for (const auto& run : r.runs()) {
    out += Row({run.id(), run.kind(), run.customer_id(), run.model_id(), run.workload(), run.duty(),
                Ops(run.threshold()), run.likelihood(), Ops(run.operations_lower()),
                Ops(run.operations_best()), Ops(run.operations_upper()),
                TimeText(run.start_unix_ms()), TimeText(run.end_unix_ms())});
  }
  absl::StrAppend(&out,
                  "</table>\n<h2>Computing clusters in the quarter</h2>\n<table "
                  "id=\"clusters\">\n",
                  Row({"cluster", "region", "datacenter", "judged as of", "in effect", "peak OP/s",
                       "interconnect Gbit/s", "reportable", "arithmetic"},
                      true));
  for (const auto& c : r.clusters()) {
    out += Row({c.cluster_id(), c.region(), c.datacenter(), c.effective_date(),
                absl::StrJoin(c.in_effect(), ", "), Ops(c.peak_ops_per_s()),
                absl::StrFormat("%g", c.interconnect_gbit_s()), c.reportable() ? "yes" : "no",
                c.arithmetic()});
  }
  absl::StrAppend(&out,
                  "</table>\n<h2>Foreign-person training records</h2>\n<table "
                  "id=\"foreign-person-records\">\n",
                  Row({"record", "customer", "name", "why foreign", "operations", "opened", "due",
                       "state at quarter end", "filed", "by", "reference", "access events"},
                      true));
  for (const auto& f : r.foreign_person_records()) {
    out += Row({f.record_id(), f.customer_id(), f.legal_name(), f.foreign_basis(),
                Ops(f.operations_best()), TimeText(f.opened_unix_ms()), DayText(f.due_unix_ms()),
                f.overdue() ? "draft, overdue" : f.state(), TimeText(f.filed_unix_ms()),
                f.filed_by(), f.agency_reference(), absl::StrCat(f.access_events())});
  }
  absl::StrAppend(&out, "</table>\n<h2>Levels</h2>\n<table id=\"levels\">\n",
                  Row({"level", "operations", "severity"}, true));
  for (const auto& l : r.levels()) out += Row({l.name(), Ops(l.operations()), l.severity()});
  absl::StrAppend(&out, "</table>\n</body></html>\n");
  return out;
}

}  // namespace redflag::cli
