// How redflagctl writes a quarterly report: CSV (one table, a row per
// finding, for spreadsheets) and one self-contained HTML page (no scripts,
// no external files) with an SVG chart of cumulative operations against the
// levels. JSON is the message itself (docs/reports.md).
#pragma once

#include <string>

#include "redflag/v1/reports.pb.h"

namespace redflag::cli {

std::string ReportCsv(const redflag::v1::QuarterlyReport& report);
std::string ReportHtml(const redflag::v1::QuarterlyReport& report);
// The chart alone: an SVG element, log-scaled operations by day.
std::string ReportChartSvg(const redflag::v1::QuarterlyReport& report);

}  // namespace redflag::cli
