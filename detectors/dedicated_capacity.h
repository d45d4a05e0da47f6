// Rule dedicated_capacity_licence (R3): a customer headquartered, or whose
// ultimate parent is headquartered, in Country Group D:5 or Macau needs a
// licence for advanced-computing items wherever it is (15 CFR
// 742.6(a)(6)(iii)(A)); dedicated capacity of 3A090/4A090-class
// accelerators (bare metal, a reserved cluster) for it is such an item
// supplied. Shared capacity, or accelerators below the class, is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "detectors/catalog.h"

namespace redflag::detectors {

// 3A090.a: total processing performance (peak dense operations per second in
// tera-operations x the operation's bit length) of at least 4800. (3A090.b's
// performance density needs the die area, which the catalog does not hold.)
bool IsAdvancedComputing(const Accelerator& accelerator);
// The same of an accelerator as a fleet names it; a name the catalog does not
// know is taken at its fastest entry.
bool IsAdvancedComputing(const Catalog& catalog, absl::string_view reported_name);

struct DedicatedJob {
  std::string job_id = {};
  uint32_t accelerators = 0;
  std::string accelerator_model = {};
  bool dedicated = false;
  bool advanced = false;          // of the 3A090/4A090 class (the catalog says)
  bool adversary_linked = false;  // the customer on a day the job ran
};

struct DedicatedCapacity {
  uint32_t accelerators = 0;              // over the jobs below
  std::vector<std::string> job_ids = {};  // in the order given
};

// The customer's jobs that need the licence, and how many accelerators they
// hold; nullopt when none does.
std::optional<DedicatedCapacity> LicenceRequired(const std::vector<DedicatedJob>& jobs);

}  // namespace redflag::detectors
