// The quarterly compliance report (docs/reports.md): lineages, accounts and
// ultimate parents at each level when the quarter ended, every alert raised
// or worked in it, Red Flag 28 inquiries, screenings that found listed
// parties, the policy and lists in force, the reporting duties' runs and
// clusters (reporting_sections.h), with a daily chart of the largest lineages. Every section is
// read as of the quarter's end, from data kept with its time (per-day job totals, profile versions,
// the audit log, inquiry steps, screening records), so more data for a later quarter leaves an
// earlier quarter's report as it was.
#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/clusters/cluster_inventory.h"
#include "daemon/compute/compute_view.h"
#include "daemon/config/policy_profile.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"
#include "daemon/records/record_store.h"
#include "daemon/storage/store.h"
#include "redflag/v1/reports.pb.h"

namespace redflag {

struct Quarter {
  std::string name;  // "2026Q3"
  absl::Time start;  // the quarter is [start, end), UTC
  absl::Time end;
};

// "2026Q3" (also "2026q3", "2026-Q3"); INVALID_ARGUMENT naming the field.
absl::StatusOr<Quarter> ParseQuarter(absl::string_view text);
// The name of the quarter `t` is in, e.g. "2026Q3".
std::string QuarterName(absl::Time t);

class QuarterlyReports {
 public:
  // `clusters`, `records` (may be null): the inventory and the foreign-person
  // records for their sections;
  // `profile`: the one in force now, for a quarter before any is recorded.
  QuarterlyReports(Ledger& ledger, const ComputeView& view, CustomerRegistry& customers,
                   AuditLog& audit, Store& store, ClusterInventory* clusters = nullptr,
                   RecordStore* records = nullptr, PolicyProfile profile = ResolvePolicyProfile({}))
      : ledger_(ledger),
        view_(view),
        customers_(customers),
        audit_(audit),
        store_(store),
        clusters_(clusters),
        records_(records),
        profile_(std::move(profile)) {}

  // The frozen copy if there is one, else a report built now.
  absl::StatusOr<v1::QuarterlyReport> Build(const v1::GetQuarterlyReportRequest& request,
                                            absl::Time now) const;
  absl::StatusOr<v1::QuarterlyReport> BuildNow(const Quarter& q, uint32_t chart_lineages,
                                               absl::Time now) const;
  // Builds and stores the report of `quarter` unless stored already: from
  // then on it is served as stored (before its figures are compacted).
  absl::Status Freeze(const std::string& quarter, absl::Time now) const;

 private:
  // Also gives the figures it read and the jobs that ran in the quarter.
  absl::Status AddSubjects(const Quarter& q, uint32_t chart_lineages, absl::Time now,
                           v1::QuarterlyReport& report, ComputeEvaluation& eval,
                           std::set<std::string>& active) const;
  // Also gives the details of the first policy in_force record of all.
  absl::Status AddAuditSections(const Quarter& q, v1::QuarterlyReport& report,
                                std::map<std::string, std::string>& first_policy) const;
  absl::Status AddInquiries(const Quarter& q, v1::QuarterlyReport& report) const;
  absl::Status AddScreenings(const Quarter& q, v1::QuarterlyReport& report) const;

  Ledger& ledger_;
  const ComputeView& view_;
  CustomerRegistry& customers_;
  AuditLog& audit_;
  Store& store_;
  ClusterInventory* const clusters_;
  RecordStore* const records_;
  const PolicyProfile profile_;
};

// Hex SHA-256 of the report without its generation fields.
std::string ReportContentSha256(const v1::QuarterlyReport& report);

}  // namespace redflag
