#include "daemon/storage/schema.h"

#include <google/protobuf/unknown_field_set.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/customers/customer_keys.h"
#include "daemon/ledger/job_day_keys.h"
#include "detectors/accounting.h"
#include "redflag/v1/customers.pb.h"

namespace redflag {
namespace {

constexpr absl::string_view kVersionKey = "schema_version";

struct Migration {
  uint32_t to_version;
  const char* what;
  std::function<absl::Status(Store&, WriteBatch&)> run;
};

// Append new migrations here, in order; each runs in the same write batch as
// the version stamp it leads to.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> m = {
      {1, "initial layout: meta, jobs, totals, watermarks, ledger, customers, alerts",
       [](Store&, WriteBatch&) { return absl::OkStatus(); }},
      {2, "customer profile history: each stored profile becomes its own first kept version",
       [](Store& store, WriteBatch& batch) {
         return ScanMessages<v1::Customer>(
             store, Domain::kCustomers, "", "", [&](absl::string_view key, const v1::Customer& c) {
               batch.Put(Domain::kCustomerHistory, CustomerHistoryKey(key, c.version()),
                         c.SerializeAsString());
               return true;
             });
       }},
      {3, "per-day job totals: a job's totals so far count on the day of its last window",
       [](Store& store, WriteBatch& batch) {
         // The job checkpoint (ledger_records.proto JobCheckpoint) holds its
         // JobTotals as field 2; read without depending on the ledger.
         return store.Scan(
             Domain::kTotals, "", "", [&](absl::string_view job_id, absl::string_view value) {
               google::protobuf::UnknownFieldSet fields;
               if (!fields.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                 return true;  // the ledger reports unreadable checkpoints at load
               }
               for (int i = 0; i < fields.field_count(); ++i) {
                 const google::protobuf::UnknownField& f = fields.field(i);
                 if (f.number() != 2 ||
                     f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
                   continue;
                 }
                 v1::JobTotals totals;
                 if (!totals.ParseFromString(f.length_delimited()) || totals.samples() == 0) break;
                 const int32_t day = detectors::DayOfWindowEnd(totals.last_window_end_unix_ms());
                 batch.Put(Domain::kJobDays, JobDayKey(job_id, day), f.length_delimited());
               }
               return true;
             });
       }},
  };
  return m;
}

}  // namespace

absl::StatusOr<uint32_t> MigrateSchema(Store& store) {
  absl::StatusOr<std::optional<std::string>> raw = store.Get(Domain::kMeta, kVersionKey);
  if (!raw.ok()) return raw.status();
  uint32_t found = 0;
  if (raw->has_value() && !absl::SimpleAtoi(**raw, &found)) {
    return absl::DataLossError(absl::StrCat("meta/schema_version is not a number: '", **raw, "'"));
  }
  if (found > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the data dir has schema version ", found, " but this redflagd supports up to ",
        kSchemaVersion, "; run a newer redflagd or restore a backup"));
  }
  for (const Migration& m : Migrations()) {
    if (m.to_version <= found) continue;
    std::unique_ptr<WriteBatch> batch = store.NewBatch();
    absl::Status s = m.run(store, *batch);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("migration to schema ", m.to_version, " (", m.what,
                                                 "): ", s.message()));
    }
    batch->Put(Domain::kMeta, kVersionKey, absl::StrCat(m.to_version));
    if (absl::Status w = store.Write(*batch, /*sync=*/true); !w.ok()) return w;
  }
  return found;
}

}  // namespace redflag
