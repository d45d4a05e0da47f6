// Answers "how many operations has this job / model lineage / customer spent,
// and how do we know": the detectors' estimator, lineage and levels applied
// to the ledger's current totals, on demand.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/config/config.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"
#include "detectors/catalog.h"
#include "detectors/estimate.h"
#include "detectors/levels.h"
#include "detectors/lineage.h"
#include "redflag/v1/compute.pb.h"

namespace redflag {

// Every subject's figure at once, for alert evaluation.
struct ComputeEvaluation {
  struct Subject {
    std::string kind;  // "model", "customer" or "parent" (ultimate parent)
    std::string id;
    detectors::Interval ops;  // training jobs only (detectors::CountsAsTraining)
    // Customers and parents: the operations of their serving jobs.
    detectors::Interval serving;
    // Operations per second of event time of its running training jobs (for models,
    // including running jobs of ancestors): the recent rate for projections.
    double rate = 0;
    // Models: the accounts whose own jobs trained it (who holds the weights).
    std::vector<std::string> customers;
    // Models, when asked for (EvaluateJobs): the jobs of the lineage, its
    // ancestors' included.
    std::vector<std::string> lineage_jobs;
    // Models: the event time of the lineage's first sample and of its latest
    // (its ancestors' included); 0 before any sample.
    int64_t first_window_ms = 0;
    int64_t last_window_ms = 0;
  };
  struct JobFinding {
    std::string job_id;
    detectors::DataIssue kind;
    std::string detail;
  };
  // A training job whose upper bound reaches kRunFloor: what the reporting
  // duties of R4 judge run by run.
  struct Run {
    std::string job_id;
    std::string customer_id;
    std::string model_id;
    v1::WorkloadKind workload = v1::WORKLOAD_KIND_UNSPECIFIED;
    detectors::Interval ops;
    int64_t start_unix_ms = 0;
    int64_t end_unix_ms = 0;  // 0 while it runs
  };
  // A tenth of the lowest run threshold of any profile (EO 14110's 1e23 for
  // biological sequence data): a smaller run is never reportable.
  static constexpr double kRunFloor = 1e22;
  std::vector<Subject> subjects;
  std::vector<JobFinding> findings;
  std::vector<Run> runs;
};

class ComputeView {
 public:
  // `customers` (may be null) supplies ultimate parents for parent figures.
  ComputeView(const Ledger& ledger, std::shared_ptr<const detectors::Catalog> catalog,
              const ComputeConfig& config, CustomerRegistry* customers = nullptr);

  // NOT_FOUND when no job has the subject; INVALID_ARGUMENT without one.
  absl::StatusOr<v1::EstimateReport> Report(const v1::GetEstimateRequest& request) const;

  // Every model lineage, customer and ultimate parent with its figure and
  // rate, and every job's data-quality findings.
  absl::StatusOr<ComputeEvaluation> EvaluateAll() const;
  // The same for given jobs (e.g. as they stood at a past date) and
  // customer -> ultimate parent names; with `lineage_jobs`, each model's jobs.
  ComputeEvaluation EvaluateJobs(std::vector<Ledger::JobSnapshot> jobs,
                                 const std::map<std::string, std::string>& parent_of,
                                 bool lineage_jobs) const;
  // Whether the job's operations are training (detectors::CountsAsTraining).
  bool Trains(const v1::JobSpec& spec) const {
    return detectors::CountsAsTraining(spec.workload(), lineage_);
  }
  // One job's operations from its declaration and totals.
  detectors::Interval Estimate(const v1::JobSpec& spec, const detectors::Totals& totals) const {
    return EstimateOf(spec, totals, /*explain=*/false).ops;
  }

  const std::vector<detectors::Level>& levels() const { return levels_; }
  // compute.possible_severity_step, for detectors::SeverityOf.
  uint32_t possible_severity_step() const { return possible_severity_step_; }
  // compute.projection_horizon, for projected operations.
  absl::Duration projection_horizon() const { return projection_horizon_; }

 private:
  detectors::Estimate EstimateOf(const v1::JobSpec& spec, const detectors::Totals& totals,
                                 bool explain) const;
  v1::JobContribution Contribution(const v1::JobSpec& spec, const detectors::Totals& totals,
                                   detectors::Estimate* estimate) const;
  // Every job's estimate (without formulas) and recent rate, from one snapshot.
  struct EstimatedJob {
    Ledger::JobSnapshot job;
    detectors::Estimate estimate;
    double rate;
  };
  std::vector<EstimatedJob> EstimateAll(std::vector<Ledger::JobSnapshot> jobs) const;
  std::map<std::string, detectors::ModelLineage> Lineages(
      const std::vector<EstimatedJob>& jobs) const;
  void Finish(const detectors::Interval& ops, v1::EstimateReport& report) const;

  const Ledger& ledger_;
  CustomerRegistry* const customers_;
  const std::shared_ptr<const detectors::Catalog> catalog_;
  detectors::EstimatorOptions estimator_;
  detectors::LineageOptions lineage_;
  std::vector<detectors::Level> levels_;
  uint32_t possible_severity_step_ = 1;
  absl::Duration projection_horizon_;
};

// Reads and parses the catalog file named in the config; errors name the
// config key and the file's line and column.
absl::StatusOr<std::shared_ptr<const detectors::Catalog>> LoadCatalog(const ComputeConfig& config);

}  // namespace redflag
