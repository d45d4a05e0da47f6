#include "cli/cluster_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/text_format.h"

namespace redflag::cli {

std::string FormatClusters(const v1::ListClustersResponse& list) {
  std::string out = absl::StrCat("inventory as of ", TimeText(list.as_of_unix_ms()),
                                 "\nduty: ", list.duty(), "\n\n");
  size_t reportable = 0;
  for (const v1::ClusterAssessment& a : list.clusters()) {
    const v1::Cluster& c = a.version().cluster();
    reportable += a.reportable() ? 1 : 0;
    absl::StrAppendFormat(&out, "%-14s  %s  %.4g OP/s  %g Gbit/s  since %s\n",
                          a.reportable() ? "REPORTABLE" : "not reportable", c.cluster_id(),
                          a.peak_ops_per_s(), c.interconnect_gbit_s(), c.effective_date());
    absl::StrAppend(&out, "                region ", c.region().empty() ? "-" : c.region(),
                    ", datacenter ", c.datacenter().empty() ? "-" : c.datacenter(), "; recorded ",
                    TimeText(a.version().recorded_unix_ms()), " by ", a.version().recorded_by(),
                    "\n");
    for (const v1::ClusterPeakLine& l : a.lines()) {
      absl::StrAppendFormat(&out, "                %d x %s = %d x %.4g (%s) = %.4g OP/s%s\n",
                            l.count(), l.model(), l.count(), l.peak_each_ops_per_s(),
                            l.catalog_model() == l.model()
                                ? l.precision()
                                : absl::StrCat(l.catalog_model(), ", ", l.precision()),
                            l.peak_ops_per_s(), l.note().empty() ? "" : "  [" + l.note() + "]");
    }
  }
  absl::StrAppend(&out, list.clusters_size(),
                  list.clusters_size() == 1 ? " cluster, " : " clusters, ", reportable,
                  " reportable\n");
  return out;
}

}  // namespace redflag::cli
