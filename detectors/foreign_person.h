// Rule R5's facts: who is a foreign person, and when a record is due. The
// IaaS Customer Identification Program NPRM asks for a report on a foreign
// person's training of a large model; a customer is taken as foreign when its
// headquarters, or its ultimate parent's (declared, or found by walking the
// ownership chain), is outside the United States, or unknown: a customer
// whose headquarters nobody recorded cannot be shown to be a US person.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "detectors/ownership.h"
#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

// Why the customer is a foreign person ("headquarters CN", "ultimate parent
// Dragon Holdings (CN)", "headquarters unknown"), or nullopt for a US person.
std::optional<std::string> ForeignBasis(const v1::CustomerProfile& customer,
                                        const UltimateParent& parent);

// When a record is due: `due_days` after the lineage crossed the level, or
// after the record opened if the crossing's event time lies after that.
absl::Time RecordDue(absl::Time crossed_by, absl::Time opened, int due_days);

// A draft past its due date.
bool IsOverdue(bool filed, absl::Time due, absl::Time now);

}  // namespace redflag::detectors
