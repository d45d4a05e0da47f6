// redflagctl report --quarter 2026Q3 [--format json|csv|html] [--out FILE]
// [--chart N]: the quarterly compliance report.
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cli/command.h"
#include "cli/report_format.h"
#include "redflag/v1/reports.grpc.pb.h"

namespace redflag::cli {

int Report(const Cli& cli, const std::vector<std::string>& args) {
  v1::GetQuarterlyReportRequest req;
  std::string format = "json", out_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--quarter" && has_value) {
      req.set_quarter(args[++i]);
      if (req.quarter() == "current") {  // the quarter the clock is in
        const absl::CivilSecond now = absl::ToCivilSecond(absl::Now(), absl::UTCTimeZone());
        req.set_quarter(absl::StrCat(now.year(), "Q", (now.month() - 1) / 3 + 1));
      }
    } else if (args[i] == "--format" && has_value) {
      format = args[++i];
      if (format != "json" && format != "csv" && format != "html") {
        return Usage(absl::StrCat("--format: '", format, "' is not json, csv or html"));
      }
    } else if (args[i] == "--out" && has_value) {
      out_path = args[++i];
    } else if (args[i] == "--chart" && has_value) {
      uint32_t n = 0;
      if (!absl::SimpleAtoi(args[++i], &n)) return Usage("--chart needs a number of lineages");
      req.set_chart_lineages(n);
    } else {
      return Usage(absl::StrCat("report: unknown argument '", args[i], "'"));
    }
  }
  if (req.quarter().empty()) return Usage("report needs --quarter, e.g. --quarter 2026Q3");
  v1::QuarterlyReport report;
  grpc::Status s = v1::ReportService::NewStub(cli.channel)
                       ->GetQuarterlyReport(cli.Context().get(), req, &report);
  if (!s.ok()) return Fail(s, "report");
  std::string text;
  if (format == "csv") {
    text = ReportCsv(report);
  } else if (format == "html") {
    text = ReportHtml(report);
  } else {
    text = JsonText(report);
  }
  if (out_path.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "redflagctl: report: cannot write " << out_path << "\n";
    return 1;
  }
  std::cerr << "report " << report.quarter() << " (" << (report.complete() ? "complete" : "so far")
            << ", content sha256 " << report.content_sha256() << ") written to " << out_path
            << "\n";
  return 0;
}

}  // namespace redflag::cli
