#include "daemon/customers/structuring.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "detectors/account_links.h"
#include "detectors/accounting.h"
#include "detectors/lineage.h"

namespace redflag {
namespace {

// Links listed in evidence; the rest are counted.
constexpr size_t kLinksShown = 20;

}  // namespace

Structuring::Structuring(const ComputeView& view, Ledger& ledger, CustomerRegistry& customers,
                         AlertStore& alerts, absl::Duration window)
    : view_(view), ledger_(ledger), window_(window), customers_(customers), recorder_(alerts) {}

absl::StatusOr<std::map<std::string, detectors::Interval>> Structuring::TrainingSince(
    absl::Time start) {
  if (absl::Status s = ledger_.CheckpointNow(); !s.ok()) return s;
  std::map<std::string, detectors::Interval> out;
  for (const Ledger::JobSnapshot& j : ledger_.SnapshotJobs()) {
    if (!view_.Trains(*j.spec)) continue;
    detectors::Totals before;
    if (j.totals.first_window_start_ms < absl::ToUnixMillis(start)) {
      absl::StatusOr<std::vector<std::pair<int32_t, detectors::Totals>>> days =
          ledger_.DayTotals(j.spec->job_id(), start);
      if (!days.ok()) return days.status();
      for (const auto& [day, totals] : *days) detectors::Merge(before, totals);
    }
    detectors::Add(out[j.spec->customer_id()],
                   view_.Estimate(*j.spec, detectors::TotalsSince(j.totals, before)));
  }
  return out;
}

absl::Status Structuring::EvaluateOnce(absl::Time now) {
  absl::StatusOr<ComputeEvaluation> eval = view_.EvaluateAll();
  if (!eval.ok()) return eval.status();
  return Evaluate(*eval, now);
}

absl::Status Structuring::Evaluate(const ComputeEvaluation& eval, absl::Time now) {
  std::map<std::string, detectors::Interval> ops_of;
  for (const auto& s : eval.subjects) {
    if (s.kind == "customer") ops_of[s.id] = s.ops;
  }

  detectors::AccountLinker linker;
  absl::Status s = customers_.ForEach([&](const v1::Customer& c) {
    linker.AddProfile(c.profile());
    return true;
  });
  if (!s.ok()) return s;

  // Checkpoints across accounts: the accounts that trained each model, then
  // every job that continues from a model another account trained.
  const std::vector<Ledger::JobSnapshot> jobs = ledger_.SnapshotJobs();
  std::map<std::string, std::set<std::string>> trained_by;
  for (const Ledger::JobSnapshot& j : jobs) {
    if (!j.spec->model_id().empty()) trained_by[j.spec->model_id()].insert(j.spec->customer_id());
  }
  for (const Ledger::JobSnapshot& j : jobs) {
    const v1::JobSpec& spec = *j.spec;
    linker.AddCheckpoint(spec.customer_id(), spec.parent_checkpoint());
    auto it = trained_by.find(spec.parent_model_id());
    if (spec.parent_model_id().empty() || it == trained_by.end()) continue;
    std::vector<std::string> others;
    for (const std::string& owner : it->second) {
      if (owner == spec.customer_id()) continue;
      others.push_back(owner);
      linker.AddCheckpointUse(owner, spec.customer_id(), spec.parent_model_id());
    }
    if (others.empty()) continue;
    v1::Alert a =
        NewAlert("cross_account_checkpoint", "job", spec.job_id(), spec.parent_model_id());
    a.set_customer_id(spec.customer_id());
    a.set_level("parent_model");
    a.set_severity(v1::SEVERITY_WARNING);
    a.set_summary(absl::StrCat(
        "job ", spec.job_id(), " of customer ", spec.customer_id(), " trains from model ",
        spec.parent_model_id(), ", a checkpoint produced in the account of ",
        absl::StrJoin(others, ", "), ": the accounts are linked for structuring"));
    AddEvidence(a, "parent_model", spec.parent_model_id());
    AddEvidence(a, "parent_trained_by", absl::StrJoin(others, ", "));
    AddEvidence(a, "model_id", spec.model_id());
    if (absl::Status r = recorder_.Record(std::move(a), now, false); !r.ok()) return r;
  }

  // Training in the window, computed once a group's all-time training could
  // cross a level (a window's figure is never larger).
  const absl::Time window_start = now - window_;
  std::optional<std::map<std::string, detectors::Interval>> in_window;
  const std::string window_text =
      absl::StrCat(absl::ToInt64Hours(window_) / 24, " days to ",
                   absl::FormatTime("%Y-%m-%d", now, absl::UTCTimeZone()));
  for (const detectors::AccountGroup& g : linker.Groups()) {
    detectors::Interval all_time;
    std::map<std::string, detectors::Likelihood> member_reached;  // level -> strongest, all time
    for (const std::string& m : g.members) {
      const detectors::Interval ops = ops_of.count(m) ? ops_of[m] : detectors::Interval();
      detectors::Add(all_time, ops);
      for (const detectors::Crossing& c : detectors::Crossings(ops, view_.levels())) {
        auto [it, fresh] = member_reached.emplace(c.level.name, c.likelihood);
        if (!fresh && c.likelihood == detectors::Likelihood::kLikely) it->second = c.likelihood;
      }
    }
    if (detectors::Crossings(all_time, view_.levels()).empty()) continue;
    if (!in_window) {
      absl::StatusOr<std::map<std::string, detectors::Interval>> w = TrainingSince(window_start);
      if (!w.ok()) return w.status();
      in_window = std::move(*w);
    }
    detectors::Interval combined;
    std::vector<std::string> figures;
    for (const std::string& m : g.members) {
      auto it = in_window->find(m);
      const detectors::Interval ops = it == in_window->end() ? detectors::Interval() : it->second;
      detectors::Add(combined, ops);
      figures.push_back(
          absl::StrCat(m, " ", OpsFigure(ops.best), " (upper ", OpsFigure(ops.upper), ")"));
    }
    std::vector<std::string> reasons;
    for (size_t i = 0; i < g.links.size() && i < kLinksShown; ++i) {
      reasons.push_back(absl::StrCat(g.links[i].a, " ~ ", g.links[i].b, ": ", g.links[i].reason));
    }
    if (g.links.size() > kLinksShown) {
      reasons.push_back(absl::StrCat("and ", g.links.size() - kLinksShown, " more"));
    }
    for (const detectors::Crossing& c : detectors::Crossings(combined, view_.levels())) {
      auto member = member_reached.find(c.level.name);
      const bool alone =
          member != member_reached.end() && (member->second == detectors::Likelihood::kLikely ||
                                             c.likelihood == detectors::Likelihood::kPossible);
      if (alone) continue;  // a member reaches it by itself: compute_level says so
      const char* likelihood = detectors::LikelihoodName(c.likelihood);
      v1::Alert a = NewAlert("structuring", "group", g.members.front(), c.level.name);
      a.set_level(absl::StrCat(c.level.name, "/", likelihood));
      a.set_severity(ToSeverity(detectors::SeverityOf(c, view_.possible_severity_step())));
      a.set_summary(
          absl::StrCat("linked accounts ", absl::StrJoin(g.members, ", "),
                       c.likelihood == detectors::Likelihood::kLikely ? " have likely reached "
                                                                      : " may have reached ",
                       OpsRounded(c.level.ops), " operations of training together in the ",
                       window_text, " (best ", OpsRounded(combined.best), ", upper ",
                       OpsRounded(combined.upper), "), which none reaches alone"));
      AddEvidence(a, "members", absl::StrJoin(g.members, ", "));
      AddEvidence(a, "member_operations", absl::StrJoin(figures, "; "));
      AddEvidence(a, "combined_best", OpsFigure(combined.best));
      AddEvidence(a, "combined_upper", OpsFigure(combined.upper));
      AddEvidence(
          a, "window",
          absl::StrCat(window_text, " (policy.structuring_window; training since ",
                       absl::FormatTime("%Y-%m-%d", window_start, absl::UTCTimeZone()), ")"));
      AddEvidence(a, "all_time_combined_best", OpsFigure(all_time.best));
      AddEvidence(a, "level_operations", OpsFigure(c.level.ops));
      AddEvidence(a, "links", absl::StrJoin(reasons, "; "));
      if (absl::Status r = recorder_.Record(std::move(a), now, true); !r.ok()) return r;
    }
  }
  return absl::OkStatus();
}

}  // namespace redflag
