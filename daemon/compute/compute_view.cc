#include "daemon/compute/compute_view.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "detectors/levels.h"

namespace redflag {
namespace {

void SetInterval(const detectors::Interval& i, v1::OperationsInterval* out) {
  out->set_lower(i.lower);
  out->set_best(i.best);
  out->set_upper(i.upper);
}

void AddMethods(const detectors::Estimate& e,
                google::protobuf::RepeatedPtrField<v1::MethodFigure>* out) {
  for (const auto& m : e.methods) {
    v1::MethodFigure* f = out->Add();
    f->set_method(detectors::MethodName(m.method));
    SetInterval(m.ops, f->mutable_operations());
    f->set_formula(m.formula);
  }
}

void AddFindings(const detectors::Estimate& e, const std::string& job_id,
                 v1::EstimateReport& report) {
  for (const auto& [kind, detail] : e.issues) {
    v1::DataQualityFinding* f = report.add_findings();
    f->set_kind(detectors::DataIssueName(kind));
    f->set_detail(detail);
    f->set_job_id(job_id);
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const detectors::Catalog>> LoadCatalog(const ComputeConfig& config) {
  std::ifstream in(config.catalog_file, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("compute.catalog_file: cannot read '", config.catalog_file, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<detectors::Catalog> c = detectors::Catalog::Parse(text.str(), config.catalog_file);
  if (!c.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("compute.catalog_file: ", c.status().message()));
  }
  return std::make_shared<const detectors::Catalog>(std::move(*c));
}

ComputeView::ComputeView(const Ledger& ledger, std::shared_ptr<const detectors::Catalog> catalog,
                         const ComputeConfig& config, CustomerRegistry* customers)
    : ledger_(ledger), customers_(customers), catalog_(std::move(catalog)) {
  estimator_.utilization_prior = config.utilization_prior;
  estimator_.utilization_prior_low = config.utilization_prior_low;
  estimator_.measured_lower_fraction = config.measured_lower_fraction;
  estimator_.activity_margin = config.activity_margin;
  estimator_.non_tensor_fraction = config.non_tensor_fraction;
  estimator_.measured_share_for_best = config.measured_share_for_best;
  estimator_.underreport_fraction = config.underreport_fraction;
  lineage_.count_synthetic_data = config.count_synthetic_data;
  possible_severity_step_ = config.possible_severity_step;
  projection_horizon_ = config.projection_horizon;
  levels_ = detectors::Levels(config.level_info, config.level_warning, config.level_high,
                              config.level_critical);
}

detectors::Estimate ComputeView::EstimateOf(const v1::JobSpec& spec,
                                            const detectors::Totals& totals, bool explain) const {
  detectors::JobFacts facts;
  facts.accelerator_model = spec.accelerator_model();
  facts.precision = spec.precision();
  facts.declared_parameters = spec.declared_parameters();
  facts.declared_active_parameters = spec.declared_active_parameters();
  facts.totals = totals;
  detectors::EstimatorOptions options = estimator_;
  options.explain = explain;
  return detectors::EstimateJob(facts, *catalog_, options);
}

v1::JobContribution ComputeView::Contribution(const v1::JobSpec& spec,
                                              const detectors::Totals& totals,
                                              detectors::Estimate* estimate) const {
  *estimate = EstimateOf(spec, totals, /*explain=*/true);
  v1::JobContribution c;
  c.set_job_id(spec.job_id());
  c.set_customer_id(spec.customer_id());
  c.set_model_id(spec.model_id());
  c.set_workload(v1::WorkloadKind_Name(spec.workload()));
  c.set_serving(!detectors::CountsAsTraining(spec.workload(), lineage_));
  c.set_accelerator(estimate->accelerator);
  c.set_accelerator_seconds(static_cast<double>(totals.accelerator_ms) / 1000.0);
  SetInterval(estimate->ops, c.mutable_operations());
  c.set_best_method(estimate->has_best ? detectors::MethodName(estimate->best_method) : "none");
  AddMethods(*estimate, c.mutable_methods());
  return c;
}

std::vector<ComputeView::EstimatedJob> ComputeView::EstimateAll(
    std::vector<Ledger::JobSnapshot> jobs) const {
  std::vector<EstimatedJob> out;
  for (Ledger::JobSnapshot& job : jobs) {
    const detectors::Totals& t = job.totals;
    detectors::Estimate e = EstimateOf(*job.spec, t, /*explain=*/false);
    // The recent rate: a running job's best estimate over the event time its
    // samples span.
    double rate = 0;
    if (job.end_unix_ms == 0 && t.samples > 0 && t.last_window_end_ms > t.first_window_start_ms) {
      rate =
          e.ops.best * 1000.0 / static_cast<double>(t.last_window_end_ms - t.first_window_start_ms);
    }
    out.push_back({std::move(job), std::move(e), rate});
  }
  return out;
}

std::map<std::string, detectors::ModelLineage> ComputeView::Lineages(
    const std::vector<EstimatedJob>& jobs) const {
  std::vector<detectors::LineageJob> inputs;
  for (const EstimatedJob& j : jobs) {
    const v1::JobSpec& spec = *j.job.spec;
    if (spec.model_id().empty()) continue;
    inputs.push_back({spec.job_id(), spec.customer_id(), spec.model_id(), spec.parent_model_id(),
                      spec.workload(), j.estimate.ops, j.rate});
  }
  return detectors::BuildLineages(inputs, lineage_);
}

void ComputeView::Finish(const detectors::Interval& ops, v1::EstimateReport& report) const {
  SetInterval(ops, report.mutable_operations());
  for (const auto& crossing : detectors::Crossings(ops, levels_)) {
    v1::LevelCrossing* c = report.add_crossings();
    c->set_level(crossing.level.name);
    c->set_operations(crossing.level.ops);
    c->set_severity(
        detectors::SeverityName(detectors::SeverityOf(crossing, possible_severity_step_)));
    c->set_likelihood(detectors::LikelihoodName(crossing.likelihood));
  }
}

absl::StatusOr<ComputeEvaluation> ComputeView::EvaluateAll() const {
  std::map<std::string, std::string> parent_of;
  if (customers_ != nullptr) {
    absl::StatusOr<std::map<std::string, std::string>> p = customers_->UltimateParents();
    if (!p.ok()) return p.status();
    parent_of = std::move(*p);
  }
  return EvaluateJobs(ledger_.SnapshotJobs(), parent_of, /*lineage_jobs=*/false);
}

ComputeEvaluation ComputeView::EvaluateJobs(std::vector<Ledger::JobSnapshot> snapshots,
                                            const std::map<std::string, std::string>& parent_of,
                                            bool lineage_jobs) const {
  ComputeEvaluation out;
  const std::vector<EstimatedJob> jobs = EstimateAll(std::move(snapshots));
  struct Figures {
    detectors::Interval training, serving;
    double rate = 0;
  };
  std::map<std::string, Figures> customers;
  for (const EstimatedJob& j : jobs) {
    Figures& f = customers[j.job.spec->customer_id()];
    if (detectors::CountsAsTraining(j.job.spec->workload(), lineage_)) {
      detectors::Add(f.training, j.estimate.ops);
      f.rate += j.rate;
    } else {
      detectors::Add(f.serving, j.estimate.ops);
    }
    for (const auto& [kind, detail] : j.estimate.issues) {
      out.findings.push_back({j.job.spec->job_id(), kind, detail});
    }
    const v1::JobSpec& spec = *j.job.spec;
    if (j.estimate.ops.upper >= ComputeEvaluation::kRunFloor &&
        detectors::CountsAsTraining(spec.workload(), lineage_)) {
      out.runs.push_back({.job_id = spec.job_id(),
                          .customer_id = spec.customer_id(),
                          .model_id = spec.model_id(),
                          .workload = spec.workload(),
                          .ops = j.estimate.ops,
                          .start_unix_ms = spec.start_unix_ms(),
                          .end_unix_ms = j.job.end_unix_ms});
    }
  }
  std::map<std::string, std::string> customer_of_job;
  std::map<std::string, std::pair<int64_t, int64_t>> windows_of_job;  // first, last
  for (const EstimatedJob& j : jobs) {
    customer_of_job[j.job.spec->job_id()] = j.job.spec->customer_id();
    if (j.job.totals.samples > 0) {
      windows_of_job[j.job.spec->job_id()] = {j.job.totals.first_window_start_ms,
                                              j.job.totals.last_window_end_ms};
    }
  }
  const std::map<std::string, detectors::ModelLineage> lineages = Lineages(jobs);
  for (const auto& [id, m] : lineages) {
    std::vector<std::string> holders;
    for (const std::string& job : m.jobs) {
      const std::string& c = customer_of_job[job];
      if (std::find(holders.begin(), holders.end(), c) == holders.end()) holders.push_back(c);
    }
    out.subjects.push_back(
        {"model", id, m.cumulative, {}, m.cumulative_rate, std::move(holders), {}});
    ComputeEvaluation::Subject& model = out.subjects.back();
    auto widen = [&](const std::vector<std::string>& job_ids) {
      for (const std::string& job : job_ids) {
        auto w = windows_of_job.find(job);
        if (w == windows_of_job.end()) continue;
        if (model.first_window_ms == 0 || w->second.first < model.first_window_ms) {
          model.first_window_ms = w->second.first;
        }
        model.last_window_ms = std::max(model.last_window_ms, w->second.second);
      }
    };
    widen(m.jobs);
    for (const std::string& ancestor : m.ancestors) widen(lineages.at(ancestor).jobs);
    if (!lineage_jobs) continue;
    std::vector<std::string>& all = out.subjects.back().lineage_jobs;
    all = m.jobs;
    for (const std::string& ancestor : m.ancestors) {
      const std::vector<std::string>& theirs = lineages.at(ancestor).jobs;
      all.insert(all.end(), theirs.begin(), theirs.end());
    }
  }
  std::map<std::string, Figures> parents;
  for (const auto& [customer, parent] : parent_of) {
    auto it = customers.find(customer);
    if (it == customers.end()) continue;
    Figures& p = parents[parent];
    detectors::Add(p.training, it->second.training);
    detectors::Add(p.serving, it->second.serving);
    p.rate += it->second.rate;
  }
  for (const auto& [id, c] : customers)
    out.subjects.push_back({"customer", id, c.training, c.serving, c.rate, {}, {}});
  for (const auto& [id, p] : parents) {
    out.subjects.push_back({"parent", id, p.training, p.serving, p.rate, {}, {}});
  }
  return out;
}

absl::StatusOr<v1::EstimateReport> ComputeView::Report(
    const v1::GetEstimateRequest& request) const {
  v1::EstimateReport report;
  detectors::Estimate e;
  switch (request.subject_case()) {
    case v1::GetEstimateRequest::kJobId: {
      absl::StatusOr<v1::Job> job = ledger_.GetJob(request.job_id());
      if (!job.ok()) return job.status();
      report.set_subject_kind("job");
      report.set_subject_id(request.job_id());
      *report.add_jobs() = Contribution(job->spec(), detectors::FromProto(job->totals()), &e);
      report.set_best_method(e.has_best ? detectors::MethodName(e.best_method) : "none");
      AddMethods(e, report.mutable_methods());
      AddFindings(e, request.job_id(), report);
      Finish(e.ops, report);
      return report;
    }
    case v1::GetEstimateRequest::kCustomerId:
    case v1::GetEstimateRequest::kUltimateParent: {
      const bool parent = request.subject_case() == v1::GetEstimateRequest::kUltimateParent;
      std::vector<std::string> accounts;
      if (parent) {
        if (customers_ == nullptr) return absl::UnavailableError("no customer profiles");
        absl::StatusOr<std::map<std::string, std::string>> parent_of =
            customers_->UltimateParents();
        if (!parent_of.ok()) return parent_of.status();
        for (const auto& [customer, p] : *parent_of) {
          if (p == request.ultimate_parent()) accounts.push_back(customer);
        }
      } else {
        accounts.push_back(request.customer_id());
      }
      detectors::Interval total, serving;
      for (const Ledger::JobSnapshot& job : ledger_.SnapshotJobs()) {
        if (std::find(accounts.begin(), accounts.end(), job.spec->customer_id()) ==
            accounts.end()) {
          continue;
        }
        *report.add_jobs() = Contribution(*job.spec, job.totals, &e);
        detectors::Add(report.jobs().rbegin()->serving() ? serving : total, e.ops);
        AddFindings(e, job.spec->job_id(), report);
      }
      if (report.jobs().empty()) {
        return parent ? absl::NotFoundError(absl::StrCat(
                            "ultimate_parent: no job of an account whose ultimate parent is '",
                            request.ultimate_parent(), "'"))
                      : absl::NotFoundError(absl::StrCat("customer_id: no job of customer '",
                                                         request.customer_id(), "'"));
      }
      report.set_subject_kind(parent ? "parent" : "customer");
      report.set_subject_id(parent ? request.ultimate_parent() : request.customer_id());
      if (parent) {
        for (const std::string& a : accounts) report.add_customers(a);
      }
      SetInterval(serving, report.mutable_serving_operations());
      Finish(total, report);
      return report;
    }
    case v1::GetEstimateRequest::kModelId: {
      const std::vector<EstimatedJob> jobs = EstimateAll(ledger_.SnapshotJobs());
      std::map<std::string, detectors::ModelLineage> models = Lineages(jobs);
      auto it = models.find(request.model_id());
      if (it == models.end()) {
        return absl::NotFoundError(
            absl::StrCat("model_id: no job trains or builds on model '", request.model_id(), "'"));
      }
      const detectors::ModelLineage& m = it->second;
      report.set_subject_kind("model");
      report.set_subject_id(m.model_id);
      std::vector<std::string> lineage_models = {m.model_id};
      lineage_models.insert(lineage_models.end(), m.ancestors.begin(), m.ancestors.end());
      std::map<std::string, const EstimatedJob*> by_id;
      for (const EstimatedJob& j : jobs) by_id[j.job.spec->job_id()] = &j;
      for (const std::string& model_id : lineage_models) {
        for (const std::string& job_id : models.at(model_id).jobs) {
          const Ledger::JobSnapshot& job = by_id.at(job_id)->job;
          *report.add_jobs() = Contribution(*job.spec, job.totals, &e);
          AddFindings(e, job_id, report);
        }
      }
      for (const auto& a : m.ancestors) report.add_ancestors(a);
      for (const auto& c : m.customers) report.add_customers(c);
      for (const auto& n : m.findings) report.add_notes(n);
      Finish(m.cumulative, report);
      return report;
    }
    case v1::GetEstimateRequest::SUBJECT_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("subject: name a job_id, model_id or customer_id");
}

}  // namespace redflag
