// Domains of free mail services: two parties sharing one share nothing.
#pragma once

#include "absl/strings/string_view.h"

namespace redflag::detectors {

// `domain` lower case, e.g. "gmail.com".
bool IsFreeMailDomain(absl::string_view domain);

}  // namespace redflag::detectors
