#include "detectors/cluster_peak.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace redflag::detectors {
namespace {

std::string Num(double v) { return absl::StrFormat("%.4g", v); }

std::string PrecisionName(v1::Precision p) {
  return absl::AsciiStrToLower(absl::StripPrefix(v1::Precision_Name(p), "PRECISION_"));
}

}  // namespace

std::string ClusterDutyText(const ClusterDuty& duty) {
  if (!duty.on) return "no cluster reporting duty in this policy profile";
  return absl::StrCat("clusters over ", Num(duty.peak_ops_per_s), " OP/s at more than ",
                      Num(duty.interconnect_gbit_s), " Gbit/s (", duty.source.status, ": ",
                      duty.source.citation, ")");
}

v1::ClusterAssessment AssessCluster(const v1::Cluster& cluster, const Catalog& catalog,
                                    const ClusterDuty& duty) {
  v1::ClusterAssessment out;
  std::vector<std::string> terms;
  double total = 0;
  for (const v1::ClusterAccelerators& group : cluster.accelerators()) {
    const Resolution r = catalog.Resolve(group.model());
    const Accelerator& entry = r.fastest != nullptr ? *r.fastest : catalog.MostConservative();
    v1::ClusterPeakLine* line = out.add_lines();
    line->set_model(group.model());
    line->set_catalog_model(entry.model);
    line->set_count(group.count());
    line->set_peak_each_ops_per_s(entry.fastest_peak);
    line->set_precision(PrecisionName(entry.fastest_precision));
    line->set_peak_ops_per_s(static_cast<double>(group.count()) * entry.fastest_peak);
    if (r.kind == Resolution::Kind::kUnknown) {
      line->set_note(
          absl::StrCat("not in the catalog: counted at its fastest entry, ", entry.model));
    } else if (!r.ambiguity.empty()) {
      line->set_note(absl::StrCat("counted at the fastest variant: ", r.ambiguity));
    }
    total += line->peak_ops_per_s();
    terms.push_back(absl::StrCat(group.count(), " x ", entry.model, " at ", Num(entry.fastest_peak),
                                 " (", line->precision(), " dense)"));
  }
  out.set_peak_ops_per_s(total);
  out.set_over_peak(duty.on && total > duty.peak_ops_per_s);
  out.set_over_interconnect(duty.on && cluster.interconnect_gbit_s() > duty.interconnect_gbit_s);
  out.set_reportable(out.over_peak() && out.over_interconnect());
  std::string arithmetic = absl::StrCat(
      terms.empty() ? "no accelerators" : absl::StrJoin(terms, " + "), " = ", Num(total),
      " OP/s; interconnect ", Num(cluster.interconnect_gbit_s()), " Gbit/s");
  if (!duty.on) {
    absl::StrAppend(&arithmetic, "; ", ClusterDutyText(duty));
  } else {
    absl::StrAppend(&arithmetic, "; peak ", out.over_peak() ? "over " : "not over ",
                    Num(duty.peak_ops_per_s), ", interconnect ",
                    out.over_interconnect() ? "over " : "not over ", Num(duty.interconnect_gbit_s),
                    ": ", out.reportable() ? "reportable" : "not reportable", " (",
                    duty.source.status, ", ", duty.source.citation, ")");
  }
  out.set_arithmetic(std::move(arithmetic));
  return out;
}

}  // namespace redflag::detectors
