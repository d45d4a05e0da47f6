// Model lineage: a model's operations are its own jobs' plus every
// ancestor's (continued pre-training, fine-tuning, RL, distillation), once
// each even when lineages merge. Pure: jobs with their estimates in,
// per-model figures out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "detectors/estimate.h"
#include "redflag/v1/common.pb.h"

namespace redflag::detectors {

struct LineageJob {
  std::string job_id;
  std::string customer_id;
  std::string model_id;         // empty: trains no model
  std::string parent_model_id;  // empty: from scratch
  redflag::v1::WorkloadKind workload = redflag::v1::WORKLOAD_KIND_UNSPECIFIED;
  Interval ops;
  double rate = 0;  // recent operations per second (0 once the job ended)
};

struct LineageOptions {
  // Operations of synthetic-data generation count toward the model they
  // produce data for (conservative: the 4E091 notes are silent on it).
  bool count_synthetic_data = true;
};

struct ModelLineage {
  std::string model_id;
  Interval own;         // this model's jobs
  Interval cumulative;  // own plus every ancestor's, each once
  double own_rate = 0;  // the same sums for the recent rate
  double cumulative_rate = 0;
  std::vector<std::string> parents;    // as declared by its jobs
  std::vector<std::string> ancestors;  // every model it descends from, nearest first
  std::vector<std::string> jobs;       // its own jobs
  // Accounts whose jobs trained this model or an ancestor: a parent in
  // another customer's account is allowed and shows here.
  std::vector<std::string> customers;
  std::vector<std::string> findings;  // e.g. a lineage that loops back on itself
};

// Every model named by a job, either as trained or as parent, by model id
// (a std::map: entries stay put while parents are added).
// A parent no job trained contributes nothing of its own (it was trained
// elsewhere) but still appears, so the gap is visible.
// Whether a job of this workload trains: inference and evaluation do not,
// synthetic-data generation as `options` says, every other kind does (an
// unlabelled job must not hide training). Every training figure (a model
// lineage, a customer, an ultimate parent, a structuring group) counts these
// jobs only; the others are serving compute.
bool CountsAsTraining(redflag::v1::WorkloadKind w, const LineageOptions& options);

std::map<std::string, ModelLineage> BuildLineages(const std::vector<LineageJob>& jobs,
                                                  const LineageOptions& options);

// Interval arithmetic for aggregates (per customer, per ultimate parent).
inline void Add(Interval& into, const Interval& x) {
  into.lower += x.lower;
  into.best += x.best;
  into.upper += x.upper;
}

}  // namespace redflag::detectors
