#include "daemon/reports/reporting_sections.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "detectors/cluster_peak.h"
#include "detectors/foreign_person.h"
#include "detectors/reportable_runs.h"

namespace redflag {
namespace {

std::string Num(double v) { return absl::StrFormat("%g", v); }

std::string WorkloadName(v1::WorkloadKind w) {
  return absl::AsciiStrToLower(absl::StripPrefix(v1::WorkloadKind_Name(w), "WORKLOAD_KIND_"));
}

void AddDuty(v1::QuarterlyReport& report, const char* name, bool on, std::string threshold,
             const detectors::DutySource& source) {
  v1::ReportDuty* d = report.add_duties();
  d->set_duty(name);
  d->set_on(on);
  d->set_threshold(std::move(threshold));
  d->set_status(source.status);
  d->set_source(source.citation);
}

void AddRun(v1::QuarterlyReport& report, const char* kind, const std::string& id,
            const std::string& customer, const std::string& model, v1::WorkloadKind workload,
            const detectors::Interval& ops, const detectors::ReportableRun& r, int64_t start,
            int64_t end) {
  v1::ReportRun* out = report.add_runs();
  out->set_kind(kind);
  out->set_id(id);
  out->set_customer_id(customer);
  out->set_model_id(model);
  out->set_workload(WorkloadName(workload));
  out->set_operations_lower(ops.lower);
  out->set_operations_best(ops.best);
  out->set_operations_upper(ops.upper);
  out->set_duty(r.duty);
  out->set_threshold(r.threshold);
  out->set_likelihood(detectors::LikelihoodName(r.likelihood));
  out->set_start_unix_ms(start);
  out->set_end_unix_ms(end);
}

absl::Status AddClusters(const Quarter& q, const detectors::ClusterDuty& duty,
                         ClusterInventory& inventory, v1::QuarterlyReport& report) {
  absl::StatusOr<std::map<std::string, std::vector<v1::ClusterVersion>>> all = inventory.All();
  if (!all.ok()) return all.status();
  const int64_t start = absl::ToUnixMillis(q.start), end = absl::ToUnixMillis(q.end);
  for (const auto& [id, versions] : *all) {
    // In effect in the quarter: the one at its start and each dated in it.
    std::vector<const v1::ClusterVersion*> in_effect;
    for (const v1::ClusterVersion& v : versions) {
      if (v.effective_unix_ms() >= end) break;
      if (v.effective_unix_ms() <= start) in_effect.clear();
      in_effect.push_back(&v);
    }
    std::erase_if(in_effect, [](const auto* v) { return v->cluster().retired(); });
    if (in_effect.empty()) continue;
    const v1::ClusterVersion* judged = nullptr;
    v1::ClusterAssessment best;
    for (const v1::ClusterVersion* v : in_effect) {
      v1::ClusterAssessment a = detectors::AssessCluster(v->cluster(), inventory.catalog(), duty);
      if (judged == nullptr || (a.reportable() && !best.reportable()) ||
          (a.reportable() == best.reportable() && a.peak_ops_per_s() > best.peak_ops_per_s())) {
        judged = v;
        best = std::move(a);
      }
    }
    v1::ReportCluster* out = report.add_clusters();
    const v1::Cluster& c = judged->cluster();
    out->set_cluster_id(id);
    out->set_region(c.region());
    out->set_datacenter(c.datacenter());
    out->set_effective_date(c.effective_date());
    out->set_peak_ops_per_s(best.peak_ops_per_s());
    out->set_interconnect_gbit_s(c.interconnect_gbit_s());
    out->set_reportable(best.reportable());
    out->set_arithmetic(best.arithmetic());
    for (const v1::ClusterVersion* v : in_effect) out->add_in_effect(v->cluster().effective_date());
  }
  return absl::OkStatus();
}

// Opened by the quarter's end and not filed before it began; the state is the
// one at its end (or now, for the running quarter).
absl::Status AddRecords(const Quarter& q, absl::Time now, RecordStore& records,
                        v1::QuarterlyReport& report) {
  const int64_t start = absl::ToUnixMillis(q.start), end = absl::ToUnixMillis(q.end);
  absl::StatusOr<std::vector<v1::ForeignPersonRecord>> all =
      records.List(v1::RECORD_STATE_UNSPECIFIED, "", /*brief=*/true);
  if (!all.ok()) return all.status();
  for (const v1::ForeignPersonRecord& r : *all) {
    const bool filed_by_end = r.state() == v1::RECORD_STATE_FILED && r.filed_unix_ms() < end;
    if (r.opened_unix_ms() >= end || (filed_by_end && r.filed_unix_ms() < start)) continue;
    v1::ReportForeignRecord* out = report.add_foreign_person_records();
    out->set_record_id(r.record_id());
    out->set_customer_id(r.customer_id());
    out->set_model_id(r.model_id());
    out->set_legal_name(r.legal_name());
    out->set_foreign_basis(r.foreign_basis());
    out->set_operations_best(r.operations_best());
    out->set_opened_unix_ms(r.opened_unix_ms());
    out->set_due_unix_ms(r.due_unix_ms());
    out->set_state(filed_by_end ? "filed" : "draft");
    out->set_overdue(detectors::IsOverdue(filed_by_end, absl::FromUnixMillis(r.due_unix_ms()),
                                          std::min(q.end, now)));
    if (filed_by_end) {
      out->set_filed_by(r.filed_by());
      out->set_filed_unix_ms(r.filed_unix_ms());
      out->set_agency_reference(r.agency_reference());
    }
    out->set_access_events(r.access_events_total());
  }
  return absl::OkStatus();
}

}  // namespace

PolicyProfile ProfileInForce(const v1::QuarterlyReport& report, const PolicyProfile& fallback) {
  const v1::ReportInForce* last = nullptr;
  for (const v1::ReportInForce& f : report.in_force()) {
    if (f.subject() == "policy" &&
        (last == nullptr || f.since_unix_ms() >= last->since_unix_ms())) {
      last = &f;
    }
  }
  if (last == nullptr) return fallback;
  std::map<std::string, std::string> details;
  for (const v1::ReportInForce::Detail& d : last->details()) details[d.name()] = d.value();
  return ProfileFromRecord(details);
}

absl::Status AddReportingSections(const Quarter& q, const PolicyProfile& profile,
                                  const ComputeEvaluation& eval,
                                  const std::set<std::string>& active, ClusterInventory* clusters,
                                  RecordStore* records, absl::Time now,
                                  v1::QuarterlyReport& report) {
  const detectors::ReportingPolicy& policy = profile.reporting;
  report.set_reporting_profile(profile.Label());
  AddDuty(report, "runs", policy.runs.on,
          absl::StrCat("more than ", Num(policy.runs.operations), " operations per ",
                       policy.runs.by_lineage ? "lineage" : "job"),
          policy.runs.source);
  AddDuty(report, "biological_sequence_runs", policy.biological_sequence_runs.on,
          absl::StrCat("more than ", Num(policy.biological_sequence_runs.operations),
                       " operations, mainly on biological sequence data"),
          policy.biological_sequence_runs.source);
  AddDuty(report, "clusters", policy.clusters.on,
          absl::StrCat("more than ", Num(policy.clusters.peak_ops_per_s),
                       " OP/s (dense, no sparsity) at more than ",
                       Num(policy.clusters.interconnect_gbit_s), " Gbit/s"),
          policy.clusters.source);
  AddDuty(report, "foreign_person_records", policy.foreign_person_records.on,
          absl::StrCat("a foreign person's lineage over ",
                       Num(policy.foreign_person_records.operations), " operations, due in ",
                       policy.foreign_person_records.due_days, " days (",
                       policy.foreign_person_records.due_source.status, ")"),
          policy.foreign_person_records.source);

  // Jobs as runs (always for biological sequence data), or lineages.
  detectors::ReportingPolicy per_job = policy;
  if (policy.runs.by_lineage) per_job.runs.on = false;
  for (const ComputeEvaluation::Run& run : eval.runs) {
    if (!active.contains(run.job_id)) continue;
    for (const detectors::ReportableRun& r :
         detectors::ReportableUnder(run.ops, run.workload, per_job)) {
      AddRun(report, "job", run.job_id, run.customer_id, run.model_id, run.workload, run.ops, r,
             run.start_unix_ms, run.end_unix_ms);
    }
  }
  if (policy.runs.by_lineage && policy.runs.on) {
    detectors::ReportingPolicy lineage_only;
    lineage_only.runs = policy.runs;
    for (const ComputeEvaluation::Subject& s : eval.subjects) {
      if (s.kind != "model") continue;
      if (std::none_of(s.lineage_jobs.begin(), s.lineage_jobs.end(),
                       [&](const std::string& j) { return active.contains(j); })) {
        continue;
      }
      for (const detectors::ReportableRun& r :
           detectors::ReportableUnder(s.ops, v1::WORKLOAD_KIND_UNSPECIFIED, lineage_only)) {
        AddRun(report, "lineage", s.id, s.customers.empty() ? "" : s.customers.front(), s.id,
               v1::WORKLOAD_KIND_UNSPECIFIED, s.ops, r, 0, 0);
      }
    }
  }
  std::sort(report.mutable_runs()->begin(), report.mutable_runs()->end(),
            [](const v1::ReportRun& a, const v1::ReportRun& b) {
              if (a.operations_best() != b.operations_best()) {
                return a.operations_best() > b.operations_best();
              }
              return a.id() != b.id() ? a.id() < b.id() : a.duty() < b.duty();
            });
  if (clusters != nullptr) {
    if (absl::Status s = AddClusters(q, policy.clusters, *clusters, report); !s.ok()) return s;
  }
  return records == nullptr ? absl::OkStatus() : AddRecords(q, now, *records, report);
}

}  // namespace redflag
