#include "detectors/reporting_policy.h"

namespace redflag::detectors {
namespace {

constexpr const char* kBis7027 =
    "BIS proposed rule 'Establishment of Reporting Requirements for the Development of Advanced "
    "AI Models and Computing Clusters', 89 FR 73612 (11 Sep 2024), proposed 15 CFR 702.7";
constexpr const char* kEo14110 =
    "EO 14110 (30 Oct 2023) section 4.2(b), revoked by EO 14148 (20 Jan 2025)";
constexpr const char* kCip =
    "IaaS Customer Identification Program NPRM, 89 FR 5698 (29 Jan 2024), proposed 15 CFR 7.308";

ForeignRecordDuty CipRecords() {
  return {.on = true,
          .operations = 1e26,
          .due_days = 15,
          .source = {.status = "proposed", .citation = kCip},
          .due_source = {.status = "unconfirmed",
                         .citation = "15 calendar days: recollection of the NPRM, not found in "
                                     "the sources read"}};
}

}  // namespace

ReportingPolicy ProposedReportingPolicy() {
  return {.runs = {.on = true,
                   .operations = 1e26,
                   .source = {.status = "proposed", .citation = kBis7027}},
          .biological_sequence_runs = {.on = false,
                                       .operations = 1e23,
                                       .source = {.status = "revoked", .citation = kEo14110}},
          .clusters = {.on = true,
                       .peak_ops_per_s = 1e20,
                       .interconnect_gbit_s = 300,
                       .source = {.status = "proposed", .citation = kBis7027}},
          .foreign_person_records = CipRecords()};
}

ReportingPolicy Eo14110ReportingPolicy() {
  const DutySource eo{.status = "revoked", .citation = kEo14110};
  return {
      .runs = {.on = true, .operations = 1e26, .source = eo},
      .biological_sequence_runs = {.on = true, .operations = 1e23, .source = eo},
      .clusters = {.on = true, .peak_ops_per_s = 1e20, .interconnect_gbit_s = 100, .source = eo},
      .foreign_person_records = CipRecords()};
}

}  // namespace redflag::detectors
