#include "cli/report_format.h"

#include <gtest/gtest.h>

namespace redflag::cli {
namespace {

v1::QuarterlyReport Sample() {
  v1::QuarterlyReport r;
  r.set_quarter("2026Q3");
  r.set_start_unix_ms(1782864000000);  // 2026-07-01
  r.set_end_unix_ms(1790812800000);    // 2026-10-01
  r.set_complete(true);
  r.set_content_sha256("abc123");
  for (auto [name, ops] : {std::pair{"1e25", 1e25}, std::pair{"4e091", 1e26}}) {
    v1::ReportLevel* l = r.add_levels();
    l->set_name(name);
    l->set_operations(ops);
    l->set_severity("high");
  }
  v1::ReportSubject* s = r.add_subjects();
  s->set_kind("customer");
  s->set_id("acct, \"quoted\" <script>alert(1)</script>");
  s->set_operations_best(2.5e25);
  s->set_operations_upper(1.1e26);
  auto* reached = s->add_reached();
  reached->set_level("1e25");
  reached->set_likelihood("likely");
  s->set_jobs(3);
  v1::ReportSeries* series = r.add_chart();
  series->set_model_id("m-1");
  for (int d = 1; d <= 3; ++d) {
    series->add_day_end_unix_ms(1782864000000 + d * 86'400'000LL);
    series->add_operations_best(d * 1e25);
  }
  return r;
}

TEST(ReportCsv, OneRowPerFindingWithFieldsQuoted) {
  const std::string csv = ReportCsv(Sample());
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "section,kind,id,customer,level,status,operations_lower,operations_best,"
            "operations_upper,time,actor,disposition,detail");
  EXPECT_NE(csv.find("\nsubject,customer,\"acct, \"\"quoted\"\" <script>alert(1)</script>\",,"
                     "1e25 likely,,0,2.5e+25,1.1e+26,,,,3 jobs\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("content_sha256=abc123"), std::string::npos);
}

TEST(ReportHtml, EscapesNamesAndDrawsEveryLineageAndLevel) {
  const std::string html = ReportHtml(Sample());
  EXPECT_EQ(html.find("<script>"), std::string::npos);  // a customer's name is text, not code
  EXPECT_NE(html.find("acct, &quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("<code id=\"content-sha256\">abc123</code>"), std::string::npos);
  const std::string svg = ReportChartSvg(Sample());
  size_t lines = 0, polylines = 0;
  for (size_t at = 0; (at = svg.find("class=\"level\"", at)) != std::string::npos; ++at) ++lines;
  for (size_t at = 0; (at = svg.find("<polyline", at)) != std::string::npos; ++at) ++polylines;
  EXPECT_EQ(lines, 2u);
  EXPECT_EQ(polylines, 1u);
  EXPECT_NE(svg.find("data-model=\"m-1\""), std::string::npos);
  // Three points, rising (SVG y grows downwards).
  const size_t p = svg.find("points=\"") + 8;
  const std::string points = svg.substr(p, svg.find('"', p) - p);
  double x[3], y[3];
  ASSERT_EQ(
      sscanf(points.c_str(), "%lf,%lf %lf,%lf %lf,%lf", &x[0], &y[0], &x[1], &y[1], &x[2], &y[2]),
      6)
      << points;
  EXPECT_LT(x[0], x[1]);
  EXPECT_GT(y[0], y[1]);
  EXPECT_GT(y[1], y[2]);
}

}  // namespace
}  // namespace redflag::cli
